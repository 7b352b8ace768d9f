"""Bulk loading of the embedded store: whole tables written straight into Delta, then one reload.

Used for the large demo/benchmark scenario, where going through the service (two commits per
change) would take hours. Rows are written in chunks so every table ends up in files of a chosen
size: files are rewritten whole on updates and deletes, so small files keep single-row writes cheap,
while rows sorted by time keep file statistics useful for pruning (ids are time-ordered).
"""

from __future__ import annotations

import pyarrow as pa
from deltalake import write_deltalake

from app.store.delta_store import DeltaStore

# Rows per Parquet file: work_items and votes are rewritten on updates/unvotes, so they get small
# files; events and comments are append-only and read whole at start-up, so they get big ones.
ROWS_PER_FILE: dict[str, int] = {
    "work_items": 1_000,
    "work_item_events": 100_000,
    "work_item_comments": 100_000,
    "work_item_votes": 20_000,
}


def bulk_append(store: DeltaStore, data: dict[str, pa.Table], rows_per_file: dict[str, int] | None = None) -> None:
    """Append whole tables (name -> Arrow table in the declared schema) and reload the read model.

    Runs under the writer lock; each chunk is one Delta commit (one file), and each table gets a
    checkpoint at the end so opening it does not replay every commit.
    """
    sizes = {**ROWS_PER_FILE, **(rows_per_file or {})}
    with store.exclusive():
        for name, table in data.items():
            handle = store.tables[name]
            table = table.select(handle.schema.names).cast(handle.schema)
            step = max(1, sizes.get(name, 100_000))
            for start in range(0, table.num_rows, step):
                write_deltalake(handle.table, table.slice(start, step), mode="append")
            if table.num_rows:
                handle.refresh().create_checkpoint()
        store.reload_unlocked()
