"""The store interface the services depend on, and the values that cross it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Protocol

from app.models import ApiToken, Comment, Event, Page, QuarantinedRow, WorkItem, WorkItemDetail
from app.models.mail import MailRecord
from app.models.notification import Inbox, Notification

SORT_FIELDS = ("created_at", "updated_at", "votes", "priority", "triage")


@dataclasses.dataclass(frozen=True, slots=True)
class ItemQuery:
    """Filters, order and page of a list; every field optional. `states` matches any of them."""

    item_type: str | None = None
    states: tuple[str, ...] = ()
    platform: str | None = None
    assignee: str | None = None
    author: str | None = None
    q: str | None = None
    voted_by: str | None = None
    updated_since: dt.datetime | None = None
    sort: str = "created_at"
    descending: bool = True
    page: int = 1
    page_size: int = 25


class StoreConflict(Exception):
    """Compare-and-set failed: the item's version is not the expected one."""

    def __init__(self, current: WorkItem) -> None:
        super().__init__(f"version conflict on {current.id}: now {current.version}")
        self.current = current


class Store(Protocol):
    """What the services need from storage. Every write is all-or-nothing and audited.

    Events passed in carry seq=0; the store assigns the per-item sequence number.
    """

    def list_items(self, query: ItemQuery) -> Page: ...

    def get_item(self, item_id: str) -> WorkItem | None: ...

    def get_item_by_key(self, key: str) -> WorkItem | None:
        """The item whose key is exactly `key` (INC-12: upper-case prefix, no leading zeros), or None."""
        ...

    def get_detail(self, item_id: str, viewer: str | None) -> WorkItemDetail | None: ...

    def events_for(self, item_id: str, after_version: int = 0) -> list[Event]: ...

    def create_item(self, item: WorkItem, event: Event) -> WorkItem:
        """Store a new item; the store assigns `key` (unique per type) and puts the final item in
        the created event's payload."""
        ...

    def update_item(self, item: WorkItem, expected_version: int, event: Event) -> WorkItem:
        """Replace the item if its stored version is `expected_version`, else raise StoreConflict."""
        ...

    def add_comment(self, comment: Comment, event: Event) -> Comment: ...

    def set_vote(self, item_id: str, voter: str, voted: bool, event: Event) -> tuple[bool, int]:
        """Cast or withdraw a vote; returns (changed, vote_count). No event when nothing changed.
        The store stamps the event with the item's current version; LookupError when there is no item."""
        ...

    def known_actors(self) -> frozenset[str]:
        """Lowercased identities that have acted: authors, assignees, commenters and voters (at least);
        cheap enough to call per keystroke (cached or kept current by the store)."""
    def append_event(self, event: Event) -> Event:
        """Store an event that changes no projected row (watched, unwatched), numbered with the item's next
        seq and stamped with its current version; LookupError when there is no item."""
        ...

    def data_version(self) -> str:
        """Opaque token that changes whenever any data changes (for ETags)."""
        ...

    def quarantined(self) -> list[QuarantinedRow]:
        """Rows this store could not apply and keeps out of every read (newest first)."""
        ...

    def events_after(self, cursor: int, limit: int = 500) -> tuple[list[Event], int]:
        """Live pages (app/services/live.py): events whose created_at, in epoch microseconds, is after
        `cursor`, oldest first (ties by event id), at most `limit`, and the cursor to ask from next (the
        last one's created_at, or `cursor` when none). A negative cursor asks only for the newest created_at."""
        ...

    def close(self) -> None: ...


class EventListener(Protocol):
    """A store that tells about every event as it folds it (the embedded store's read model): live pages need no
    polling of their own there. `listen` calls `callback` from the folding thread: it must never block."""

    def listen(self, callback: Callable[[Event], None]) -> None: ...


class NotificationStore(Protocol):
    """The inbox tables (work_item_notifications, work_item_notifier_cursor) and the events feed the notifier
    reads; every store implements it beside Store (embedded: notification_delta.py, Databricks:
    sql_notifications.py)."""

    def feed_after(self, position: str | None) -> tuple[list[Event], str]:
        """Committed events after `position`, in commit order, and the position after them; None starts at
        the current end. A position may be read again: callers dedupe by (event_id, user)."""
        ...

    def notifier_position(self) -> str | None: ...

    def save_notifications(self, rows: list[Notification], position: str) -> None:
        """Store the rows not stored yet (by id), then move the cursor to `position`."""
        ...

    def inbox(self, user: str, unread_only: bool, reason: str | None, page: int, page_size: int) -> Inbox: ...

    def mark_read(self, user: str, ids: list[str] | None, at: dt.datetime) -> int:
        """Mark the user's notifications read (all when ids is None); idempotent; returns the unread left."""
        ...


class MailStore(Protocol):
    """The mail tables (user_settings, mail_log, mail_lease) the mailer and /settings use; every store implements
    it beside Store (embedded: mail_delta.py, Databricks: sql_mail.py)."""

    def email_enabled(self, user: str) -> bool:
        """Whether `user` gets notification mails (True until they turn it off)."""
        ...

    def set_email_enabled(self, user: str, enabled: bool, at: dt.datetime) -> None: ...

    def take_mail_lease(self, owner: str, now: dt.datetime, ttl: dt.timedelta) -> dt.datetime | None:
        """Take or renew the one mailer lease until now + ttl; None while another owner holds it unexpired, else
        when mailing first started (the first lease ever)."""
        ...

    def release_mail_lease(self, owner: str, now: dt.datetime) -> None: ...

    def mail_pending(self, since: dt.datetime) -> tuple[list[Notification], dict[tuple[str, str], dt.datetime]]:
        """Notifications created at or after `since` with no mail_log row (oldest first), and when the last mail
        since then went to each (user, item)."""
        ...

    def record_mail(self, rows: list[MailRecord]) -> None:
        """Add mail_log rows not stored yet (by notification id)."""
        ...


class TokenStore(Protocol):
    """API token records (api_tokens table); every store implements it beside Store."""

    def add_token(self, token: ApiToken) -> None: ...

    def find_token(self, token_hash: str) -> ApiToken | None:
        """The token with this hash, revoked or not (callers check .active)."""
        ...

    def list_tokens(self) -> list[ApiToken]: ...

    def revoke_token(self, token_id: str, revoked_by: str, at: dt.datetime) -> bool:
        """Mark the token revoked; False when no such active token."""
        ...
