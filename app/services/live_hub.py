"""The in-process fan-out behind live pages: one source of events per process, one bounded queue per stream.

Where the events come from depends on the store, never on how many streams are open:
* a store that tells about every event it folds (the embedded store, base.EventListener) is listened to once;
  its follower thread already reads other processes' commits each second, so live pages add no reads at all;
* any other store (Databricks) is polled by ONE thread per process ("live-poller"): one
  `events_after` statement per interval, shared by every stream. It starts with the first stream and stops
  when the last one closes.
A stream whose queue is full (a client that stopped reading) is dropped; it never slows the others down.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections import OrderedDict
from typing import Any

from app.models import Event
from app.services.live_subscription import QUEUE_SIZE, Busy, InboxNudge, Subscription, TooMany

log = logging.getLogger(__name__)

OVERLAP_MICROS = 5_000_000  # each poll looks this far back: an event may commit a little after its created_at
BATCH = 500
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
SEEN = 8192  # event ids remembered, so the overlap never delivers an event twice


def micros(event: Event) -> int:
    """The event's cursor: its created_at in epoch microseconds (what Store.events_after orders by)."""
    return (event.created_at - EPOCH) // dt.timedelta(microseconds=1)


def topics_of(event: Event) -> frozenset[str]:
    """The topics an event changes: its item's page, and the pages that list items."""
    return frozenset((f"item:{event.item_id}", "list", "status", "roadmap"))


INBOX = "inbox"  # a signed-in stream's own unread count: nudged by the notifier, never by events


@dataclasses.dataclass
class _Poller:
    thread: threading.Thread
    stop: threading.Event


class LiveHub:
    """Subscriptions of this process and the one source that feeds them."""

    def __init__(self, store: Any, poll_seconds: float = 1.0, queue_size: int = QUEUE_SIZE,
                 process_cap: int = 100) -> None:
        self.store = store
        self.poll_seconds = poll_seconds
        self.queue_size = queue_size
        self.process_cap = process_cap  # each open stream holds one server thread: keep some for pages
        self._lock = threading.Lock()
        self._subs: set[Subscription] = set()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._listening = False
        self._poller: _Poller | None = None
        self._closed = False
        self.generation = 0  # counts the publishes that brought news: boards shown by many streams are keyed by it
        if hasattr(store, "on_close"):
            store.on_close(self.close)  # the app's services close with their store: every stream ends then

    def subscribe(self, topics: frozenset[str], owner: str, cap: int) -> Subscription:
        """A new stream for `owner`; TooMany when they already hold `cap` streams, Busy when the process is full."""
        with self._lock:
            if self._closed or len(self._subs) >= self.process_cap:
                raise Busy(self.process_cap)
            if sum(1 for sub in self._subs if sub.owner == owner) >= cap:
                raise TooMany(owner)
            sub = Subscription(topics, owner, self.queue_size)
            self._subs.add(sub)
            self._start()
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        """The stream ended; the poller stops with the last one."""
        with self._lock:
            self._subs.discard(sub)
            poller = self._poller if not self._subs else None
            if poller is not None:
                self._poller = None
                poller.stop.set()

    def open_streams(self, topic: str | None = None) -> int:
        """How many streams are open (those showing `topic`, when given)."""
        with self._lock:
            return sum(1 for sub in self._subs if topic is None or topic in sub.topics)

    def publish(self, events: list[Event]) -> None:
        """Hand each event not seen before to every stream showing one of its topics (never waits)."""
        with self._lock:
            fresh = [e for e in events if self._first_time(e.event_id)]
            self.generation += 1 if fresh else 0
            subs = list(self._subs)
        for event in fresh:
            topics = topics_of(event)
            for sub in subs:
                if sub.topics & topics and not sub.offer(event):
                    log.info("live stream of %s dropped: its client is not reading", sub.owner)
                    self.unsubscribe(sub)

    def nudge_inbox(self, users: set[str]) -> None:
        """The notifier stored notifications for `users`: their own streams read their unread count again."""
        with self._lock:
            subs = [sub for sub in self._subs if INBOX in sub.topics and sub.owner in users]
        for sub in subs:
            if not sub.offer(InboxNudge(sub.owner)):
                self.unsubscribe(sub)

    def _first_time(self, event_id: str) -> bool:
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        if len(self._seen) > SEEN:
            self._seen.popitem(last=False)
        return True

    def _start(self) -> None:
        """Listen to the store once, or start the poller if it is not running (callers hold the lock)."""
        if hasattr(self.store, "listen"):
            if not self._listening:
                self.store.listen(lambda event: self.publish([event]))
                self._listening = True
            return
        if self._poller is None:
            stop = threading.Event()
            thread = threading.Thread(target=self._poll, args=(stop,), name="live-poller", daemon=True)
            self._poller = _Poller(thread, stop)
            thread.start()

    def _poll(self, stop: threading.Event) -> None:
        """One `events_after` per interval for every stream of the process, until the last stream closes."""
        cursor = -1
        while cursor < 0 and not stop.is_set():
            cursor = self._guarded(self._begin, -1)
            if cursor < 0:
                stop.wait(self.poll_seconds)
        while not stop.wait(self.poll_seconds):
            cursor = self._guarded(lambda c=cursor: self.poll_once(c), cursor)

    def _begin(self) -> int:
        """The newest cursor; what the first poll's overlap will see again is marked seen, not news."""
        cursor = self.store.events_after(-1, 0)[1]
        before, _ = self.store.events_after(max(cursor - OVERLAP_MICROS, 0), BATCH)
        with self._lock:
            for event in before:
                self._first_time(event.event_id)
        return cursor

    def poll_once(self, cursor: int) -> int:
        """Read what committed since `cursor` (with the overlap), publish it, answer the next cursor."""
        events, last = self.store.events_after(max(cursor - OVERLAP_MICROS, 0), BATCH)
        if last > cursor and hasattr(self.store, "cache"):  # another instance wrote: its reads are news too
            self.store.cache.clear()
        self.publish(events)
        for _ in range(10):  # a burst bigger than one batch: read on from where the batch ended
            if len(events) < BATCH:
                break
            events, last = self.store.events_after(last, BATCH)
            self.publish(events)
        return max(cursor, last)

    @staticmethod
    def _guarded(step: Any, fallback: int) -> int:
        try:
            return int(step())
        except Exception:  # the warehouse is away: streams stay open and the next interval tries again
            log.warning("live pages could not read new events; retrying", exc_info=True)
            return fallback

    def close(self) -> None:
        """Stop the poller and end every stream now, not at its next heartbeat, and open no more: the store
        closes, or the gunicorn worker stops (live_config.end_streams_on_sigterm)."""
        with self._lock:
            subs, self._subs = list(self._subs), set()
            poller, self._poller = self._poller, None
            self._closed = True
        for sub in subs:
            sub.end()
        if poller is not None:
            poller.stop.set()
            if poller.thread is not threading.current_thread():
                poller.thread.join(timeout=10)
