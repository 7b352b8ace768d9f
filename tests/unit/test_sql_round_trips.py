"""Round trips are the cost on a warehouse: statements per page, per write, and what the cache saves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.models import Actor, Event, EventType, Role
from app.services.clock import FrozenClock
from app.services.work_items import WorkItemService
from app.store.sql_store import SqlStore
from tests.contract.builders import event
from tests.contract.conftest import open_sql_store

TRIAGER = Actor("tri@example.com", Role.TRIAGER)
REPORTER = Actor("rep@example.com", Role.REPORTER)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    store, _ = open_sql_store(tmp_path, cache_ttl=0)
    yield store
    store.close()


def counted(store: SqlStore, action: object) -> int:
    before = store.pool.statements
    action()  # type: ignore[operator]
    return store.pool.statements - before


def seed(service: WorkItemService, n: int = 4) -> list[str]:
    ids = []
    for i in range(n):
        ids.append(service.create(REPORTER, {"item_type": "incident", "title": f"Broken pipeline {i}",
                                             "platform": "kafka", "severity": "sev3"}).id)
    return ids


def test_list_and_detail_pages_take_at_most_two_statements(store: SqlStore) -> None:
    service = WorkItemService(store, ["kafka"])
    item_id = seed(service)[0]
    service.comment(REPORTER, item_id, "me too")
    for params in ({}, {"sort": "-votes", "state": "new,triaged", "q": "pipeline", "type": "incident"},
                   {"voted": "1", "mine": "1"}, {"page": "1", "page_size": "2"}):
        assert counted(store, lambda p=params: service.list(REPORTER, p)) == 1
    assert counted(store, lambda: service.list(REPORTER, {"page": "9"})) == 2  # past the end: total alone
    assert counted(store, lambda: service.detail(item_id, REPORTER)) == 2
    assert counted(store, lambda: service.get(item_id, REPORTER)) == 2


def test_each_write_takes_at_most_four_statements(store: SqlStore) -> None:
    """Uniqueness under concurrent writers costs a compare-and-set of a counter row per write, and a read of
    it unless this instance took the item's last number itself (sql_claims.py): create = key row read + key
    claim (with the seq row) + item + event; an update = the service's item read + the change + seq claim +
    event; a comment = item read + seq claim + event + comment row. A worker that has not written the item
    reads the seq row first (+1); one whose guess went stale loses a claim, then reads (+2)."""
    service = WorkItemService(store, ["kafka"])
    created: list[str] = []
    assert counted(store, lambda: created.append(service.create(REPORTER, {
        "item_type": "incident", "title": "Warehouse down", "platform": "kafka", "severity": "sev1"}).id)) == 4
    item_id = created[0]
    assert counted(store, lambda: service.update(TRIAGER, item_id, 1, {"priority": "p1"})) == 4
    assert counted(store, lambda: service.transition(TRIAGER, item_id, "triaged", 2)) == 4
    assert counted(store, lambda: service.comment(REPORTER, item_id, "Same here")) == 4
    other = SqlStore(store.pool._connect, "deltadesk_test", "tickets", cache_ttl=0, recover=False)
    assert counted(other, lambda: WorkItemService(other, ["kafka"]).comment(REPORTER, item_id, "From elsewhere")) == 5
    assert counted(store, lambda: service.comment(REPORTER, item_id, "Back here")) == 6  # a stale guess: +1 claim
    other.close()
    # A vote: the store's first statement reads the vote state, the item's version and its seq row together,
    # then the seq claim, the event and the vote row; an unchanged vote stops after the first.
    assert counted(store, lambda: service.vote(REPORTER, item_id)) == 4
    assert counted(store, lambda: service.vote(REPORTER, item_id)) == 1
    first, again = _vote_event(store, item_id), _vote_event(store, item_id)
    assert counted(store, lambda: store.set_vote(item_id, "v@example.com", True, first)) == 4
    assert counted(store, lambda: store.set_vote(item_id, "v@example.com", True, again)) == 1


def _vote_event(store: SqlStore, item_id: str) -> Event:
    item = store.get_item(item_id)
    assert item is not None
    return event(item, EventType.VOTED, "v@example.com", {"voter": "v@example.com"}, item.version, item.updated_at)


def test_repeated_reads_are_served_from_the_cache_until_this_instance_writes(tmp_path: Path) -> None:
    store, _ = open_sql_store(tmp_path, cache_ttl=60)
    service = WorkItemService(store, ["kafka"])
    item_id = seed(service, 2)[0]
    assert counted(store, lambda: service.list(REPORTER, {})) == 1
    assert counted(store, lambda: service.list(REPORTER, {})) == 0
    assert counted(store, lambda: service.detail(item_id, REPORTER)) == 2
    assert counted(store, lambda: service.detail(item_id, REPORTER)) == 0
    assert counted(store, lambda: service.vote(REPORTER, item_id)) == 4  # state, claim, event, row; clears the cache
    assert counted(store, lambda: service.vote(REPORTER, item_id)) == 1  # unchanged: the vote state alone
    view = service.get(item_id, REPORTER)
    assert (view.vote_count, view.my_vote) == (1, True)
    assert service.list(REPORTER, {}).vote_counts[item_id] == 1
    store.close()


def test_cache_entries_expire(tmp_path: Path, frozen_clock: FrozenClock) -> None:
    store, _ = open_sql_store(tmp_path, cache_ttl=0.2)
    store.cache.clock = frozen_clock.monotonic
    assert counted(store, lambda: store.data_version()) == 1
    assert counted(store, lambda: store.data_version()) == 0
    frozen_clock.advance(0.19)
    assert counted(store, lambda: store.data_version()) == 0, "still fresh just before the ttl"
    frozen_clock.advance(0.02)
    assert counted(store, lambda: store.data_version()) == 1
    store.close()
