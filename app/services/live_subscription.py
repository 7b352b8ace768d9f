"""One open live stream's side of the hub (live_hub.py): its topics and its bounded queue."""

from __future__ import annotations

import dataclasses
import queue
import threading

from app.models import Event

QUEUE_SIZE = 256  # changes waiting for one stream before it counts as too slow and is dropped


@dataclasses.dataclass(frozen=True, slots=True)
class InboxNudge:
    """The stream owner's notifications changed: their unread count is to be read again (no event of its own)."""

    user: str


Change = Event | InboxNudge
_END = object()  # put in a queue by end(): wakes a waiting stream at once


class Subscription:
    """One open stream: the topics it shows and its bounded queue of events."""

    def __init__(self, topics: frozenset[str], owner: str, size: int = QUEUE_SIZE) -> None:
        self.topics = topics
        self.owner = owner
        self.queue: queue.Queue[object] = queue.Queue(size)
        self.dropped = threading.Event()

    def offer(self, change: Change) -> bool:
        """Queue the change without waiting; False (and dropped) when this stream's client keeps up no more."""
        try:
            self.queue.put_nowait(change)
            return True
        except queue.Full:
            self.dropped.set()
            return False

    def end(self) -> None:
        """The hub closes: the stream stops now, not at its next heartbeat."""
        self.dropped.set()
        try:
            self.queue.put_nowait(_END)
        except queue.Full:  # its reader is not waiting then, and sees `dropped` before it waits again
            pass

    def take(self, timeout: float) -> list[Change]:
        """Every queued change, waiting up to `timeout` seconds for the first ([] when none came or the
        stream ended)."""
        try:
            taken = [self.queue.get(timeout=timeout)]
        except queue.Empty:
            return []
        while True:
            try:
                taken.append(self.queue.get_nowait())
            except queue.Empty:
                return [change for change in taken if change is not _END]  # type: ignore[misc]


class TooMany(Exception):
    """The owner has as many streams open as allowed."""


class Busy(Exception):
    """This process holds as many streams as it may (LIVE_WORKER_STREAMS), or it is shutting down."""
