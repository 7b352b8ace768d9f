"""Group commit: concurrent writes of one process share one events-table commit.

Each write is a `build` function that checks the caller's expectations against fresh state and
returns its audit event. One thread at a time leads: it takes the writer lock, then takes every
write queued by then (at most one per item in a batch, so each check sees committed state; writes
that arrived while it waited for another process to let go of the lock ride along), appends all
their events in one Delta commit and wakes the writers. Other threads wait for their turn.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any

from app.models import Event


class BatchContext:
    """What a build function may ask while its batch is being formed."""

    def __init__(self, max_number: dict[str, int]) -> None:
        self._numbers = dict(max_number)

    def next_number(self, item_type: str) -> int:
        """The next key number of this type, counting creates earlier in the same batch."""
        self._numbers[item_type] = self._numbers.get(item_type, 0) + 1
        return self._numbers[item_type]


# build(ctx) -> (event, finish); event None means "nothing to write" (e.g. a repeated vote);
# finish() runs once the batch is committed and folded, and gives the write's result.
Build = Callable[[BatchContext], tuple[Event | None, Callable[[], Any]]]


@dataclasses.dataclass
class WriteRequest:
    scope: str  # the item the write touches: two writes to one item never share a batch
    build: Build
    done: threading.Event = dataclasses.field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None
    event: Event | None = None
    finish: Callable[[], Any] | None = None

    def fail(self, error: BaseException) -> None:
        self.error = error
        self.done.set()


class CommitQueue:
    """Queue of writes; `run` returns a write's result or raises its error."""

    def __init__(self, lead: Callable[[Callable[[], list[WriteRequest]]], None], max_batch: int = 64) -> None:
        self._lead = lead
        self._max_batch = max_batch
        self._queue: list[WriteRequest] = []
        self._mutex = threading.Lock()
        self._leader = threading.Lock()

    def run(self, scope: str, build: Build) -> Any:
        request = WriteRequest(scope, build)
        with self._mutex:
            self._queue.append(request)
        while not request.done.is_set():
            if self._leader.acquire(blocking=False):
                try:
                    self._drain()
                finally:
                    self._leader.release()
            else:
                request.done.wait(0.002)
        if request.error is not None:
            raise request.error
        return request.result

    def _drain(self) -> None:
        """Lead batches until the queue is empty; `lead` calls `take` once it holds the writer lock."""
        while True:
            with self._mutex:
                if not self._queue:
                    return
            taken: list[WriteRequest] = []

            def take(into: list[WriteRequest] = taken) -> list[WriteRequest]:
                into.extend(self._take())
                return into

            try:
                self._lead(take)
            except Exception as exc:  # the leader must never leave writers waiting
                for request in taken:
                    if not request.done.is_set():
                        request.fail(exc)

    def _take(self) -> list[WriteRequest]:
        """Queued writes in order, skipping (for now) a second write to an item already in the batch."""
        with self._mutex:
            batch, later, scopes = [], [], set()
            for request in self._queue:
                if request.scope in scopes or len(batch) >= self._max_batch:
                    later.append(request)
                else:
                    scopes.add(request.scope)
                    batch.append(request)
            self._queue = later
            return batch
