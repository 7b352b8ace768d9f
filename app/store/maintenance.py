"""Compaction, checkpoints, log trimming and vacuum of the embedded tables: one run at a time, across processes.

Two concurrent compactions of one table can both commit and duplicate rows (deltalake 1.6.6 did), so every
compaction, checkpoint, trim and vacuum of our tables holds one lock, `.maintenance.lock`, whoever runs it:
the background maintainer of any process or `flask delta-maintain`.

The background run packs only the small files appends left behind, without the writer lock: a compaction
never conflicts with an append (it removes files no append touches), it only has to commit at a free version,
and holding the lock made every write wait 100-250 ms each time (p95 of HTTP creates 184 ms). `delta-maintain`
rewrites whole tables and takes the writer lock while it compacts the events table (about a second at
500 000 events), so that no append makes its commit retry. A projected table is compacted under the projector
lock, one table at a time, so no merge of ours races it and projections wait for that table only.
Vacuum keeps every file a version still in the log needs: its retention reaches back past the oldest kept
version, whatever retention was asked for.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deltalake.exceptions import DeltaError

from app.store import delta_log
from app.store.delta_tables import DeltaTableHandle
from app.store.intents import FileLock

log = logging.getLogger(__name__)

EVENTS = "work_item_events"
MAINTAIN_EVERY = 100  # events commits between background runs (one small file per commit otherwise)
VACUUM_EVERY_SECONDS = 3600.0
MIN_RETENTION_HOURS = 1  # a file younger than this may be an append whose log entry is being published
# The background run packs only the small files the appends left (a blind append writes one per commit):
# files above this stay as they are, so the writer lock is held for tens of milliseconds, not for rewriting
# the big files a bulk load or `delta-maintain` wrote (1.1 s at 500 000 events, every 100 commits).
BACKGROUND_TARGET_BYTES = 1024 * 1024


class Maintainer:
    """Runs maintenance for one process: `run_due()` from its background thread, `run_all()` on request."""

    def __init__(self, root: Path, tables: dict[str, DeltaTableHandle], writer_lock: FileLock,
                 projector_lock: FileLock, readers_floor: Callable[[int], int | None]) -> None:
        self.lock = FileLock(root / ".maintenance.lock")
        self._readers_floor = readers_floor  # the oldest events version a live process has not folded yet
        self._tables = tables
        self._writer_lock = writer_lock
        self._projector_lock = projector_lock
        self._done_at = -1  # events version of the last run this process saw through
        self._vacuumed_at = time.monotonic()
        self.longest_hold: dict[str, float] = {"writer": 0.0, "projector": 0.0}  # seconds, for `make bench`

    def due(self) -> bool:
        return delta_log.latest_version(self._tables[EVENTS].path) - self._done_at >= MAINTAIN_EVERY

    def run_due(self, wait: bool = False) -> bool:
        """Compact the events table, checkpoint and trim every log when enough commits piled up; vacuum
        hourly. Skipped (False) when another thread or process is maintaining right now, unless `wait`."""
        if not self.due():
            return False
        with self.lock.held() if wait else self.lock.held_if_free() as held:
            if held is False or not self.due():
                return False
            self._done_at = delta_log.latest_version(self._tables[EVENTS].path)
            try:
                self._tables[EVENTS].compact(BACKGROUND_TARGET_BYTES)  # appends go on meanwhile
            except DeltaError as exc:  # a listing that met an append: the next run packs these files too
                log.info("background compaction skipped: %s", str(exc)[:200])
            for name in self._tables:
                self._checkpoint_and_trim(name)
            if time.monotonic() - self._vacuumed_at >= VACUUM_EVERY_SECONDS:
                self._vacuumed_at = time.monotonic()
                for name in self._tables:
                    self._vacuum(name, MIN_RETENTION_HOURS)
            return True

    def run_all(self, retention_hours: int) -> dict[str, dict[str, Any]]:
        """Every table: compact, checkpoint, trim and vacuum (`flask delta-maintain`); waits for a run
        another process has under way instead of overlapping it."""
        report: dict[str, dict[str, Any]] = {}
        with self.lock.held():
            for name in self._tables:
                compacted = self._compact(name)
                self._checkpoint_and_trim(name)
                vacuumed = self._vacuum(name, retention_hours)
                report[name] = {"files_added": compacted.get("numFilesAdded", 0),
                                "files_removed": compacted.get("numFilesRemoved", 0),
                                "vacuumed": vacuumed, "version": self._fresh(name).version()}
        return report

    def _compact(self, name: str, target_size: int | None = None) -> dict[str, Any]:
        """Compact one table holding the lock of its own writers, for as short a time as the work allows:
        the table state is brought up to date before the lock is taken."""
        handle = self._tables[name]
        self._fresh(name)  # replaying new commits is the slow part: outside the writers' lock when it can be
        lock, which = (self._writer_lock, "writer") if name == EVENTS else (self._projector_lock, "projector")
        with lock.held():
            started = time.monotonic()
            result = handle.compact(target_size)
            held = time.monotonic() - started
        self.longest_hold[which] = max(self.longest_hold[which], held)
        return result

    def _fresh(self, name: str) -> Any:
        """The table at its newest version. Under a steady stream of appends, delta-rs's listing of the events
        log can keep meeting an entry being added ("found gap"); after its own retries the listing is done once
        more holding the writer lock, where no append of ours lands (tens of milliseconds, only then)."""
        handle = self._tables[name]
        try:
            return handle.refresh()
        except DeltaError:
            if name != EVENTS:
                raise
            with self._writer_lock.held():
                return handle.refresh()

    def _checkpoint_and_trim(self, name: str) -> None:
        handle = self._tables[name]
        table = self._fresh(name)
        table.create_checkpoint()
        floor = self._readers_floor(table.version()) if name == EVENTS else None
        delta_log.trim(handle.path, floor=floor)

    def _vacuum(self, name: str, retention_hours: int) -> int:
        """Vacuum with a retention that keeps every file a version still in the log needs."""
        handle = self._tables[name]
        oldest = delta_log.oldest_kept(handle.path)
        needed = 0 if oldest is None else delta_log.commit_age_seconds(handle.path, oldest) / 3600
        hours = max(retention_hours, MIN_RETENTION_HOURS, math.ceil(needed) + 1)
        removed = self._fresh(name).vacuum(retention_hours=hours, dry_run=False, enforce_retention_duration=False)
        if removed:
            log.info("vacuumed %d files of %s (retention %d h)", len(removed), name, hours)
        return len(removed)
