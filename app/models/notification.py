"""In-app notifications (the inbox): one row per recipient per event that matters to them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import os
import socket
from typing import Any

PROCESS = f"notifier@{socket.gethostname()}:{os.getpid()}"  # who moves the notifier's cursor


class Reason(enum.StrEnum):
    """Why someone is told, strongest first (a person with several reasons gets the first that applies)."""

    ASSIGNED = "assigned"
    MENTIONED = "mentioned"
    AUTHOR = "author"
    WATCHING = "watching"


def notification_id(event_id: str, user: str) -> str:
    """Deterministic id of the notification of `user` about `event_id`: writing it twice stores it once."""
    return hashlib.sha256(f"{event_id}\n{user}".encode()).hexdigest()[:32]


@dataclasses.dataclass(frozen=True, slots=True)
class Notification:
    """One row of work_item_notifications; `read_at` is None while unread."""

    id: str
    user_email: str
    item_id: str
    item_key: str
    event_id: str
    event_type: str
    summary: str
    reason: str
    created_at: dt.datetime
    created_by: str  # the actor (never the recipient)
    read_at: dt.datetime | None = None

    @property
    def read(self) -> bool:
        return self.read_at is not None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "item_id": self.item_id, "item_key": self.item_key, "event_type": self.event_type,
                "summary": self.summary,
                "actor": self.created_by, "reason": self.reason, "created_at": self.created_at.isoformat(),
                "read": self.read}


@dataclasses.dataclass(frozen=True, slots=True)
class Inbox:
    """One page of a user's notifications (unread first, newest first), with the counts."""

    items: list[Notification]
    unread: int
    total: int
    page: int
    page_size: int
