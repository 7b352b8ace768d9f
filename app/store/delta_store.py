"""The embedded store: real Delta tables under DATA_DIR via deltalake, served from memory.

Reads come from the ReadModel, refreshed whenever the events table gains a commit (a stat per
request). Writes hold the writer lock, check versions against fresh state, append the audit event
as the commit point and then apply the change to its table (see intents.py for crash safety).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from deltalake.exceptions import DeltaError

from app.models import Comment, Event, Page, WorkItem, WorkItemDetail
from app.services.errors import StoreUnavailable
from app.store.base import ItemQuery, StoreConflict
from app.store.ddl import table_defs
from app.store.delta_tables import AUTO_COMPACT_AFTER, DeltaTableHandle, column_lists, list_runs
from app.store.faults import fault_point
from app.store.intents import IntentLog, WriterLock, coerce_row
from app.store.read_model import ReadModel, event_to_row

log = logging.getLogger(__name__)

ITEMS, EVENTS, COMMENTS, VOTES = "work_items", "work_item_events", "work_item_comments", "work_item_votes"


def item_row(item: WorkItem, event: Event) -> dict[str, Any]:
    row = dataclasses.asdict(item)
    row["pending_event"] = json.dumps(event.to_dict(), default=str)
    return row


def event_row(event: Event) -> dict[str, Any]:
    row = dataclasses.asdict(event)
    row["payload"] = event.payload_json()
    return row


class DeltaStore:
    """Store over local Delta tables; safe for many threads and many processes on one machine."""

    def __init__(self, data_dir: str | Path) -> None:
        self.root = Path(data_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        self.tables = {name: DeltaTableHandle(self.root, d) for name, d in table_defs().items()}
        self.model = ReadModel()
        self._lock = WriterLock(self.root / ".writer.lock")
        self._intents = IntentLog(self.root / "_intents")
        self._catchup = threading.Lock()
        self._events_version = -1
        with self._lock.held():
            for handle in self.tables.values():
                handle.ensure()
            self._recover()
            self._load()

    # ---- loading and freshness ----------------------------------------------------------
    def _load(self) -> None:
        """Read every table into the read model, with the cyclic GC paused (millions of new objects
        would trigger it again and again) and the result frozen out of later GC passes, which would
        otherwise walk the whole model and stall requests."""
        gc.disable()
        try:
            self._read_tables()
        finally:
            gc.enable()
            gc.freeze()
            pa.default_memory_pool().release_unused()

    def _read_tables(self) -> None:
        """Columnar conversion of every table, grouped per item by sorting in Arrow (no per-row
        Python work beyond building the values); ids are shared between tables (see column_lists)."""
        strings: dict[str, str] = {}
        items_handle = self.tables[ITEMS]
        items_table = items_handle.read_all([n for n in items_handle.schema.names if n != "pending_event"])
        cols = column_lists(items_table, strings, interned=("id", "created_by", "updated_by", "assignee", "platform"))
        items = [dict(zip(cols, values, strict=True)) for values in zip(*cols.values(), strict=True)]
        del items_table, cols
        self._events_version = self.tables[EVENTS].version()
        events = self._grouped(EVENTS, [("item_id", "ascending"), ("seq", "ascending")], strings,
                               ("item_id", "event_type", "created_by"))
        comments = self._grouped(COMMENTS, [("item_id", "ascending"), ("created_at", "ascending"), ("id", "ascending")],
                                 strings, ("item_id", "created_by"))
        table = self.tables[VOTES].read_all(["item_id", "voter", "created_at"])
        cols = column_lists(table, strings, interned=("item_id", "voter"), micros=("created_at",),
                            order=pc.sort_indices(table, sort_keys=[("item_id", "ascending")]))
        del table
        voters, times = cols["voter"], cols["created_at"]
        votes = {key: dict(zip(voters[a:b], times[a:b], strict=True)) for key, a, b in list_runs(cols["item_id"])}
        del cols, voters, times
        self.model.load(items, events, comments, votes)

    def _grouped(self, name: str, order: list[tuple[str, str]], strings: dict[str, str],
                 interned: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
        """A table's rows as tuples (timestamps in epoch micros) grouped by item_id, in `order`."""
        table = self.tables[name].read_all()
        cols = column_lists(table, strings, interned=interned, micros=("created_at",),
                            order=pc.sort_indices(table, sort_keys=order))
        del table
        pa.default_memory_pool().release_unused()  # hand Arrow's buffers back before the next table
        runs_ = list_runs(cols["item_id"])
        rows = list(zip(*(cols[n] for n in self.tables[name].schema.names), strict=True))
        del cols
        return {key: rows[a:b] for key, a, b in runs_}

    def _fresh(self) -> None:
        """Fold in events other processes committed since we last looked."""
        if self.tables[EVENTS].has_commit(self._events_version + 1):
            self._catch_up()

    def _catch_up(self) -> None:
        with self._catchup:
            handle = self.tables[EVENTS]
            if not handle.has_commit(self._events_version + 1):
                return
            changes, end = handle.changes_since(self._events_version)
            for row in changes:
                self.model.apply(row)
            self._events_version = end

    # ---- reads --------------------------------------------------------------------------
    def list_items(self, query: ItemQuery) -> Page:
        self._fresh()
        return self.model.query(query)

    def get_item(self, item_id: str) -> WorkItem | None:
        self._fresh()
        return self.model.items.get(item_id)

    def get_detail(self, item_id: str, viewer: str | None) -> WorkItemDetail | None:
        self._fresh()
        return self.model.detail(item_id, viewer)

    def events_for(self, item_id: str, after_version: int = 0) -> list[Event]:
        self._fresh()
        return self.model.events_for(item_id, after_version)

    def data_version(self) -> str:
        self._fresh()
        return f"d{self._events_version}"

    # ---- writes -------------------------------------------------------------------------
    def create_item(self, item: WorkItem, event: Event) -> WorkItem:
        with self._writing():
            number = self.model.max_number.get(item.item_type, 0) + 1
            prefix = {"incident": "INC", "improvement": "IMP", "platform_request": "REQ"}[item.item_type]
            item = dataclasses.replace(item, key=f"{prefix}-{number}")
            event = dataclasses.replace(event, seq=1, payload={**event.payload, "item": item.to_dict()})
            self._commit(event, {"table": ITEMS, "kind": "append", "row": item_row(item, event), "keys": ["id"]})
        return item

    def update_item(self, item: WorkItem, expected_version: int, event: Event) -> WorkItem:
        with self._writing():
            current = self.model.items.get(item.id)
            if current is None:
                raise LookupError(item.id)
            if current.version != expected_version:
                raise StoreConflict(current)
            event = dataclasses.replace(event, seq=self.model.next_seq(item.id))
            op = {"table": ITEMS, "kind": "cas", "row": item_row(item, event), "keys": ["id"],
                  "expected_version": expected_version}
            self._commit(event, op)
        return self.model.items[item.id]

    def add_comment(self, comment: Comment, event: Event) -> Comment:
        with self._writing():
            event = dataclasses.replace(event, seq=self.model.next_seq(comment.item_id))
            row = dataclasses.asdict(comment)
            self._commit(event, {"table": COMMENTS, "kind": "append", "row": row, "keys": ["id"]})
        return comment

    def set_vote(self, item_id: str, voter: str, voted: bool, event: Event) -> tuple[bool, int]:
        with self._writing():
            if self.model.has_vote(item_id, voter) == voted:
                return False, self.model.vote_count(item_id)
            event = dataclasses.replace(event, seq=self.model.next_seq(item_id))
            if voted:
                row = {"item_id": item_id, "voter": voter, "created_at": event.created_at, "created_by": voter}
                op = {"table": VOTES, "kind": "append", "row": row, "keys": ["item_id", "voter"]}
            else:
                cast_at = self.model.vote_time(item_id, voter)
                row = {"item_id": item_id, "voter": voter, "created_at": cast_at, "created_by": voter}
                op = {"table": VOTES, "kind": "delete", "row": row, "keys": ["item_id", "voter", "created_at"]}
            self._commit(event, op)
            return True, self.model.vote_count(item_id)

    # ---- the write protocol -------------------------------------------------------------
    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the writer lock on fresh state, with interrupted writes finished first."""
        with self._lock.held():
            self._catch_up()
            self._recover()
            yield

    def _commit(self, event: Event, op: dict[str, Any]) -> None:
        """Record intent, append the event (the commit point), apply the change, drop the intent."""
        intent = self._intents.record(event.event_id, {"event": event_row(event), "op": op})
        fault_point("before_event")
        try:
            self.tables[EVENTS].append([event_row(event)])
        except (DeltaError, OSError) as exc:
            self._intents.done(intent)
            raise StoreUnavailable("The change could not be saved; nothing was written. Try again.") from exc
        self._events_version = self.tables[EVENTS].version()
        self.model.apply(event_to_row(event))
        fault_point("after_event")
        try:
            self._apply(op, recovering=False)
        except (DeltaError, OSError):
            log.exception("change %s recorded but not yet applied; the next writer finishes it", event.event_id)
            return
        fault_point("after_apply")
        self._intents.done(intent)
        self._compact_if_fragmented(self.tables[op["table"]])

    def _compact_if_fragmented(self, handle: DeltaTableHandle) -> None:
        """Every AUTO_COMPACT_AFTER one-row appends, pack them (items and votes: their merges slow down
        with each extra file). A pure rewrite under the writer lock: no data changes, no race."""
        if handle.definition.name not in (ITEMS, VOTES) or handle.appended < AUTO_COMPACT_AFTER:
            return
        try:
            handle.compact()
        except (DeltaError, OSError):
            log.exception("compaction of %s failed; the data is unchanged", handle.definition.name)

    def _apply(self, op: dict[str, Any], recovering: bool) -> None:
        handle = self.tables[op["table"]]
        row = coerce_row(op["row"], handle.schema)
        kind = op["kind"]
        if kind == "append" and not recovering:
            handle.append([row])
        elif kind == "append":
            handle.insert_missing(row, op["keys"])
        elif kind == "cas":
            updated = handle.compare_and_set(row, "id", op["expected_version"])
            if updated != 1 and not recovering:
                raise RuntimeError(f"projection of {row['id']} was not at version {op['expected_version']}")
        elif kind == "delete":
            handle.delete_matching(row, op["keys"])

    def _recover(self) -> None:
        """Finish writes whose writer died after its audit event; forget those that died before."""
        for path, intent in self._intents.pending():
            event_id = intent["event"]["event_id"]
            if self.tables[EVENTS].read_where("event_id", event_id):
                log.warning("finishing interrupted write %s", event_id)
                self._apply(intent["op"], recovering=True)
            self._intents.done(path)

    # ---- bulk loading -----------------------------------------------------------------
    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the writer lock (for bulk loads in app/store/bulk.py)."""
        with self._lock.held():
            yield

    def reload_unlocked(self) -> None:
        """Re-read every table into the read model; the caller holds `exclusive()`."""
        self._load()

    # ---- maintenance --------------------------------------------------------------------
    def maintain(self, retention_hours: int = 168) -> dict[str, dict[str, Any]]:
        """Compact small files, write a checkpoint and vacuum files older than the retention."""
        report: dict[str, dict[str, Any]] = {}
        with self._lock.held():
            for name, handle in self.tables.items():
                compacted = handle.compact()
                table = handle.refresh()
                table.create_checkpoint()
                removed = table.vacuum(retention_hours=retention_hours, dry_run=False,
                                       enforce_retention_duration=False)
                report[name] = {"files_added": compacted.get("numFilesAdded", 0),
                                "files_removed": compacted.get("numFilesRemoved", 0),
                                "vacuumed": len(removed), "version": table.version()}
        return report

    def close(self) -> None:
        self._lock.close()
