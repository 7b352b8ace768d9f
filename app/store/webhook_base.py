"""What the webhook services need from storage (`store.webhooks`); both stores implement it.

Everything the dispatcher knows lives in three Delta tables (schemas/010-012): the registrations, the
deliveries (the durable outbox: a row is written before its first attempt and updated after each one) and
one dispatch row holding the lease and the events cursor. So a process killed at any point resumes from
the tables, and several processes share one dispatcher through the lease.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from app.models.webhook import Delivery, DispatchState, Webhook


class WebhookStore(Protocol):
    def add_webhook(self, webhook: Webhook) -> None: ...

    def list_webhooks(self) -> list[Webhook]:
        """Active webhooks (with their secrets: the services keep those), oldest first."""
        ...

    def delete_webhook(self, webhook_id: str, deleted_by: str, at: dt.datetime) -> bool:
        """Mark an active webhook deleted; False when there is no such active webhook."""
        ...

    def add_deliveries(self, deliveries: list[Delivery]) -> int:
        """Queue the deliveries whose delivery_id is not stored yet (idempotent); returns how many were new."""
        ...

    def delivery_ids(self, ids: list[str]) -> set[str]:
        """Which of these delivery ids are stored."""
        ...

    def pending_deliveries(self, limit: int) -> list[Delivery]:
        """Up to `limit` pending deliveries, ordered by (event_at, item_id, seq)."""
        ...

    def pending_lanes(self, limit: int, per_lane: int) -> list[Delivery]:
        """Up to `limit` pending deliveries, at most the first `per_lane` (by seq) of each (webhook, item) lane,
        ordered by (place in its lane, event_at, item_id, seq, webhook_id): every lane's head comes before any
        lane's second row, so many rows of one busy item never crowd out the other items."""
        ...

    def save_delivery(self, delivery: Delivery) -> None:
        """Record the outcome of an attempt (the row exists: add_deliveries stored it)."""
        ...

    def save_deliveries(self, deliveries: list[Delivery]) -> None:
        """Record the outcomes of many attempts at once: one merge (embedded) or one statement per chunk
        (Databricks) instead of one per attempt. Rows not passed are untouched; the rows exist already."""
        ...

    def prune_deliveries(self, before: dt.datetime, keep: int) -> int:
        """Delete delivered and failed deliveries last updated before `before`, except each webhook's newest
        `keep` (what deliveries_for shows); pending ones are never deleted. Returns how many were deleted."""
        ...

    def deliveries_for(self, webhook_id: str, limit: int) -> list[Delivery]:
        """The webhook's newest `limit` deliveries, newest first."""
        ...

    def dispatch_state(self) -> DispatchState | None: ...

    def take_lease(self, owner: str, now: dt.datetime, until: dt.datetime) -> bool:
        """Compare-and-set: make `owner` the lease holder until `until` if it holds it already, nobody does,
        or the holder's lease ended before `now`. True when `owner` holds it afterwards."""
        ...

    def save_cursor(self, owner: str, cursor_at: dt.datetime) -> bool:
        """Move the events cursor, only while `owner` holds the lease; False when it does not."""
        ...
