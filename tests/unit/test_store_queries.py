"""The embedded store's indexed list queries and writes agree with a brute-force reading of the data."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from app.models import Actor, Role
from app.models.triage import triage_key
from app.seed.bulk_data import Sizes, seed_large
from app.services.work_items import WorkItemService
from app.store.base import ItemQuery
from app.store.delta_store import DeltaStore
from app.store.read_model import _rank
from tests.unit.conftest import open_store

PLATFORMS = ["sql-warehouse", "kafka", "airflow", "mlflow"]
TRIAGER = Actor("triager@example.com", Role.TRIAGER)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[DeltaStore]:
    store = DeltaStore(tmp_path_factory.mktemp("queries"))
    seed_large(store, PLATFORMS, Sizes(items=400, events=2400, comments=600, votes=3000))
    yield store
    store.close()


def _sort_key(store: DeltaStore, sort: str):
    votes = store.model.votes
    return {
        "created_at": lambda it: (it.created_at, it.id),
        "updated_at": lambda it: (it.updated_at, it.id),
        "priority": lambda it: (-_rank(it.priority), it.created_at, it.id),
        "votes": lambda it: (len(votes.get(it.id, ())), it.created_at, it.id),
        "triage": triage_key,  # its order is pinned down item by item in tests/contract/test_triage_order.py
    }[sort]


def _brute(store: DeltaStore, q: ItemQuery) -> tuple[list[str], int]:
    items = list(store.model.items.values())
    keep = [it for it in items
            if (not q.item_type or it.item_type == q.item_type) and (not q.states or it.state in q.states)
            and (not q.platform or it.platform == q.platform) and (not q.author or it.created_by == q.author)
            and (not q.q or q.q.lower() in f"{it.key}\n{it.title}\n{it.description}".lower())
            and (q.voted_by is None or q.voted_by in store.model.votes.get(it.id, {}))]
    keep.sort(key=_sort_key(store, q.sort), reverse=q.descending and q.sort != "triage")
    start = (q.page - 1) * q.page_size
    return [it.id for it in keep[start:start + q.page_size]], len(keep)


def test_every_filter_and_sort_matches_brute_force(store: DeltaStore) -> None:
    some = next(iter(store.model.items.values()))
    voter = next(v for cast in store.model.votes.values() for v in cast)
    filters = [{}, {"item_type": "incident"}, {"states": ("new", "triaged")}, {"platform": "kafka"},
               {"author": some.created_by}, {"q": "team"}, {"q": "KAFKA", "item_type": "improvement"},
               {"voted_by": voter}, {"q": "no such text anywhere"}, {"q": "lag growing"}, {"q": "g lag gro"},
               {"q": "inc-1"}, {"q": "(got"}, {"states": ("new", "triaged"), "item_type": "incident"},
               {"states": ("new", "proposed", "submitted"), "q": "team"}]
    for extra, sort, descending, page in itertools.product(filters, ("created_at", "updated_at", "priority",
                                                                     "votes", "triage"), (True, False), (1, 3)):
        q = ItemQuery(sort=sort, descending=descending, page=page, page_size=20, **extra)
        result = store.list_items(q)
        assert ([it.id for it in result.items], result.total) == _brute(store, q), (extra, sort, descending, page)


def test_writes_move_lists_counts_and_survive_a_reload(store: DeltaStore) -> None:
    service = WorkItemService(store, PLATFORMS)
    reporter = Actor("new.reporter@example.com", Role.REPORTER)
    item = service.create(reporter, {"item_type": "incident", "title": "Bench store check", "severity": "sev2",
                                     "impact": "tests", "platform": "kafka"})
    service.comment(reporter, item.id, "first comment")
    assert [e.event_type for e in store.get_detail(item.id, None).events] == ["created", "commented"]
    assert item.id in [it.id for it in store.list_items(ItemQuery(q="bench store", page_size=100)).items]
    assert service.vote(reporter, item.id, True) == (True, 1)
    assert service.vote(TRIAGER, item.id, True) == (True, 2)
    assert service.vote(reporter, item.id, False) == (False, 1)
    moved = service.transition(TRIAGER, item.id, "triaged", item.version)
    page = store.list_items(ItemQuery(states=("triaged",), q="bench store check"))
    assert [it.id for it in page.items] == [item.id] and page.vote_counts[item.id] == 1
    assert page.comment_counts[item.id] == 1
    assert store.list_items(ItemQuery(states=("new",), q="bench store check")).total == 0
    voted = store.list_items(ItemQuery(voted_by=TRIAGER.id))
    assert item.id in [it.id for it in voted.items]
    old_vote = next((i, v) for i, cast in store.model.votes.items() for v in cast if i != item.id)
    service.vote(Actor(old_vote[1], Role.REPORTER), old_vote[0], False)
    detail = store.get_detail(item.id, TRIAGER.id)
    assert detail.my_vote and detail.vote_count == 1 and detail.item.version == moved.version
    assert [e.event_type for e in detail.events] == ["created", "commented", "voted", "voted", "unvoted",
                                                    "state_changed"]
    renamed = service.update(TRIAGER, item.id, moved.version, {"title": "Renamed zebraword check"})
    assert [it.id for it in store.list_items(ItemQuery(q="ZEBRAWORD")).items] == [item.id]
    assert item.id not in [it.id for it in store.list_items(ItemQuery(q="bench", page_size=100)).items]
    assert store.list_items(ItemQuery(q="zebraword check")).total == 1
    assert item.id not in [it.id for it in store.list_items(ItemQuery(q="bench store", page_size=100)).items], \
        "a search run before the edit must not answer after it"
    reopened = open_store(store.root)
    assert reopened.model.items == store.model.items and reopened.model.items[item.id].title == renamed.title
    assert reopened.model.votes == {k: v for k, v in store.model.votes.items() if v}
    assert old_vote[1] not in reopened.model.votes.get(old_vote[0], {})
    assert reopened.model.events[item.id] == store.model.events[item.id]
    assert reopened.model.comments[item.id] == store.model.comments[item.id]


CRASHING_WRITE = """
import sys
from app.models import Actor, Role
from app.services.work_items import WorkItemService
from app.store.delta_store import DeltaStore
store = DeltaStore(sys.argv[1])
service = WorkItemService(store, ["kafka"])
item = next(iter(store.model.items.values()))
voter = next(iter(store.model.votes[item.id]))
service.vote(Actor(voter, Role.REPORTER), item.id, False)
"""


def test_an_unvote_killed_after_its_event_is_finished_by_the_next_start(tmp_path) -> None:
    """The crash-safety protocol still holds with the bulk-loaded files and the non-streamed merges."""
    import subprocess
    import sys

    store = DeltaStore(tmp_path)
    seed_large(store, PLATFORMS, Sizes(items=30, events=300, comments=60, votes=200))
    item = next(iter(store.model.items.values()))
    voter = next(iter(store.model.votes[item.id]))
    store.close()
    env = {"DELTADESK_FAULT": "after_event", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", CRASHING_WRITE, str(tmp_path)], env=env, cwd=".")
    assert done.returncode == 70
    reopened = DeltaStore(tmp_path)
    assert voter not in reopened.model.votes.get(item.id, {})
    rows = reopened.tables["work_item_votes"].read_all().to_pylist()
    assert (item.id, voter) not in {(r["item_id"], r["voter"]) for r in rows}
    reopened.close()
    assert reopened._intents.count() == 0

