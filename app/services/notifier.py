"""Fan-out of committed events to the inbox: who is told about what, off every write's path.

Design. A write commits its audit event and answers; nothing about notifications runs inside it. One
notifier thread per process ("deltadesk-notifier") follows the store's events feed (`feed_after`: the
embedded store's events-table versions, the Databricks store's created_at watermark) from a durable cursor
(work_item_notifier_cursor), works out the recipients of each event and stores their notifications, then
moves the cursor. Each notification's id is derived from (event_id, user), and the stores insert only ids
not stored yet, so a crash after the rows and before the cursor, two processes following the same feed, or
the Databricks feed's look-back window re-reading events never stores a notification twice; a crash before
the rows loses nothing, since the cursor has not moved. A process started after events were committed
without it (down, crashed) fans them out from where the cursor stopped.

Who is told: for created, updated, state_changed and commented events, everyone watching the item after
the event (app/services/watchers.py), the person it is assigned to after the event and the people the
event's text mentions; never the actor. Each gets one notification with the strongest reason: assigned > mentioned >
author > watching. An explicit unwatch silences watching and author, not a direct assignment or mention.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable
from typing import Any

from app.bounded_cache import BoundedCache
from app.models import Event, EventType, WorkItem
from app.models.notification import Notification, Reason, notification_id
from app.services.watchers import Mentions, assignee_after, explicit_choices, texts_of, watchers_of

log = logging.getLogger(__name__)
NOTIFYING = (EventType.CREATED, EventType.UPDATED, EventType.STATE_CHANGED, EventType.COMMENTED)
POLL_SECONDS = 1.0
MAX_BATCHES = 50  # feed reads per drain before the thread lets others in
BACKLOG = 100  # a batch this big means a backlog (a feed page): read the next one at once. A smaller one is
# all there was; the events committed while it was stored wait for the next poll, so a steady stream of writes
# is fanned out one poll's worth per batch (two commits), not a batch of two commits per write or two.


def summary(event: Event) -> str:
    """A few words on what happened: "changed title, priority", "moved from new to triaged", "commented"."""
    payload = event.payload or {}
    if event.event_type == EventType.UPDATED:
        return "changed " + ", ".join(sorted(payload.get("changes") or {})).replace("_", " ")
    if event.event_type == EventType.STATE_CHANGED:
        return f"moved from {payload.get('from')} to {payload.get('to')}".replace("_", " ")
    return "created it" if event.event_type == EventType.CREATED else "commented"


def recipients(event: Event, item: WorkItem, history: list[Event], mentions: Mentions) -> dict[str, Reason]:
    """Who is told about `event` and why (strongest reason each); never the actor."""
    if event.event_type not in NOTIFYING:
        return {}
    upto = [e for e in history if e.seq <= event.seq]
    watching = watchers_of(item, upto, mentions)
    mentioned = set().union(*(mentions(t) for t in texts_of(event) if t))
    assignee = assignee_after(item, upto)
    unwatched = {p for p, on in explicit_choices(upto).items() if not on}
    out: dict[str, Reason] = {}
    for person in watching:
        out[person] = Reason.AUTHOR if person == item.created_by else Reason.WATCHING
    for person in mentioned:
        out[person] = Reason.MENTIONED
    if assignee:
        out[assignee] = Reason.ASSIGNED
    for person in unwatched - mentioned - {assignee}:
        out.pop(person, None)
    out.pop(event.created_by, None)
    return out


class Notifier:
    """Follows the events feed and stores notifications; `drain()` runs it now (tests, start-up)."""

    def __init__(self, store: Any, mentions: Mentions, poll: float | None = None) -> None:
        self.store = store
        self.mentions = mentions
        self.poll = poll or getattr(store, "feed_poll_seconds", POLL_SECONDS)  # a warehouse is asked less often
        self._position: str | None = None  # the cursor as this notifier last stored it
        self._mutex = threading.Lock()
        self._seen: BoundedCache[bool] = BoundedCache(100_000)  # events handled (the feed may repeat some)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.on_saved: list[Callable[[set[str]], None]] = []  # told who has new notifications (live pages)

    def start(self) -> None:
        """Start following in the background; the store stops it when it closes."""
        self._thread = threading.Thread(target=self._loop, name="deltadesk-notifier", daemon=True)
        self._thread.start()
        self.store.on_close(self.stop)
        atexit.register(self.stop)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.drain()
            except Exception:
                log.exception("fanning out notifications failed; the cursor did not move, retrying")
            self._stop.wait(self.poll)

    def start_from_now(self) -> None:
        """Move the cursor to the feed's end without fanning anything out (bulk-loaded benchmark history)."""
        with self._mutex:
            _, position = self.store.feed_after(None)
            self.store.save_notifications([], position)
            self._position = position

    def drain(self) -> int:
        """Fan out every event committed after the cursor; returns the notifications written."""
        with self._mutex:
            position = self._position or self.store.notifier_position()
            if position is None:  # first run ever: notifications start now, not for all history
                _, position = self.store.feed_after(None)
                self.store.save_notifications([], position)
                self._position = position
                return 0
            written = 0
            for _ in range(MAX_BATCHES):
                events, after = self.store.feed_after(position)
                fresh = [e for e in events if self._seen.get(e.event_id) is None]
                if not fresh and after == position:
                    break
                rows = self._fan_out(fresh)
                self.store.save_notifications(rows, after)
                self._tell({row.user_email for row in rows})
                for event in fresh:
                    self._seen.put(event.event_id, True)
                written, position = written + len(rows), after
                self._position = position
                if len(fresh) < BACKLOG:  # caught up: what came in meanwhile waits for the next poll
                    break
            return written

    def _tell(self, users: set[str]) -> None:
        """Whoever listens (the live hub) hears who has notifications stored now; never fails the drain."""
        for listener in self.on_saved if users else ():
            try:
                listener(users)
            except Exception:
                log.exception("a notifications listener failed")

    def _fan_out(self, events: list[Event]) -> list[Notification]:
        rows: list[Notification] = []
        for event in events:
            item = self.store.get_item(event.item_id)
            if item is None or event.event_type not in NOTIFYING:
                continue
            history = self.store.events_for(item.id)
            for person, reason in sorted(recipients(event, item, history, self.mentions).items()):
                rows.append(Notification(notification_id(event.event_id, person), person, item.id, item.key,
                                         event.event_id, event.event_type, summary(event), reason.value,
                                         event.created_at, event.created_by))
        return rows
