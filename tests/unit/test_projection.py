"""The projected tables follow the events: items, comments and votes match what the app shows."""

from __future__ import annotations

from deltalake import DeltaTable

from app.services.work_items import WorkItemService
from app.store.delta_store import DeltaStore
from app.store.delta_tables import read_table
from tests.unit.conftest import OTHER, REPORTER, TRIAGER, incident, open_store


def _rows(store: DeltaStore, table: str) -> list[dict]:
    return read_table(DeltaTable(str(store.root / table))).to_pylist()


def test_tables_match_the_app_after_a_flush(service: WorkItemService, store: DeltaStore) -> None:
    item = service.create(REPORTER, incident())
    service.transition(TRIAGER, item.id, "triaged", 1)
    service.comment(OTHER, item.id, "seen it")
    service.vote(OTHER, item.id)
    service.vote(TRIAGER, item.id)
    service.vote(OTHER, item.id, voted=False)
    store.flush()
    [row] = _rows(store, "work_items")
    assert (row["state"], row["version"], row["key"]) == ("triaged", 2, "INC-1")
    assert '"state_changed"' in row["pending_event"], "the row carries its latest event"
    assert [r["body"] for r in _rows(store, "work_item_comments")] == ["seen it"]
    assert [r["voter"] for r in _rows(store, "work_item_votes")] == [TRIAGER.id]


def test_a_vote_withdrawn_before_projection_leaves_no_row(service: WorkItemService, store: DeltaStore) -> None:
    item = service.create(REPORTER, incident())
    service.vote(OTHER, item.id)
    service.vote(OTHER, item.id, voted=False)
    store.flush()
    assert _rows(store, "work_item_votes") == []
    service.vote(OTHER, item.id)
    store.flush()
    assert [r["voter"] for r in _rows(store, "work_item_votes")] == [OTHER.id]


def test_a_fresh_process_reads_what_the_tables_and_events_say(service: WorkItemService, store: DeltaStore) -> None:
    item = service.create(REPORTER, incident())
    service.comment(OTHER, item.id, "first")
    service.vote(OTHER, item.id)
    store.flush()
    reopened = WorkItemService(open_store(store.root), ["spark"])
    detail = reopened.detail(item.id, OTHER)
    assert (detail.view.vote_count, detail.view.my_vote, [c.body for c in detail.comments]) == (1, True, ["first"])


def test_another_process_writes_are_read_from_the_log(service: WorkItemService, store: DeltaStore) -> None:
    reader = open_store(store.root)
    item = service.create(REPORTER, incident())
    service.comment(OTHER, item.id, "from the writer")
    seen = reader.data_version_number()
    assert reader.tables["work_item_events"].appended_since(seen)[:2] == ([], seen), "caught up: nothing new"
    service.vote(OTHER, item.id)
    rows, end, _ = reader.tables["work_item_events"].appended_since(seen)
    assert [r[3] for r in rows] == ["voted"] and end == store.data_version_number()
    detail = WorkItemService(reader, ["spark"]).detail(item.id, OTHER)
    assert (detail.view.vote_count, [c.body for c in detail.comments]) == (1, ["from the writer"])
