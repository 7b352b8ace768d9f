"""The `store` fixture: every backend, so one suite proves they behave the same.

* embedded: DeltaStore over real Delta tables in a temp dir;
* databricks: the real SqlStore and its real SQL, on a local DuckDB warehouse emulator whose sessions run
  concurrently under Delta's conflict rules (so the race tests can fail on it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store.delta_store import DeltaStore
from app.store.sql_admin import db_init
from app.store.sql_store import SqlStore
from tests.contract.duckdb_emulator import EmulatedWarehouse

BACKENDS = ["embedded", "databricks"]
logging.getLogger("sqlglot").setLevel(logging.ERROR)


def open_sql_store(folder: Path, **kwargs: object) -> tuple[SqlStore, EmulatedWarehouse]:
    """A SqlStore on a fresh emulated warehouse with the tables created by db-init. Each DML statement
    holds its transaction open 2 ms before committing, so concurrent writers really overlap."""
    warehouse = EmulatedWarehouse(folder, "deltadesk_test", commit_delay=0.002)
    store = SqlStore(warehouse.connect, "deltadesk_test", "tickets", recover=False, **kwargs)
    db_init(store)
    return store, warehouse


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    if request.param == "embedded":
        backend: object = DeltaStore(tmp_path / "data")
    else:
        backend, _ = open_sql_store(tmp_path)
    yield backend
    backend.close()  # type: ignore[attr-defined]


@pytest.fixture(params=BACKENDS)
def two_instances(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[object, object]]:
    """Two store instances over the same data, like two workers of one deployment."""
    if request.param == "embedded":
        first: object = DeltaStore(tmp_path / "data")
        second: object = DeltaStore(tmp_path / "data")
    else:
        first, warehouse = open_sql_store(tmp_path)
        second = SqlStore(warehouse.connect, "deltadesk_test", "tickets")
    yield first, second
    for backend in (first, second):
        backend.close()  # type: ignore[attr-defined]
