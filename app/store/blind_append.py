"""A blind append to a local Delta table in about a millisecond: the write path's commit point.

delta-rs's `write_deltalake` spends 10-25 ms on a two-row append (a DataFusion plan, a fresh
snapshot and its conflict checks); with two gunicorn workers taking turns on the writer lock that
caps the whole app's write rate. An append-only commit is simple in the Delta protocol: one new
Parquet file and a log entry naming it with an `add` action. This module writes exactly that, with
the protocol's own mutual exclusion (the log entry is created only if its version is free, by a hard
link that fails when the name exists), and retries the next version after a concurrent commit
(a background compaction; writers of data hold the writer lock). It only serves tables whose
protocol needs nothing more of a writer (see `supports`); any other table goes through delta-rs.
The tables stay ordinary Delta: delta-rs reads, checkpoints, compacts and vacuums them.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable

from app.store import delta_log

# Table features a blind append of non-null-checked rows honours: protocol (1, <=4) without named
# features; no CHECK constraints, column invariants or generated columns; every column the table has beyond
# ours nullable (a file without it reads as nulls) and ours all present with the same nullability.
_MAX_WRITER_VERSION = 4


class TableMoved(Exception):
    """A commit this append would have written past changed the table's protocol or metadata: decide again
    (through `supports`) before writing; nothing of this append was published."""


def supports(table: DeltaTable, schema: pa.Schema) -> bool:
    """Whether `append` may write `schema`'s rows to this table (otherwise use write_deltalake, which checks
    constraints and invariants itself)."""
    protocol = table.protocol()
    if protocol.min_reader_version > 1 or protocol.min_writer_version > _MAX_WRITER_VERSION:
        return False
    if any(key.startswith("delta.constraints.") for key in table.metadata().configuration):
        return False
    fields = {field.name: field for field in table.schema().fields}
    for field in fields.values():
        meta = field.metadata or {}
        if "delta.generationExpression" in meta or "delta.invariants" in meta:
            return False
        if field.name not in schema.names and not field.nullable:
            return False
    return all(name in fields and fields[name].nullable == schema.field(name).nullable for name in schema.names)


def append(path: str, rows: pa.Table, read_version: int) -> int:
    """Append `rows` in one commit after `read_version`; returns the version it became.

    The Parquet file is complete before the log names it, so a reader never sees half a commit; a
    crash before the log entry leaves an unreferenced file that vacuum removes."""
    _check_not_null(rows)
    name = f"part-00000-{uuid.uuid4()}-c000.snappy.parquet"
    pq.write_table(rows, os.path.join(path, name), compression="snappy")
    now = int(time.time() * 1000)
    add = {"path": name, "partitionValues": {}, "size": os.path.getsize(os.path.join(path, name)),
           "modificationTime": now, "dataChange": True, "stats": json.dumps(_stats(rows))}
    info = {"timestamp": now, "operation": "WRITE", "operationParameters": {"mode": "Append"},
            "readVersion": read_version, "isBlindAppend": True, "clientVersion": "deltadesk-blind-append"}
    copied = delta_log.portable_rows(rows)  # other processes catch up from the log entry alone
    if copied is not None:
        info[delta_log.ROWS_KEY] = copied
    log_dir = os.path.join(path, "_delta_log")
    staged = os.path.join(log_dir, f"_commit_{uuid.uuid4()}.json.tmp")
    with open(staged, "w") as fh:
        fh.write(json.dumps({"commitInfo": info}) + "\n" + json.dumps({"add": add}) + "\n")
    try:
        return _claim_version(path, staged, read_version + 1)
    except TableMoved:
        os.unlink(os.path.join(path, name))  # never named by a commit: no reader can see it
        raise
    finally:
        os.unlink(staged)


def _claim_version(path: str, staged: str, version: int) -> int:
    """Publish the staged log entry as the first free version from `version` on (put-if-absent). A taken
    version is another writer's commit: one that changed the protocol or metadata (a constraint, a column,
    a writer feature) stops the append, so it never writes past a rule it has not checked."""
    log_dir = os.path.join(path, "_delta_log")
    while True:
        try:
            os.link(staged, os.path.join(log_dir, f"{version:020d}.json"))
            return version
        except FileExistsError:
            actions = delta_log.read_commit(path, version) or []
            if any("metaData" in action or "protocol" in action for action in actions):
                raise TableMoved(f"commit {version} changed the table's protocol or metadata") from None
            version += 1


def _check_not_null(rows: pa.Table) -> None:
    """Delta's NOT NULL invariants, which pyarrow does not enforce when building the table."""
    for field in rows.schema:
        if not field.nullable and rows[field.name].null_count:
            raise ValueError(f"column {field.name} is NOT NULL")


def _stats(rows: pa.Table) -> dict[str, Any]:
    """Row and null counts; no min/max, so no reader ever skips this file (compaction adds them)."""
    return {"numRecords": rows.num_rows, "nullCount": {name: rows[name].null_count for name in rows.column_names}}
