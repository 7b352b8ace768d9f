"""The /settings use cases: a signed-in person's mail preference, read and changed (user_settings table)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from app.models import Actor
from app.models.flags import flag_or_none
from app.services.clock import utcnow
from app.services.errors import Unauthenticated, ValidationError


@dataclasses.dataclass(frozen=True, slots=True)
class SettingsView:
    """What /settings shows: the person's choice, and whether this deployment sends mail at all."""

    user: str
    email_enabled: bool
    mail_configured: bool


class SettingsService:
    """Each person reads and changes only their own settings."""

    def __init__(self, store: Any, mail_configured: bool, clock: Callable[[], Any] = utcnow) -> None:
        self.store = store
        self.mail_configured = mail_configured
        self.clock = clock

    @staticmethod
    def _me(actor: Actor | None) -> Actor:
        if actor is None:
            raise Unauthenticated("Sign in to see your settings.")
        return actor

    def view(self, actor: Actor | None) -> SettingsView:
        me = self._me(actor)
        return SettingsView(me.id, self.store.email_enabled(me.id), self.mail_configured)

    def set_email(self, actor: Actor | None, value: Any) -> SettingsView:
        """Turn notification mails on or off (`value`: 1/0, on/off, true/false); idempotent."""
        me = self._me(actor)
        enabled = flag_or_none(str(value)) if value is not None else None
        if enabled is None:
            raise ValidationError({"email": "Choose on (1) or off (0)."})
        if enabled != self.store.email_enabled(me.id):
            self.store.set_email_enabled(me.id, enabled, self.clock())
        return SettingsView(me.id, enabled, self.mail_configured)
