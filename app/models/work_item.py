"""Work items, their events and comments, as plain values shared by every layer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from typing import Any


class ItemType(enum.StrEnum):
    INCIDENT = "incident"
    IMPROVEMENT = "improvement"
    PLATFORM_REQUEST = "platform_request"

    @property
    def key_prefix(self) -> str:
        return {"incident": "INC", "improvement": "IMP", "platform_request": "REQ"}[self.value]

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Priority(enum.StrEnum):
    P1 = "p1"
    P2 = "p2"
    P3 = "p3"
    P4 = "p4"


class Severity(enum.StrEnum):
    SEV1 = "sev1"
    SEV2 = "sev2"
    SEV3 = "sev3"
    SEV4 = "sev4"


class EventType(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    STATE_CHANGED = "state_changed"
    COMMENTED = "commented"
    VOTED = "voted"
    UNVOTED = "unvoted"
    WATCHED = "watched"
    UNWATCHED = "unwatched"

    @property
    def changes_item(self) -> bool:
        """Whether the event bumps the item's version (comments and votes do not)."""
        return self in (EventType.CREATED, EventType.UPDATED, EventType.STATE_CHANGED)


class Role(enum.IntEnum):
    """Ordered roles: each one may do everything the one below may."""

    VIEWER = 1
    REPORTER = 2
    TRIAGER = 3
    ADMIN = 4

    @classmethod
    def parse(cls, name: str) -> Role:
        return cls[name.strip().upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


# Columns of work_items that hold item content (everything but identity, audit and outbox columns).
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "incident": ("severity", "impact"),
    "improvement": ("problem", "proposed_benefit"),
    "platform_request": ("justification", "needed_by"),
}
ALL_TYPE_FIELDS: tuple[str, ...] = tuple(f for fields in TYPE_FIELDS.values() for f in fields)
COMMON_FIELDS: tuple[str, ...] = ("title", "description", "priority", "platform", "assignee")


@dataclasses.dataclass(slots=True)
class WorkItem:
    """One incident, improvement or platform request: a row of work_items."""

    id: str
    key: str
    item_type: str
    title: str
    description: str
    state: str
    priority: str
    platform: str | None
    assignee: str | None
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str
    version: int
    severity: str | None = None
    impact: str | None = None
    problem: str | None = None
    proposed_benefit: str | None = None
    justification: str | None = None
    needed_by: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (dates as ISO strings)."""
        out = dataclasses.asdict(self)
        for name, value in out.items():
            if isinstance(value, dt.date | dt.datetime):
                out[name] = value.isoformat()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorkItem:
        """Inverse of to_dict; accepts datetime/date objects or ISO strings."""
        values = {f.name: data.get(f.name) for f in dataclasses.fields(cls)}
        for name in ("created_at", "updated_at"):
            if isinstance(values[name], str):
                values[name] = dt.datetime.fromisoformat(values[name])
        if isinstance(values["needed_by"], str):
            values["needed_by"] = dt.date.fromisoformat(values["needed_by"])
        values["description"] = values["description"] or ""
        return cls(**values)

    @property
    def number(self) -> int:
        return int(self.key.rsplit("-", 1)[1])


@dataclasses.dataclass(slots=True, frozen=True)
class Event:
    """One audit event; payload is the decoded JSON."""

    event_id: str
    item_id: str
    seq: int
    event_type: str
    payload: dict[str, Any]
    version: int
    created_at: dt.datetime
    created_by: str

    @property
    def actor(self) -> str:
        return self.created_by

    def payload_json(self) -> str:
        return json.dumps(self.payload, sort_keys=True, default=str)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "item_id": self.item_id,
            "seq": self.seq,
            "event_type": self.event_type,
            "actor": self.created_by,
            "created_at": self.created_at.isoformat(),
            "version": self.version,
            "payload": self.payload,
        }


@dataclasses.dataclass(slots=True, frozen=True)
class Comment:
    id: str
    item_id: str
    body: str
    created_at: dt.datetime
    created_by: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "item_id": self.item_id,
            "body": self.body,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
        }


@dataclasses.dataclass(slots=True)
class WorkItemDetail:
    """An item with what a detail view needs, read in one go."""

    item: WorkItem
    vote_count: int
    comment_count: int
    my_vote: bool
    events: list[Event]
    comments: list[Comment]


@dataclasses.dataclass(slots=True)
class Page:
    """One page of a list query."""

    items: list[WorkItem]
    vote_counts: dict[str, int]
    comment_counts: dict[str, int]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))
