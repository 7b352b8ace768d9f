"""The emulated warehouse applies Delta's conflict rules under real concurrency, so a race in the SQL
store can fail a test: insert-only MERGEs never conflict (the old way of keeping keys and votes unique
duplicates rows), same-row UPDATEs do, and the store reads affected rows from the statement's result row."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from app.store.sql_connection import ConnectionPool, affected_rows, is_concurrency_error
from tests.contract.duckdb_emulator import EmulatedWarehouse, ServerOperationError

OLD_VOTE_MERGE = ("MERGE INTO `w`.`s`.`votes` AS t USING (SELECT CAST(:item_id AS STRING) AS item_id, "
                  "CAST(:voter AS STRING) AS voter) AS s ON t.item_id = s.item_id AND t.voter = s.voter "
                  "WHEN NOT MATCHED THEN INSERT (item_id, voter) VALUES (s.item_id, s.voter)")
CAS = "UPDATE `w`.`s`.`counters` SET value = value + 1 WHERE name = :name AND value = :seen"


@pytest.fixture
def warehouse(tmp_path: Path) -> Any:
    wh = EmulatedWarehouse(tmp_path, "w")
    conn = wh.connect()
    with conn.cursor() as cur:
        cur.execute("CREATE SCHEMA IF NOT EXISTS `w`.`s`")
        cur.execute("CREATE TABLE IF NOT EXISTS `w`.`s`.`votes` (item_id STRING, voter STRING)")
        cur.execute("CREATE TABLE IF NOT EXISTS `w`.`s`.`counters` (name STRING, value BIGINT)")
        cur.execute("INSERT INTO `w`.`s`.`counters` VALUES ('k', 0)")
    yield wh
    wh.close()


def together(warehouse: EmulatedWarehouse, n: int, sql: str, params: dict[str, Any]) -> list[Any]:
    """Run one statement from n connections (one thread each) at once; each thread's result row or error."""
    start, out = threading.Barrier(n), [None] * n

    def run(i: int) -> None:
        with warehouse.connect().cursor() as cur:
            start.wait()
            try:
                cur.execute(sql, params)
                out[i] = dict(zip([d[0] for d in cur.description], cur.fetchall()[0], strict=True))
            except ServerOperationError as exc:
                out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def count(warehouse: EmulatedWarehouse, sql: str) -> Any:
    with warehouse.connect().cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()[0][0]


def test_concurrent_insert_only_merges_both_insert(warehouse: EmulatedWarehouse) -> None:
    """Why a MERGE alone cannot keep one vote per user: each checks the row is absent, both commit."""
    warehouse.pause("MERGE INTO", 0.2)
    results = together(warehouse, 3, OLD_VOTE_MERGE, {"item_id": "i", "voter": "v"})
    assert [r["num_inserted_rows"] for r in results] == [1, 1, 1]
    assert count(warehouse, "SELECT count(*) FROM `w`.`s`.`votes`") == 3


def test_concurrent_updates_of_one_row_conflict(warehouse: EmulatedWarehouse) -> None:
    """A compare-and-set UPDATE does conflict: one commits, the others get a Delta-style retryable error."""
    warehouse.pause("UPDATE", 0.2)
    results = together(warehouse, 3, CAS, {"name": "k", "seen": 0})
    won = [r for r in results if isinstance(r, dict)]
    assert won == [{"num_affected_rows": 1}]
    assert all(isinstance(r, ServerOperationError) and is_concurrency_error(r) for r in results if r not in won)
    assert count(warehouse, "SELECT value FROM `w`.`s`.`counters`") == 1
    assert warehouse.conflicts == 2


def test_concurrent_merges_updating_one_row_conflict(warehouse: EmulatedWarehouse) -> None:
    """A MERGE that updates a row (the gate of the key claim) conflicts like an UPDATE of that row."""
    warehouse.pause("MERGE INTO", 0.2)
    gated = ("MERGE INTO `w`.`s`.`counters` AS t USING (SELECT 'k' AS name, 1 AS value UNION ALL SELECT :new, 1) AS s "
             "ON t.name = s.name WHEN MATCHED THEN UPDATE SET value = s.value "
             "WHEN NOT MATCHED THEN INSERT (name, value) VALUES (s.name, s.value)")
    results = together(warehouse, 3, gated, {"new": "seq:x"})
    assert [r["num_affected_rows"] for r in results if isinstance(r, dict)] == [2]
    assert count(warehouse, "SELECT count(*) FROM `w`.`s`.`counters` WHERE name = 'seq:x'") == 1


def test_updates_of_different_rows_do_not_conflict(warehouse: EmulatedWarehouse) -> None:
    with warehouse.connect().cursor() as cur:
        cur.execute("INSERT INTO `w`.`s`.`counters` VALUES ('other', 0)")
    warehouse.pause("UPDATE", 0.2)
    start, out = threading.Barrier(2), []

    def bump(name: str) -> None:
        with warehouse.connect().cursor() as cur:
            start.wait()
            cur.execute(CAS, {"name": name, "seen": 0})
            out.append(cur.fetchall()[0][0])

    threads = [threading.Thread(target=bump, args=(n,)) for n in ("k", "other")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == [1, 1] and warehouse.conflicts == 0


def test_dml_answers_with_num_affected_rows_and_leaves_rowcount_unknown(warehouse: EmulatedWarehouse) -> None:
    pool = ConnectionPool(warehouse.connect)
    rows, affected = pool.run(CAS, {"name": "k", "seen": 0})
    assert (rows, affected) == ([{"num_affected_rows": 1}], 1)
    assert pool.run(CAS, {"name": "k", "seen": 0})[1] == 0
    rows, affected = pool.run(OLD_VOTE_MERGE, {"item_id": "i", "voter": "v"})
    assert rows == [{"num_affected_rows": 1, "num_updated_rows": 0, "num_deleted_rows": 0, "num_inserted_rows": 1}]
    with warehouse.connect().cursor() as cur:
        cur.execute(CAS, {"name": "k", "seen": 1})
        assert cur.rowcount == -1  # the connector's rowcount is not relied on


def test_rowcount_is_only_the_fallback() -> None:
    assert affected_rows([{"num_affected_rows": 2}], -1) == 2
    assert affected_rows([{"num_affected_rows": 0}], 5) == 0
    assert affected_rows([], 3) == 3  # a backend that returns no result row but fills rowcount
