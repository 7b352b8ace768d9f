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


def event_row(item_id: str, event_type: str, payload: str, seq: int = 1, version: int = 1,
              event_id: str | None = None) -> dict[str, object]:
    """A work_item_events row as another tool would write it (values chosen by the test)."""
    import datetime as dt

    return {"event_id": event_id or str(uuid.uuid4()), "item_id": item_id, "seq": seq, "event_type": event_type,
            "payload": payload, "version": version, "created_at": dt.datetime.now(dt.UTC),
            "created_by": "notebook@example.com"}


def append_events(events_path: str, rows: list[dict[str, object]]) -> None:
    """One write_deltalake append of event rows, with the table's own schema."""
    from deltalake import write_deltalake

    from app.store.ddl import table_defs

    write_deltalake(events_path, pa.Table.from_pylist(rows, schema=table_defs()["work_item_events"].schema),
                    mode="append")


def comment_events(events_path: str, item_id: str, count: int, first_seq: int) -> None:
    """`count` foreign comment events on one item, one commit each (a job writing beside the app)."""
    import json

    for n in range(count):
        append_events(events_path, [event_row(item_id, "commented", json.dumps({"body": f"from the job {n}"}),
                                              seq=first_seq + n)])


def maintain_for(data_dir: str, seconds: float) -> None:
    """Our own `flask delta-maintain`, run again and again from another process."""
    from app.store.delta_store import DeltaStore

    store = DeltaStore(data_dir)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        store.maintain(retention_hours=0)
    store.close()


def comment_for(data_dir: str, item_id: str, count: int) -> None:
    """An app process writing comments through the service."""
    from app.models import Actor, Role
    from app.services.work_items import WorkItemService
    from app.store.delta_store import DeltaStore

    store = DeltaStore(data_dir)
    service = WorkItemService(store, ["spark"])
    actor = Actor("writer@example.com", Role.TRIAGER)
    for n in range(count):
        service.comment(actor, item_id, f"app comment {n}")
    store.close()
