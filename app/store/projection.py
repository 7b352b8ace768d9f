"""Projects the read model onto the work_items, comments and votes tables, off the request path.

The audit event is the commit point of every write; this brings the other tables in line with the
events for the keys each write names. Every operation is "make these rows match the current state",
so running one twice, late, or in another process changes nothing further.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

from app.models import EventType, WorkItem
from app.store.delta_tables import DeltaTableHandle, from_micros
from app.store.event_registry import EventRow, Keys, merge_keys
from app.store.faults import fault_point
from app.store.intents import FileLock, IntentLog
from app.store.read_model import ReadModel

log = logging.getLogger(__name__)

ITEMS, EVENTS, COMMENTS, VOTES = "work_items", "work_item_events", "work_item_comments", "work_item_votes"
COALESCE_SECONDS = 2.0  # projections trail by up to this; the app reads events, not these tables
ITEM_FIELDS = dataclasses.fields(WorkItem)


class Projector:
    """Background projection per process; `drain()` runs it now (start-up, shutdown, tests, maintenance)."""

    def __init__(self, tables: dict[str, DeltaTableHandle], model: ReadModel, intents: IntentLog,
                 lock_path: Path) -> None:
        self._tables = tables
        self._model = model
        self._intents = intents
        self.lock = FileLock(lock_path)  # every process's projector, and compactions of the projected tables
        self._pending: list[tuple[Path, Keys]] = []
        self._mutex = threading.Lock()
        self._draining = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._stop = threading.Event()
        self.worst_lag = 0.0  # seconds from a write's intent to its rows in the tables (for `make bench`)

    def submit(self, path: Path, keys: Keys) -> None:
        with self._mutex:
            self._pending.append((path, keys))
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="delta-projector", daemon=True)
                self._thread.start()
                atexit.register(self.stop)
        self._wake.set()

    def stop(self) -> None:
        """Project what is pending and end the thread; runs at interpreter exit so that no Delta
        commit is cut off mid-way by finalization."""
        self._stopping = True
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=60)

    def _loop(self) -> None:
        while not self._stopping:
            self._wake.wait()
            self._stop.wait(COALESCE_SECONDS)  # let a burst of writes share one merge per table
            self._wake.clear()
            try:
                self.drain()
            except Exception:
                log.exception("projection failed; retrying in 1 s (the intents are kept)")
                time.sleep(1)
                self._wake.set()
        with contextlib.suppress(Exception):
            self.drain()

    def drain(self) -> int:
        """Project everything this process queued plus intents left by dead processes; returns rows synced."""
        with self._draining:
            with self._mutex:
                batch, self._pending = self._pending, []
            batch += self._intents.orphans()
            if not batch:
                return 0
            try:
                with self.lock.held():
                    synced = self.sync(merge_keys([keys for _, keys in batch]))
            except Exception:
                with self._mutex:
                    self._pending[:0] = [entry for entry in batch if entry[0].exists()]
                raise
            fault_point("after_projection")
            for path, _ in batch:
                self.worst_lag = max(self.worst_lag, self._intents.age(path))
                self._intents.done(path)
            return synced

    def sync(self, keys: Keys) -> int:
        """Make the rows for these keys match the read model, one commit per table at most."""
        items, comments, votes, present = self._rows(keys)
        if items:
            self._tables[ITEMS].upsert_newer(items)
        if comments:
            self._tables[COMMENTS].insert_missing(comments, ["id"])
        if votes:
            self._tables[VOTES].sync_presence(votes, present, ["item_id", "voter", "created_at"])
        return len(items) + len(comments) + len(votes)

    def _rows(self, keys: Keys) -> tuple[list[dict], list[dict], list[dict], list[bool]]:
        model = self._model
        with model.lock:
            items = [self._item_row(i) for i in keys.get("items", ()) if i in model.items]
            by_id = {c.id: c for item_id in {k[1] for k in keys.get("comments", ())}
                     for c in model.comments.get(item_id, ())}
            comments = [dataclasses.asdict(by_id[cid]) for cid, _ in keys.get("comments", ()) if cid in by_id]
            votes, present = [], []
            for item_id, voter, cast_at in keys.get("votes", ()):
                # the row (item, voter, cast_at) exists iff the model holds exactly that vote now
                votes.append({"item_id": item_id, "voter": voter, "created_by": voter,
                              "created_at": from_micros(cast_at)})
                present.append(model.votes.get(item_id, {}).get(voter) == cast_at)
        return items, comments, votes, present

    def _item_row(self, item_id: str) -> dict[str, Any]:
        item = self._model.items[item_id]
        row = {field.name: getattr(item, field.name) for field in ITEM_FIELDS}  # all immutable: no deep copy
        history = self._model.events.get(item_id, ())
        latest = next((r for r in reversed(history) if EventType(r.event_type).changes_item), None)
        row["pending_event"] = json.dumps(_event_json(latest)) if latest else None
        return row

    def close(self) -> None:
        self.stop()
        self.lock.close()


def _event_json(row: EventRow) -> dict[str, Any]:
    return {**row._asdict(), "payload": json.loads(row.payload), "created_at": row.created_at.isoformat()}
