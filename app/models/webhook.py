"""Outgoing webhooks: a registration, one delivery of one event to it, and the dispatcher's lease row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
FORMATS = ("json", "slack")
DISPATCHER = "dispatcher"  # the one row of webhook_dispatch


@dataclasses.dataclass(frozen=True, slots=True)
class Webhook:
    """A row of webhooks; the lists are stored as JSON text. `secret` never leaves the services."""

    id: str
    url: str
    events: tuple[str, ...]
    item_types: tuple[str, ...]
    platforms: tuple[str, ...]
    format: str
    secret: str
    created_at: dt.datetime
    created_by: str
    deleted_at: dt.datetime | None = None
    deleted_by: str | None = None

    @property
    def active(self) -> bool:
        return self.deleted_at is None

    def wants(self, event_type: str, item_type: str | None, platform: str | None) -> bool:
        """Whether an event of this type on an item of this type and platform is for this webhook."""
        return ((("*" in self.events) or event_type in self.events)
                and (not self.item_types or item_type in self.item_types)
                and (not self.platforms or platform in self.platforms))

    def to_row(self) -> dict[str, Any]:
        row = dataclasses.asdict(self)
        for name in ("events", "item_types", "platforms"):
            row[name] = json.dumps(list(row[name]))
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Webhook:
        values = dict(row)
        for name in ("events", "item_types", "platforms"):
            values[name] = tuple(json.loads(values[name] or "[]"))
        return cls(**values)

    def public(self) -> dict[str, Any]:
        """What GET shows: everything but the secret."""
        return {"id": self.id, "url": self.url, "events": list(self.events), "item_types": list(self.item_types),
                "platforms": list(self.platforms), "format": self.format,
                "created_at": self.created_at.isoformat(), "created_by": self.created_by}


def delivery_id(webhook_id: str, event_id: str) -> str:
    """Stable across retries and restarts: the receiver deduplicates on it."""
    return hashlib.sha256(f"{webhook_id}:{event_id}".encode()).hexdigest()[:32]


@dataclasses.dataclass(frozen=True, slots=True)
class Delivery:
    """A row of webhook_deliveries: one event for one webhook, and how its delivery went so far."""

    delivery_id: str
    webhook_id: str
    event_id: str
    item_id: str
    seq: int
    event_type: str
    event_at: dt.datetime
    status: str
    attempts: int
    status_code: int | None
    next_attempt_at: dt.datetime | None
    last_error: str | None
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime

    def to_row(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Delivery:
        return cls(**row)

    def public(self) -> dict[str, Any]:
        return {"delivery_id": self.delivery_id, "event_id": self.event_id, "item_id": self.item_id,
                "event_type": self.event_type, "status": self.status, "attempts": self.attempts,
                "status_code": self.status_code, "next_retry_at": stamp(self.next_attempt_at),
                "error": self.last_error, "created_at": stamp(self.created_at), "updated_at": stamp(self.updated_at)}


def stamp(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclasses.dataclass(frozen=True, slots=True)
class DispatchState:
    """The row of webhook_dispatch: who holds the lease until when, and the events cursor."""

    name: str
    owner: str | None
    lease_until: dt.datetime | None
    cursor_at: dt.datetime | None
    version: int
    created_at: dt.datetime | None = None
    created_by: str | None = None
