"""The large scenario's code path at tiny sizes: exact counts, unique keys, consistent histories."""

from __future__ import annotations

import collections
import json

import pytest

from app.models import EventType
from app.seed.bulk_data import Sizes, seed_large
from app.store.delta_store import DeltaStore
from app.store.event_registry import EventRow
from app.store.read_model import ReadModel
from tests.unit.conftest import open_store

PLATFORMS = ["sql-warehouse", "kafka", "airflow", "mlflow"]


def _tables(store: DeltaStore) -> dict[str, list[dict]]:
    names = ("work_items", "work_item_events", "work_item_comments", "work_item_votes")
    return {name: store.tables[name].read_all().to_pylist() for name in names}


def _model_state(model: ReadModel) -> tuple:
    return (dict(model.items), {k: list(v) for k, v in model.events.items() if v},
            {k: list(v) for k, v in model.comments.items() if v}, {k: dict(v) for k, v in model.votes.items() if v})


@pytest.mark.parametrize("sizes", [
    Sizes(items=40, events=800, comments=150, votes=300),   # budget left for every vote's event
    Sizes(items=60, events=300, comments=200, votes=900),   # the large scenario's proportions
    Sizes(items=25, events=25, comments=10, votes=40),      # only created events: nothing else fits
])
def test_seed_large_writes_a_consistent_store(tmp_path, sizes: Sizes) -> None:
    store = open_store(tmp_path)
    message = seed_large(store, PLATFORMS, sizes)
    assert f"Seeded {sizes.items} work items" in message
    rows = _tables(store)
    assert [len(rows[n]) for n in rows] == [sizes.items, sizes.events, sizes.comments, sizes.votes]

    items = {r["id"]: r for r in rows["work_items"]}
    assert len(items) == sizes.items
    keys = [r["key"] for r in rows["work_items"]]
    assert len(set(keys)) == len(keys)
    assert len({r["event_id"] for r in rows["work_item_events"]}) == sizes.events
    assert len({r["id"] for r in rows["work_item_comments"]}) == sizes.comments
    assert len({(r["item_id"], r["voter"]) for r in rows["work_item_votes"]}) == sizes.votes

    history = collections.defaultdict(list)
    for event in sorted(rows["work_item_events"], key=lambda e: (e["item_id"], e["seq"])):
        history[event["item_id"]].append(event)
    for item_id, events in history.items():
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        assert events[0]["event_type"] == EventType.CREATED and events[0]["version"] == 1
        assert [e["created_at"] for e in events] == sorted(e["created_at"] for e in events)
        assert events[-1]["version"] == items[item_id]["version"]
        assert json.loads(items[item_id]["pending_event"])["version"] == items[item_id]["version"]
    assert set(history) == set(items)

    commented = {e["event_id"] for e in rows["work_item_events"] if e["event_type"] == "commented"}
    assert commented <= {c["id"] for c in rows["work_item_comments"]}
    assert len(commented) == min(sizes.comments, sizes.events - sizes.items)


def test_folding_the_events_gives_the_rows_written(tmp_path) -> None:
    """Replaying every event through the read model reproduces the items, comments and votes."""
    store = open_store(tmp_path)
    seed_large(store, PLATFORMS, Sizes(items=40, events=800, comments=150, votes=300))
    folded = ReadModel()
    events = sorted(_tables(store)["work_item_events"], key=lambda e: (e["item_id"], e["seq"]))
    for e in events:
        folded.apply(EventRow(e["event_id"], e["item_id"], e["seq"], e["event_type"], e["payload"], e["version"],
                              e["created_at"], e["created_by"]))
    assert _model_state(folded) == _model_state(store.model)


def test_reload_equals_the_model_in_memory(tmp_path) -> None:
    store = open_store(tmp_path)
    seed_large(store, PLATFORMS, Sizes(items=60, events=300, comments=200, votes=900))
    reopened = open_store(tmp_path)
    assert _model_state(reopened.model) == _model_state(store.model)
    assert reopened.model.max_number == store.model.max_number
    types = collections.Counter(it.item_type for it in store.model.items.values())
    assert set(types) == {"incident", "improvement", "platform_request"}

