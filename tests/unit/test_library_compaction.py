"""The installed deltalake must refuse a second concurrent compaction of the same files.

Our own compactions serialize through one lock (see app/store/maintenance.py), but an OPTIMIZE from a
scheduler or a notebook cannot take it: beside those, only the library's conflict check keeps rows from
duplicating. deltalake 1.6.6 let both compactions commit (218 rows became 11.3 M); pyproject.toml pins the
range this test passes on, and this test fails on any release that regresses the same way."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

from tests.unit import foreign_writers

SPAWN = multiprocessing.get_context("spawn")  # delta-rs cannot survive a fork


def test_two_concurrent_compactions_beside_appends_never_duplicate_rows(tmp_path: Path) -> None:
    path = str(tmp_path / "t")
    write_deltalake(path, pa.table({"id": ["seed"]}), mode="append")
    workers = [SPAWN.Process(target=foreign_writers.append_ids, args=(path, 80))]
    workers += [SPAWN.Process(target=foreign_writers.compact_for, args=(path, 6.0)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    ids = DeltaTable(path).to_pyarrow_dataset().to_table(use_threads=False)["id"].to_pylist()
    assert len(set(ids)) == 81, "every append landed"
    assert len(ids) == 81, f"{len(ids)} rows for 81 ids: two compactions both committed the same files"
