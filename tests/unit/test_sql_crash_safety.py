"""A write interrupted between its statements loses nothing: the outbox, event-first projections, the
reconciler and retries on Delta concurrent-modification errors, on the emulated warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.errors import StoreUnavailable
from app.store.base import ItemQuery, StoreConflict
from app.store.sql_reconcile import reconcile
from app.store.sql_store import ATTEMPTS, SqlStore
from tests.contract.builders import comment, create, update, vote
from tests.contract.conftest import open_sql_store
from tests.contract.duckdb_emulator import EmulatedWarehouse

DOWN = "[INTERNAL_ERROR] connection reset by peer"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[SqlStore, EmulatedWarehouse]]:
    store, warehouse = open_sql_store(tmp_path, cache_ttl=0)
    yield store, warehouse
    store.close()


def history(store: SqlStore, item_id: str) -> list[tuple[int, str, int]]:
    return [(e.seq, e.event_type, e.version) for e in store.events_for(item_id)]


def test_lost_event_after_an_update_is_stored_by_the_next_update(env: tuple[SqlStore, EmulatedWarehouse]) -> None:
    store, warehouse = env
    item = create(store, "incident")
    warehouse.fail_next(f"MERGE INTO {store.sql.events}", message=DOWN, times=2)
    changed = update(store, item, 1, title="Changed while the event insert failed")
    assert store.get_item(item.id).version == 2 and changed.version == 2
    assert history(store, item.id) == [(1, "created", 1)]
    update(store, changed, 2, title="Next change")
    assert history(store, item.id) == [(1, "created", 1), (2, "updated", 2), (3, "updated", 3)]


def test_reconciler_stores_outbox_events_of_creates_and_updates(env: tuple[SqlStore, EmulatedWarehouse]) -> None:
    store, warehouse = env
    warehouse.fail_next(f"MERGE INTO {store.sql.events}", message=DOWN, times=2)
    item = create(store, "incident")
    other = create(store, "incident")
    warehouse.fail_next(f"MERGE INTO {store.sql.events}", message=DOWN, times=2)
    update(store, other, 1, title="Changed")
    assert history(store, item.id) == [] and history(store, other.id) == [(1, "created", 1)]
    assert reconcile(store) == {"events": 2, "comments": 0, "votes": 0}
    assert history(store, item.id) == [(1, "created", 1)]
    assert store.events_for(item.id)[0].payload["item"]["key"] == "INC-1"
    assert history(store, other.id) == [(1, "created", 1), (2, "updated", 2)]
    assert reconcile(store) == {"events": 0, "comments": 0, "votes": 0}


def test_comment_and_vote_rows_are_rebuilt_from_their_events(env: tuple[SqlStore, EmulatedWarehouse]) -> None:
    store, warehouse = env
    item = create(store, "improvement", platform=None)
    vote(store, item, "gone@example.com")
    warehouse.fail_next(f"MERGE INTO {store.sql.comments}", message=DOWN, times=2)
    warehouse.fail_next(f"MERGE INTO {store.sql.votes}", message=DOWN, times=2)
    warehouse.fail_next(f"DELETE FROM {store.sql.votes}", message=DOWN, times=2)
    comment(store, item, "posted while the comment insert failed")
    assert vote(store, item, "new@example.com") == (True, 2)
    # counted on the events, so the missing vote row does not skew the count
    assert vote(store, item, "gone@example.com", voted=False) == (True, 1)
    before = store.get_detail(item.id, "new@example.com")
    assert (before.comment_count, before.my_vote) == (0, False)
    assert reconcile(store) == {"events": 0, "comments": 1, "votes": 2}
    after = store.get_detail(item.id, "new@example.com")
    assert (after.comment_count, after.vote_count, after.my_vote) == (1, 1, True)
    assert after.comments[0].body == "posted while the comment insert failed"
    assert store.get_detail(item.id, "gone@example.com").my_vote is False


def test_failed_event_insert_writes_nothing_and_reports_unavailable(env: tuple[SqlStore, EmulatedWarehouse]) -> None:
    store, warehouse = env
    item = create(store, "incident")
    warehouse.fail_next(f"MERGE INTO {store.sql.events}", message=DOWN, times=2)
    with pytest.raises(StoreUnavailable):
        comment(store, item, "never stored")
    warehouse.fail_next(f"MERGE INTO {store.sql.events}", message=DOWN, times=2)
    with pytest.raises(StoreUnavailable):
        vote(store, item, "v@example.com")
    detail = store.get_detail(item.id, "v@example.com")
    assert (detail.comment_count, detail.vote_count, len(detail.events)) == (0, 0, 1)
    assert reconcile(store) == {"events": 0, "comments": 0, "votes": 0}


def test_concurrent_modification_errors_are_retried(env: tuple[SqlStore, EmulatedWarehouse]) -> None:
    store, warehouse = env
    item = create(store, "incident")
    warehouse.fail_next(f"UPDATE {store.sql.items}", times=2)
    warehouse.fail_next(f"MERGE INTO {store.sql.events}", times=2)
    assert update(store, item, 1, title="Won after retries").version == 2
    assert history(store, item.id) == [(1, "created", 1), (2, "updated", 2)]
    with pytest.raises(StoreConflict):
        update(store, item, 1, title="Stale")


def test_persistent_conflicts_end_in_unavailable_with_nothing_lost(env: tuple[SqlStore, EmulatedWarehouse]) -> None:
    store, warehouse = env
    item = create(store, "incident")
    warehouse.fail_next(f"UPDATE {store.sql.items}", times=ATTEMPTS)
    with pytest.raises(StoreUnavailable):
        update(store, item, 1, title="Never lands")
    assert store.get_item(item.id) == item
    assert update(store, item, 1, title="Lands now").version == 2


def test_unreachable_warehouse_is_unavailable(tmp_path: Path) -> None:
    def refuse() -> object:
        raise OSError("no route to host")

    store = SqlStore(refuse, "main", "deltadesk")  # start-up reconcile fails quietly
    with pytest.raises(StoreUnavailable):
        store.get_item("x")


def test_background_reconciler_finishes_a_failed_step_soon(tmp_path: Path) -> None:
    import time

    from app.store.sql_reconcile import BackgroundReconciler

    store, warehouse = open_sql_store(tmp_path, cache_ttl=0)
    store.reconciler = BackgroundReconciler(store, every=600, poll=0.05)
    item = create(store, "incident")
    warehouse.fail_next(f"MERGE INTO {store.sql.comments}", message=DOWN, times=2)
    comment(store, item, "eventually visible")
    deadline = time.monotonic() + 10
    while store.get_detail(item.id, None).comment_count == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert store.get_detail(item.id, None).comment_count == 1
    store.close()


def test_one_dropped_connection_is_retried_on_a_new_one(env: tuple[SqlStore, EmulatedWarehouse]) -> None:
    store, warehouse = env
    item = create(store, "incident")
    for fragment in (f"UPDATE {store.sql.items}", f"MERGE INTO {store.sql.events}"):
        warehouse.fail_next(fragment, message="[SESSION_EXPIRED] Invalid SessionHandle")
    assert update(store, item, 1, title="Survives a dropped session").version == 2
    assert history(store, item.id) == [(1, "created", 1), (2, "updated", 2)]


def test_a_write_whose_reply_was_lost_is_recognised_not_repeated(env: tuple[SqlStore, EmulatedWarehouse]) -> None:
    store, warehouse = env
    lost = "[INTERNAL_ERROR] connection reset while reading the reply"
    warehouse.fail_next(f"MERGE INTO {store.sql.items}", message=lost, after=True)
    item = create(store, "incident")
    assert item.key == "INC-1" and store.list_items(ItemQuery()).total == 1
    warehouse.fail_next(f"UPDATE {store.sql.items}", message=lost, after=True)
    changed = update(store, item, 1, title="Applied once")
    assert (changed.version, store.get_item(item.id).title) == (2, "Applied once")
    warehouse.fail_next(f"MERGE INTO {store.sql.events}", message=lost, after=True)
    comment(store, changed, "once")
    assert history(store, item.id) == [(1, "created", 1), (2, "updated", 2), (3, "commented", 2)]
    assert store.get_detail(item.id, None).comment_count == 1
