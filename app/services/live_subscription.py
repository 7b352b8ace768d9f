"""One open live stream's side of the hub (live_hub.py): its topics and its bounded queue."""

from __future__ import annotations

import queue
import threading

from app.models import Event

QUEUE_SIZE = 256  # changes waiting for one stream before it counts as too slow and is dropped


class Subscription:
    """One open stream: the topics it shows and its bounded queue of events."""

    def __init__(self, topics: frozenset[str], owner: str, size: int = QUEUE_SIZE) -> None:
        self.topics = topics
        self.owner = owner
        self.queue: queue.Queue[Event] = queue.Queue(size)
        self.dropped = threading.Event()

    def offer(self, event: Event) -> bool:
        """Queue the event without waiting; False (and dropped) when this stream's client keeps up no more."""
        try:
            self.queue.put_nowait(event)
            return True
        except queue.Full:
            self.dropped.set()
            return False

    def take(self, timeout: float) -> list[Event]:
        """Every queued event, waiting up to `timeout` seconds for the first ([] when none came)."""
        try:
            taken = [self.queue.get(timeout=timeout)]
        except queue.Empty:
            return []
        while True:
            try:
                taken.append(self.queue.get_nowait())
            except queue.Empty:
                return taken


class TooMany(Exception):
    """The owner has as many streams open as allowed."""


class Busy(Exception):
    """This process holds as many streams as it may (LIVE_WORKER_STREAMS)."""
