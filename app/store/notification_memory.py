"""The inbox rows of every user in memory, indexed by user: what /inbox and the count badge read.

Shared by the embedded store (loaded from work_item_notifications and moved forward by its own writes).
Each user's list is kept newest first, with the unread count beside it, so one page of a user with 10 000
notifications is a filter and a slice, never a scan of other users' rows.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import threading
from collections.abc import Iterable

from app.models.notification import Inbox, Notification


def _order(n: Notification) -> tuple[float, str]:
    return (-n.created_at.timestamp(), n.id)


class InboxIndex:
    """Notifications by id and by user (newest first), with per-user unread counts."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.by_id: dict[str, Notification] = {}
        self.by_user: dict[str, list[Notification]] = {}
        self.unread: dict[str, int] = {}

    def replace(self, rows: Iterable[Notification]) -> None:
        with self.lock:
            self.__init__()  # type: ignore[misc]
            self.put(rows)

    def put(self, rows: Iterable[Notification]) -> None:
        """Add new rows and replace changed ones (a read mark)."""
        with self.lock:
            for row in rows:
                old = self.by_id.get(row.id)
                listing = self.by_user.setdefault(row.user_email, [])
                if old is not None:
                    del listing[bisect.bisect_left(listing, _order(old), key=_order)]
                    self.unread[old.user_email] -= 0 if old.read else 1
                bisect.insort(listing, row, key=_order)
                self.by_id[row.id] = row
                self.unread[row.user_email] = self.unread.get(row.user_email, 0) + (0 if row.read else 1)

    def unread_of(self, user: str, ids: list[str] | None) -> list[Notification]:
        with self.lock:
            if ids is None:
                return [n for n in self.by_user.get(user, ()) if not n.read]
            found = (self.by_id.get(i) for i in dict.fromkeys(ids))
            return [n for n in found if n is not None and n.user_email == user and not n.read]

    def mark(self, rows: list[Notification], at: dt.datetime) -> None:
        self.put(dataclasses.replace(n, read_at=at) for n in rows)

    def page(self, user: str, unread_only: bool, reason: str | None, page: int, page_size: int) -> Inbox:
        """Unread first, newest first within each; filtered by reason when given."""
        with self.lock:
            listing = self.by_user.get(user, [])
            unread = self.unread.get(user, 0)
            chosen = listing if reason is None else [n for n in listing if n.reason == reason]
            fresh = [n for n in chosen if not n.read]
            ordered = fresh if unread_only else fresh + [n for n in chosen if n.read]
        start = (page - 1) * page_size
        return Inbox(ordered[start:start + page_size], unread, len(ordered), page, page_size)
