"""The inbox use cases: a page of the caller's notifications, the unread count, marking read.

Each person sees only their own notifications. Marking read is idempotent (a notification already read keeps
the time it was first read) and safe under concurrency in both stores (notification_delta.py,
sql_notifications.py); who gets notified is decided by the notifier (notifier.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.models import Actor
from app.models.notification import Inbox, Reason
from app.services.clock import utcnow
from app.services.errors import Unauthenticated, ValidationError
from app.services.validation import whole_number

MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000
MAX_IDS = 500
REASONS = [r.value for r in Reason]


def _number(value: Any, default: int, name: str, most: int, errors: dict[str, str]) -> int:
    if value in (None, ""):
        return default
    number = whole_number(value)
    if number is None or not 1 <= number <= most:
        errors[name] = f"Must be a whole number from 1 to {most}."
        return default
    return number


class NotificationService:
    """The caller's inbox over a NotificationStore."""

    def __init__(self, store: Any, clock: Callable[[], Any] = utcnow) -> None:
        self.store = store
        self.clock = clock

    @staticmethod
    def _me(actor: Actor | None) -> Actor:
        if actor is None:
            raise Unauthenticated("Sign in to see your notifications.")
        return actor

    def inbox(self, actor: Actor | None, params: dict[str, Any]) -> Inbox:
        """Unread first, newest first; `unread` (1/true) keeps only unread ones, `reason` filters."""
        me = self._me(actor)
        errors: dict[str, str] = {}
        unread = str(params.get("unread") or "").lower()
        if unread not in ("", "0", "1", "true", "false"):
            errors["unread"] = "Use 1 for unread only, 0 (or leave it out) for all."
        reason = params.get("reason") or None
        if reason is not None and reason not in REASONS:
            errors["reason"] = f"Choose from: {', '.join(REASONS)}."
        page = _number(params.get("page"), 1, "page", MAX_PAGE, errors)
        size = _number(params.get("page_size"), 25, "page_size", MAX_PAGE_SIZE, errors)
        if errors:
            raise ValidationError(errors)
        return self.store.inbox(me.id, unread in ("1", "true"), reason, page, size)

    def unread_count(self, actor: Actor | None) -> int:
        """For the navigation badge: 0 when signed out."""
        return 0 if actor is None else self.store.inbox(actor.id, True, None, 1, 1).unread

    def mark_read(self, actor: Actor | None, ids: Any = None, everything: Any = False) -> int:
        """Mark some (`ids`) or all of the caller's notifications read; returns how many stay unread."""
        me = self._me(actor)
        if everything is not False and everything is not True:
            raise ValidationError({"all": "Must be true or false."})
        if everything and ids is not None:
            raise ValidationError({"ids": "Send either ids or all, not both."})
        if not everything:
            if not isinstance(ids, list) or not all(isinstance(i, str) and 0 < len(i) <= 64 for i in ids):
                raise ValidationError({"ids": "Must be a list of notification ids."})
            if len(ids) > MAX_IDS:
                raise ValidationError({"ids": f"At most {MAX_IDS} ids at once."})
        return self.store.mark_read(me.id, None if everything else ids, self.clock())
