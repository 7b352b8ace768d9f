"""The webhook dispatcher: events table -> deliveries table -> HTTP, at least once, nothing lost.

Each poll, the process holding the lease (webhook_dispatch, compare-and-set with expiry) first queues a
delivery row per (webhook, new event), reading events from the durable cursor less a grace window (rows
already queued are skipped by delivery_id), then moves the cursor. Then it attempts the due deliveries lane by lane
(webhook_lanes.py): one (webhook, item)'s deliveries go out in order, each after the previous one was delivered,
and lanes take turns, for at most a quarter of the lease per poll; timeouts, connection errors, 5xx and 429 are
retried with exponential backoff until WEBHOOK_GIVE_UP_SECONDS after queueing, then the row is marked failed.
Outcomes are saved in batches after the attempts, so a process killed mid-batch sends those deliveries again
after restart, with the same delivery id (at least once; the receiver deduplicates on X-DeltaDesk-Delivery).
At most hourly, finished rows older than WEBHOOK_KEEP_DAYS are pruned. Other processes wait for the lease.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from app.models import Event
from app.models.webhook import PENDING, Delivery, Webhook, delivery_id
from app.services.clock import utcnow
from app.services.ssrf import UnsafeUrl, check_url
from app.services.webhook_http import Outcome, post, sign
from app.services.webhook_lanes import OutcomeBatch, after_attempt, drop_gone, lanes_of, walk
from app.services.webhook_payload import body_for
from app.services.webhook_settings import WebhookSettings
from app.services.webhooks import DELIVERIES_SHOWN

log = logging.getLogger(__name__)
PAGE = 1000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
DUE_BATCH = 1000  # pending rows read per poll ...
PER_LANE = 200  # ... at most this many of one (webhook, item)
PER_POLL = 1000  # attempts per poll at most (and a quarter of the lease in time)
PRUNE_EVERY, MAX_KEEP_DAYS = dt.timedelta(hours=1), 36500.0
SEEN_KEPT = 100_000
THREAD = "webhook-dispatcher"


def events_since(store: Any, since: dt.datetime, limit: int) -> list[Event]:
    """Up to `limit` events created at or after `since`, oldest first: the store's one time-ordered feed
    (Store.events_after, which live pages read too), whose cursor is exclusive and in microseconds."""
    return store.events_after((since - _EPOCH) // dt.timedelta(microseconds=1) - 1, limit)[0]

class Dispatcher:
    """One process's dispatcher; `run_once` is one poll, `start`/`stop` run it in a background thread."""

    def __init__(self, store: Any, settings: WebhookSettings, public_url: str,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.store, self.hooks = store, store.webhooks
        self.settings, self.public_url, self.clock = settings, public_url, clock
        self.owner = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
        self._lease_until: dt.datetime | None = None
        self._seen: dict[str, None] = {}  # event ids queued by this process (the grace window re-reads them)
        self._seen_for: frozenset[str] = frozenset()  # ... for these webhooks; a new one sees every event again
        self._pruned_at: dt.datetime | None = None
        self._events: dict[str, dict[str, Event]] = {}  # the poll's events by item (each read once per poll)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- the thread ---------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name=THREAD, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.wait(self.settings.poll):
            try:
                self.run_once()
            except Exception:
                log.exception("webhook dispatch failed; it runs again at the next poll")

    # ---- one poll -----------------------------------------------------------------------
    def run_once(self) -> int:
        """Queue new events and attempt the due deliveries while holding the lease; returns attempts made."""
        webhooks = {w.id: w for w in self.hooks.list_webhooks()}
        if not webhooks and not self._lease_until:
            return 0  # nothing registered: no lease, no writes
        if not self._hold_lease():
            return 0
        self._queue(list(webhooks.values()))
        attempts = self._deliver_due(webhooks)
        self._prune()
        return attempts

    def _hold_lease(self) -> bool:
        """Take or renew the lease when less than half of it is left; False when another process holds it."""
        now = self.clock()
        lease = dt.timedelta(seconds=self.settings.lease)
        if self._lease_until and self._lease_until - now > lease / 2:
            return True
        if self.hooks.take_lease(self.owner, now, now + lease):
            self._lease_until = now + lease
            return True
        self._lease_until = None
        return False

    def _queue(self, webhooks: list[Webhook]) -> None:
        """A delivery row per (webhook, event) since the cursor less the grace window, then the cursor moves."""
        if not webhooks:
            return
        state = self.hooks.dispatch_state()
        start = state.cursor_at if state and state.cursor_at else min(w.created_at for w in webhooks)
        since, newest = start - dt.timedelta(seconds=self.settings.grace), start
        while True:
            events = events_since(self.store, since, PAGE)
            self._queue_events(webhooks, events)
            if events:
                newest = max(newest, events[-1].created_at)
            if len(events) < PAGE or events[-1].created_at == since:
                break
            since = events[-1].created_at
        if newest != start and not self.hooks.save_cursor(self.owner, newest):
            self._lease_until = None  # another process took over: it carries on from the stored cursor

    def _queue_events(self, webhooks: list[Webhook], events: list[Event]) -> None:
        now = self.clock()
        wanted: list[Delivery] = []
        items: dict[str, Any] = {}
        if self._seen_for != (ids := frozenset(w.id for w in webhooks)):
            self._seen, self._seen_for = {}, ids
        events = [e for e in events if e.event_id not in self._seen]
        for event in events:
            if event.item_id not in items:
                items[event.item_id] = self.store.get_item(event.item_id)
            item = items[event.item_id]
            for hook in webhooks:
                if event.created_at >= hook.created_at and hook.wants(
                        event.event_type, getattr(item, "item_type", None), getattr(item, "platform", None)):
                    wanted.append(Delivery(delivery_id(hook.id, event.event_id), hook.id, event.event_id,
                                           event.item_id, event.seq, event.event_type, event.created_at, PENDING,
                                           0, None, now, None, now, self.owner, now))
        if wanted:
            self.hooks.add_deliveries(wanted)
        self._seen.update(dict.fromkeys(e.event_id for e in events))
        while len(self._seen) > SEEN_KEPT:
            del self._seen[next(iter(self._seen))]

    def _deliver_due(self, webhooks: dict[str, Webhook]) -> int:
        """Attempt due deliveries lane by lane (see webhook_lanes) for at most a quarter of the lease or
        PER_POLL attempts, so the lease is renewed in time; outcomes are saved in batches."""
        self._events = {}
        batch = OutcomeBatch(self.hooks.save_deliveries)
        ends = time.monotonic() + self.settings.lease / 4
        lanes = lanes_of(self.hooks.pending_lanes(DUE_BATCH, PER_LANE))
        try:
            for delivery in drop_gone(lanes, set(webhooks)):  # a deleted webhook's lane is failed at once
                batch.add(self._outcome(delivery, Outcome(None, "webhook deleted", False)))
            return walk(lanes, self._due, lambda d: self._attempt(d, webhooks[d.webhook_id])
                        if self._go_on(ends) else None, batch, PER_POLL)
        finally:
            batch.flush()

    def _go_on(self, ends: float) -> bool:
        return time.monotonic() < ends and not self._stop.is_set() and self._hold_lease()

    def _due(self, delivery: Delivery) -> bool:
        return delivery.next_attempt_at is None or delivery.next_attempt_at <= self.clock()

    def _attempt(self, delivery: Delivery, webhook: Webhook) -> Delivery:
        """POST the delivery once and return the row as it should be stored afterwards."""
        if delivery.item_id not in self._events:  # one read per item and poll, however long its lane
            self._events[delivery.item_id] = {e.event_id: e for e in self.store.events_for(delivery.item_id)}
        event = self._events[delivery.item_id].get(delivery.event_id)
        if event is None:
            return self._outcome(delivery, Outcome(None, "event not readable (quarantined)", False))
        try:
            target = check_url(webhook.url, self.settings.allowed_hosts)
        except UnsafeUrl as exc:
            return self._outcome(delivery, Outcome(None, f"refused: {exc}", False))
        body = body_for(webhook, delivery.delivery_id, event, self.store.get_item(delivery.item_id), self.public_url)
        headers = {"X-DeltaDesk-Event": event.event_type, "X-DeltaDesk-Delivery": delivery.delivery_id,
                   "X-DeltaDesk-Signature-256": sign(webhook.secret, body), "User-Agent": "DeltaDesk-Webhooks/1"}
        return self._outcome(delivery, post(target, body, headers))

    def _outcome(self, delivery: Delivery, outcome: Outcome) -> Delivery:  # what is stored after the attempt
        return after_attempt(delivery, outcome, self.clock(), self.settings)

    def _prune(self) -> None:
        """At most hourly: delete finished deliveries older than WEBHOOK_KEEP_DAYS (each webhook's last
        DELIVERIES_SHOWN stay), so the outbox the dispatcher reads stays small."""
        now = self.clock()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        keep = dt.timedelta(days=min(self.settings.keep_days, MAX_KEEP_DAYS))
        if removed := self.hooks.prune_deliveries(now - keep, DELIVERIES_SHOWN):
            log.info("pruned %d webhook deliveries older than %s", removed, keep)
