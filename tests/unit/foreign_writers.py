"""Other Delta writers, run in spawned processes beside the app: plain deltalake calls, none of our code.

They stand for a data engineer's notebook, a scheduled OPTIMIZE or a Databricks job writing the same tables."""

from __future__ import annotations

import time
import uuid

import pyarrow as pa


def append_ids(path: str, count: int) -> None:
    """`count` one-row appends of fresh ids through write_deltalake."""
    from deltalake import write_deltalake

    for _ in range(count):
        write_deltalake(path, pa.table({"id": [str(uuid.uuid4())]}), mode="append")


def compact_for(path: str, seconds: float) -> None:
    """optimize.compact() in a loop; a conflict with another writer is expected and skipped."""
    from deltalake import DeltaTable

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            DeltaTable(path).optimize.compact()
        except Exception:  # the library's own conflict error: the other compaction won
            time.sleep(0.01)
