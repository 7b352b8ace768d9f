"""The inbox rows of every user in memory, indexed by user: what /inbox and the count badge read.

Shared by the embedded store (loaded from work_item_notifications and moved forward by its own writes).
Each user's list is kept newest first, with the unread count beside it, so one page of a user with 10 000
notifications is a filter and a slice, never a scan of other users' rows.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable

from app.models.notification import Inbox, Notification


def _order(n: Notification) -> tuple[float, str]:
    return (-n.created_at.timestamp(), n.id)


Bucket = tuple[str, str | None, bool]  # (user, reason or None for every reason, read)


class InboxIndex:
    """Notifications by id, and per user in four kinds of sorted buckets: (every reason | one reason) x
    (unread | read), newest first. A page is two slices; the unread count is a length."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.by_id: dict[str, Notification] = {}
        self.buckets: dict[Bucket, list[Notification]] = {}

    def replace(self, rows: Iterable[Notification]) -> None:
        with self.lock:
            self.__init__()  # type: ignore[misc]
            self.put(rows)

    @staticmethod
    def _keys(row: Notification) -> tuple[Bucket, Bucket]:
        return (row.user_email, None, row.read), (row.user_email, row.reason, row.read)

    def put(self, rows: Iterable[Notification]) -> None:
        """Add new rows and replace changed ones (a read mark)."""
        with self.lock:
            for row in rows:
                old = self.by_id.get(row.id)
                for key in self._keys(old) if old is not None else ():
                    listing = self.buckets[key]
                    del listing[bisect.bisect_left(listing, _order(old), key=_order)]
                for key in self._keys(row):
                    bisect.insort(self.buckets.setdefault(key, []), row, key=_order)
                self.by_id[row.id] = row

    def unread(self, user: str) -> int:
        return len(self.buckets.get((user, None, False), ()))

    def unread_of(self, user: str, ids: list[str] | None) -> list[Notification]:
        with self.lock:
            if ids is None:
                return list(self.buckets.get((user, None, False), ()))
            found = (self.by_id.get(i) for i in dict.fromkeys(ids))
            return [n for n in found if n is not None and n.user_email == user and not n.read]

    def page(self, user: str, unread_only: bool, reason: str | None, page: int, page_size: int) -> Inbox:
        """Unread first, newest first within each; filtered by reason when given."""
        with self.lock:
            fresh = self.buckets.get((user, reason, False), [])
            seen = [] if unread_only else self.buckets.get((user, reason, True), [])
            start = (page - 1) * page_size
            items = fresh[start:start + page_size]
            if len(items) < page_size and seen:
                begin = max(0, start - len(fresh))
                items += seen[begin:begin + page_size - len(items)]
            return Inbox(items, self.unread(user), len(fresh) + len(seen), page, page_size)
