"""Administration of the store itself: what it set aside and why (admins only)."""

from __future__ import annotations

from app.models import Actor, QuarantinedRow, Role
from app.services.errors import Forbidden, Unauthenticated
from app.store.base import Store


class AdminService:
    """Reads for people who keep the store healthy; every call needs the admin role."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def quarantined(self, actor: Actor | None) -> list[QuarantinedRow]:
        """Table rows the store could not apply (another writer's malformed event, say), newest first. They
        are kept out of every page and count; fixing one means appending a corrected event, since the audit
        table is append-only."""
        if actor is None:
            raise Unauthenticated("Sign in as an admin to see quarantined rows.")
        if actor.role < Role.ADMIN:
            raise Forbidden(f"Your role ({actor.role.label}) may not see quarantined rows; it needs admin.")
        return self.store.quarantined()
