"""How one poll of the webhook dispatcher walks its due deliveries: lanes, round-robin, outcomes in batches.

A lane is one (webhook, item): its deliveries go out in seq order, the next only after the previous one was
delivered; the first that is not (to be retried, or failed) ends the lane for this poll, so later events of that
item wait behind it. Lanes take turns, one attempt each (round-robin), so a busy item or a lane of retries never
holds up the others. Outcomes are kept in memory and saved together every SAVE_EVERY seconds or SAVE_MAX
attempts and at the end of the poll: one store write per batch instead of one per attempt.

At least once, across a crash: a delivery that was sent but whose outcome was not saved yet is still pending in
the table, so the next lease holder sends it again with the same delivery id (receivers deduplicate on
X-DeltaDesk-Delivery). A batch bounds how many such repeats a crash can cause.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterable

from app.models.webhook import DELIVERED, FAILED, PENDING, Delivery
from app.services.webhook_http import Outcome
from app.services.webhook_settings import WebhookSettings

SAVE_EVERY = 0.25  # seconds of outcomes kept before they are saved (what a crash can make us send twice)
SAVE_MAX = 100  # ... or this many
MAX_DELAY = 3600.0  # the longest wait between two attempts


def lanes_of(pending: Iterable[Delivery]) -> collections.deque[collections.deque[Delivery]]:
    """Pending deliveries grouped into (webhook, item) lanes, each in seq order, lanes in the order given."""
    lanes: dict[tuple[str, str], list[Delivery]] = {}
    for delivery in pending:
        lanes.setdefault((delivery.webhook_id, delivery.item_id), []).append(delivery)
    return collections.deque(collections.deque(sorted(lane, key=lambda d: d.seq)) for lane in lanes.values())


def drop_gone(lanes: collections.deque[collections.deque[Delivery]], webhooks: set[str]) -> list[Delivery]:
    """Take the lanes of webhooks not in `webhooks` (deleted) out of `lanes`; their deliveries, to be failed."""
    gone = [lane for lane in lanes if lane[0].webhook_id not in webhooks]
    for lane in gone:
        lanes.remove(lane)
    return [delivery for lane in gone for delivery in lane]


class OutcomeBatch:
    """Outcomes waiting to be saved together; `flush` writes them in one call of `save`."""

    def __init__(self, save: Callable[[list[Delivery]], None]) -> None:
        self.save, self.rows, self.since = save, [], time.monotonic()

    def add(self, outcome: Delivery) -> None:
        self.rows.append(outcome)
        if len(self.rows) >= SAVE_MAX or time.monotonic() - self.since >= SAVE_EVERY:
            self.flush()

    def flush(self) -> None:
        rows, self.rows, self.since = self.rows, [], time.monotonic()
        if rows:
            self.save(rows)


def walk(lanes: collections.deque[collections.deque[Delivery]], due: Callable[[Delivery], bool],
         attempt: Callable[[Delivery], Delivery | None], batch: OutcomeBatch, limit: int) -> int:
    """Attempt lane heads in turn until no lane is left, `limit` attempts were made or `attempt` returns None
    (out of time, lease or stopping); a head not due yet ends its lane, a delivered one lets its lane go again
    after the others. Returns the attempts made."""
    made = 0
    while lanes and made < limit:
        lane = lanes.popleft()
        if not due(lane[0]):
            continue
        outcome = attempt(lane.popleft())
        if outcome is None:
            break
        batch.add(outcome)
        made += 1
        if outcome.status == DELIVERED and lane:
            lanes.append(lane)
    return made


def after_attempt(delivery: Delivery, outcome: Outcome, now: dt.datetime, settings: WebhookSettings) -> Delivery:
    """The row as it is stored after an attempt: delivered, pending with a doubled delay (retryable answers
    within WEBHOOK_GIVE_UP_SECONDS of queueing), or failed."""
    attempts = delivery.attempts + 1
    if outcome.ok:
        status, next_at = DELIVERED, None
    elif outcome.retry and (now - delivery.created_at).total_seconds() < settings.give_up:
        delay = min(MAX_DELAY, settings.retry_base * 2 ** (attempts - 1))
        status, next_at = PENDING, now + dt.timedelta(seconds=delay)
    else:
        status, next_at = FAILED, None
    return dataclasses.replace(delivery, status=status, attempts=attempts, status_code=outcome.status,
                               next_attempt_at=next_at, last_error=outcome.error, updated_at=now)
