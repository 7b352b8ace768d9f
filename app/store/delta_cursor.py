"""How far this process has folded the events table into its read model, and moving that forward.

Every other process's commit is read from the log (delta_log.read_appended: the row copies, or the Parquet
files a commit added), or from the change data feed when a commit did more than append; when neither can be
read any more (this process fell behind a trim or a vacuum) the whole model is reloaded. `lock` orders the
catch-up against this process's own appends, so a version is folded exactly once and never skipped.
"""

from __future__ import annotations

import logging
import threading

from app.store.delta_load import load_tables
from app.store.delta_tables import DeltaTableHandle
from app.store.event_registry import EventRow
from app.store.intents import FileLock
from app.store.read_model import ReadModel

log = logging.getLogger(__name__)

EVENTS = "work_item_events"


class EventsCursor:
    """The events version folded so far (`version`), kept moving by `fresh()`."""

    def __init__(self, tables: dict[str, DeltaTableHandle], model: ReadModel, writer_lock: FileLock) -> None:
        self._tables = tables
        self._events = tables[EVENTS]
        self._model = model
        self._writer_lock = writer_lock
        self.lock = threading.Lock()  # held while catching up and while this process appends
        self.version = -1

    def load(self) -> None:
        """Read every table into the read model; callers hold the writer lock (no write in flight)."""
        with self.lock:
            self.version = load_tables(self._tables, self._model)

    def fresh(self) -> None:
        """Fold in events other processes committed since we last looked (two stats when nothing moved)."""
        seen = self.version
        if (self._events.has_commit(seen + 1) or not self._events.has_commit(seen)) and not self.catch_up():
            with self._writer_lock.held():
                self.load()

    def catch_up(self) -> bool:
        """Apply the commits after `version`; False when they cannot be read any more (their log entries were
        trimmed or their files vacuumed while this process was idle) and a full reload is needed."""
        with self.lock:
            if not self._events.has_commit(self.version + 1):
                # our own version's log file is kept until we fall behind a log clean-up: then reload
                return self.version < 0 or self._events.has_commit(self.version)
            try:
                found = self._events.appended_since(self.version)
                changes, end = found[:2] if found is not None else self._events.changes_since(self.version)
            except Exception:  # missing data files (vacuumed): deltalake raises plain Exception
                log.warning("change feed unreadable after version %s; reloading", self.version)
                return False
            for row in changes:
                self._model.apply(EventRow._make(row))
            self.version = end
            return True

    def advance(self, version: int) -> None:
        """Our own commit at `version` is folded (callers hold `lock`)."""
        self.version = max(self.version, version)
