"""The counters behind key numbers and event seq (sql_counters.py, sql_claims.py) on the emulated warehouse:
seeding by db-init, rows created lazily for items the counters do not know, a writer that died after
taking a number, and a claim handed back when its event could not be stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import sql_claims
from app.store.errors import StoreUnavailable
from app.store.sql_admin import db_init
from app.store.sql_reconcile import reconcile
from app.store.sql_store import SqlStore
from tests.contract.builders import comment, create, update, vote
from tests.contract.conftest import open_sql_store
from tests.contract.duckdb_emulator import EmulatedWarehouse
from tests.contract.test_store_contract import race

DOWN = "[INTERNAL_ERROR] connection reset by peer"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[SqlStore, EmulatedWarehouse]]:
    store, warehouse = open_sql_store(tmp_path, cache_ttl=0)
    yield store, warehouse
    store.close()


def counters(store: SqlStore) -> dict[str, int]:
    return {r["name"]: int(r["value"]) for r in store.run(f"SELECT name, value FROM {store.sql.counters}")[0]}


def seqs(store: SqlStore, item_id: str) -> list[int]:
    return [e.seq for e in store.events_for(item_id)]


def test_db_init_seeds_a_key_row_per_type_and_a_seq_row_per_item(env: tuple[SqlStore, EmulatedWarehouse]) -> None:
    store, _ = env
    assert counters(store) == {"key:incident": 0, "key:improvement": 0, "key:platform_request": 0}
    item = create(store, "incident")
    comment(store, item, "one")
    assert counters(store) == {"key:incident": 1, "key:improvement": 0, "key:platform_request": 0,
                               f"seq:{item.id}": 2}
    store.run(f"DELETE FROM {store.sql.counters} WHERE name <> 'key:improvement'")
    with pytest.raises(StoreUnavailable, match="db-init"):
        create(store, "incident")
    db_init(store)
    assert counters(store)["key:incident"] == 1 and counters(store)[f"seq:{item.id}"] == 2
    assert create(store, "incident").key == "INC-2"


def test_items_without_a_seq_row_get_one_once_even_under_concurrent_writers(
        env: tuple[SqlStore, EmulatedWarehouse]) -> None:
    store, _ = env
    item = create(store, "incident")
    vote(store, item, "a@example.com")
    store.run(f"DELETE FROM {store.sql.counters} WHERE name = :name", {"name": f"seq:{item.id}"})
    results = race(5, lambda i: comment(store, item, f"after the import {i}"))
    assert not [r for r in results if isinstance(r, Exception)]
    assert seqs(store, item.id) == [1, 2, 3, 4, 5, 6, 7]
    rows = store.run(f"SELECT value FROM {store.sql.counters} WHERE name = :name", {"name": f"seq:{item.id}"})[0]
    assert [r["value"] for r in rows] == [7]


def test_a_key_row_behind_the_items_catches_up(env: tuple[SqlStore, EmulatedWarehouse]) -> None:
    store, _ = env
    for _ in range(3):
        create(store, "incident")
    store.run(f"UPDATE {store.sql.counters} SET value = 1 WHERE name = 'key:incident'")  # like an import
    assert create(store, "incident").key == "INC-4"
    assert counters(store)["key:incident"] == 4


def test_a_failed_event_insert_hands_its_seq_back(env: tuple[SqlStore, EmulatedWarehouse]) -> None:
    store, warehouse = env
    item = create(store, "incident")
    warehouse.fail_next(f"MERGE INTO {store.sql.events}", message=DOWN, times=2)
    with pytest.raises(StoreUnavailable):
        comment(store, item, "not stored")
    assert counters(store)[f"seq:{item.id}"] == 1
    comment(store, item, "stored")
    assert seqs(store, item.id) == [1, 2]


def test_the_event_of_a_writer_that_died_after_its_claim_is_stored_by_the_next(
        env: tuple[SqlStore, EmulatedWarehouse], monkeypatch: pytest.MonkeyPatch) -> None:
    store, warehouse = env
    monkeypatch.setattr(sql_claims, "FLUSH_GRACE", 0.3)
    item = create(store, "incident")
    warehouse.fail_next(f"MERGE INTO {store.sql.events}", message=DOWN, times=2)
    warehouse.fail_next("pending_event = NULL", message=DOWN, times=2)  # nor can it hand the seq back
    with pytest.raises(StoreUnavailable):
        comment(store, item, "claimed, then the writer was gone")
    assert seqs(store, item.id) == [1]
    changed = update(store, item, 1, title="The next writer")
    assert seqs(store, item.id) == [1, 2, 3]
    assert [e.event_type for e in store.events_for(item.id)] == ["created", "commented", "updated"]
    assert reconcile(store)["comments"] == 1  # the comment row of the recovered event
    assert store.get_detail(changed.id, None).comment_count == 1


def test_the_reconciler_stores_a_pending_event_older_than_the_grace(
        env: tuple[SqlStore, EmulatedWarehouse], monkeypatch: pytest.MonkeyPatch) -> None:
    store, warehouse = env
    item = create(store, "incident")
    warehouse.fail_next(f"MERGE INTO {store.sql.events}", message=DOWN, times=2)
    warehouse.fail_next("pending_event = NULL", message=DOWN, times=2)
    with pytest.raises(StoreUnavailable):
        vote(store, item, "v@example.com", at=dt.datetime(2026, 1, 5, 9, 1, tzinfo=dt.UTC))
    assert reconcile(store) == {"events": 1, "comments": 0, "votes": 1}
    assert seqs(store, item.id) == [1, 2]
    assert store.get_detail(item.id, "v@example.com").my_vote is True
    assert reconcile(store) == {"events": 0, "comments": 0, "votes": 0}
