"""The embedded store's write protocol: group commit under the writer lock, the audit event as commit point.

A write is a build function (checks on fresh state, returns its event). The leader of a batch holds the
writer lock, catches up on other processes' commits, builds every queued write, records one intent naming
the rows they touch and appends all their events in one commit; a commit that lands after another writer's
folds the skipped versions first. The events are folded into the read model after the lock is released
(so other processes' writers need not wait for it) and their rows go to the projector.
"""

from __future__ import annotations

import dataclasses
import errno
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deltalake.exceptions import DeltaError

from app.models import Event
from app.store.delta_cursor import EventsCursor
from app.store.delta_tables import DeltaTableHandle
from app.store.errors import StorageFull, StoreUnavailable
from app.store.event_registry import EventRow, Keys, keys_of
from app.store.faults import fault_point
from app.store.group_commit import BatchContext, Build, CommitQueue, WriteRequest
from app.store.intents import FileLock, IntentLog
from app.store.projection import Projector
from app.store.read_model import ReadModel

log = logging.getLogger(__name__)


def event_row(event: Event) -> dict[str, Any]:
    row = dataclasses.asdict(event)
    row["payload"] = event.payload_json()
    return row


class WritePath:
    """Commits writes for one DeltaStore; `run` returns a write's result or raises its error."""

    def __init__(self, model: ReadModel, events: DeltaTableHandle, writer_lock: FileLock, cursor: EventsCursor,
                 intents: IntentLog, projector: Projector) -> None:
        self._model, self._events, self._writer_lock = model, events, writer_lock
        self._cursor, self._intents, self._projector = cursor, intents, projector
        self._commits = CommitQueue(self._lead)

    def run(self, scope: str, build: Build) -> Any:
        return self._commits.run(scope, build)

    def _lead(self, take: Callable[[], list[WriteRequest]]) -> None:
        """Under the writer lock, take the queued writes, build them on fresh state and commit their
        events at once; fold them into the read model after the lock is released, so that the other
        processes' writers need not wait for it."""
        with self._writer_lock.held():
            batch = take()
            if not self._cursor.catch_up():
                self._cursor.load()
            ctx = BatchContext(self._model.max_number)
            built = [request for request in batch if self._build(request, ctx)]
            committed = self._commit(built) if built else None
        if committed is not None:
            self._publish(built, *committed)
        for request in batch:
            request.done.set()

    @staticmethod
    def _build(request: WriteRequest, ctx: BatchContext) -> bool:
        try:
            request.event, request.finish = request.build(ctx)
        except Exception as exc:
            request.error = exc
            return False
        if request.event is None:
            request.result = request.finish()
            return False
        return True

    def _commit(self, built: list[WriteRequest]) -> tuple[Path, Keys, int] | None:
        """Record the intent and append the events (the commit point); None when nothing was written.
        When the append lands after commits of another writer (its version was not the next one), those
        commits are folded first, so no process ever skips a version."""
        events = [request.event for request in built if request.event is not None]
        intent: Path | None = None
        try:
            keys = keys_of(self._model, events)
            intent = self._intents.record(events[0].event_id, keys)
            fault_point("before_event")
            with self._cursor.lock:
                read_version = self._cursor.version
                version = self._events.append_after([event_row(e) for e in events], read_version)
            if version != read_version + 1 and not self._cursor.catch_up():
                self._cursor.load()
        except (DeltaError, OSError, ValueError, StoreUnavailable) as exc:
            if intent is not None:
                self._intents.done(intent)
            self._fail(built, exc)
            return None
        return intent, keys, version

    @staticmethod
    def _fail(built: list[WriteRequest], exc: Exception) -> None:
        """Hand every write of the batch the error its user sees (nothing of the batch was written)."""
        if isinstance(exc, StoreUnavailable):
            error: StoreUnavailable = exc
        elif isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            log.error("the data folder's disk is full: writes are refused until space is freed (%s)", exc)
            error = StorageFull("The ticket store's disk is full, so nothing was saved. Your text is kept: "
                                "try again once an administrator has freed space.")
        else:
            error = StoreUnavailable("The change could not be saved; nothing was written. Try again.")
        error.__cause__ = exc
        for request in built:
            request.error = error

    def _publish(self, built: list[WriteRequest], intent: Path, keys: Keys, version: int) -> None:
        """Fold committed events into the read model, queue their projection, hand back the results.
        Folding is idempotent per event, so a reader thread that already caught up on this commit from
        the log (and maybe on later ones from other processes) loses nothing."""
        with self._cursor.lock:
            for request in built:
                self._model.apply(EventRow.of(request.event))
            self._cursor.advance(version)
        fault_point("after_event")
        self._projector.submit(intent, keys)
        for request in built:
            request.result = request.finish()
