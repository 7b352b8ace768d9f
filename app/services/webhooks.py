"""Managing outgoing webhooks (admins only): create with a one-time secret, list, delete, read deliveries.

The secret is stored so that the dispatcher can sign each body (webhook_delivery.py); it is returned by
create() once and never again: listings show everything else.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from app.models import Actor, EventType, ItemType, Role
from app.models.webhook import FORMATS, Delivery, Webhook
from app.services.clock import new_id, utcnow
from app.services.errors import Forbidden, NotFound, Unauthenticated, ValidationError
from app.services.ssrf import UnsafeUrl, check_url
from app.services.webhook_settings import WebhookSettings
from app.store.webhook_base import WebhookStore

EVENT_TYPES = tuple(t.value for t in EventType)
ITEM_TYPES = tuple(t.value for t in ItemType)
SECRET_PREFIX = "whsec_"
DELIVERIES_SHOWN = 100


def require_admin(actor: Actor | None) -> Actor:
    if actor is None:
        raise Unauthenticated("Managing webhooks needs an admin identity.")
    if actor.role < Role.ADMIN:
        raise Forbidden(f"Your role ({actor.role.label}) may not manage webhooks; it needs admin.")
    return actor


def _names(data: dict[str, Any], field: str, allowed: tuple[str, ...], errors: dict[str, str],
           wildcard: bool = False, required: bool = False) -> tuple[str, ...]:
    """A list of names, each one of `allowed` (or ["*"] when `wildcard`); duplicates dropped."""
    raw = data.get(field)
    if raw is None and not required:
        return ()
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw) or (required and not raw):
        errors[field] = f"Give a {'non-empty ' if required else ''}list of: {', '.join(allowed)}."
        return ()
    if wildcard and raw == ["*"]:
        return ("*",)
    unknown = [v for v in raw if v not in allowed]
    if unknown:
        errors[field] = f"Unknown {', '.join(repr(v[:40]) for v in unknown[:5])}; choose from: {', '.join(allowed)}."
    return tuple(dict.fromkeys(raw))


class WebhookService:
    """Create, list and delete webhooks and read their deliveries, over `store.webhooks`."""

    def __init__(self, store: WebhookStore, settings: WebhookSettings, platforms: list[str],
                 clock: Callable[[], Any] = utcnow) -> None:
        self.store = store
        self.settings = settings
        self.platforms = tuple(platforms)
        self.clock = clock

    def create(self, actor: Actor | None, data: Any) -> tuple[Webhook, str]:
        """A new webhook from {url, events, item_types?, platforms?, format?}; returns it and its secret."""
        admin = require_admin(actor)
        body = data if isinstance(data, dict) else {}
        errors: dict[str, str] = {} if isinstance(data, dict) else {"body": "Send a JSON object."}
        url = body.get("url")
        try:
            check_url(url, self.settings.allowed_hosts)
        except UnsafeUrl as exc:
            errors["url"] = str(exc)
        events = _names(body, "events", EVENT_TYPES, errors, wildcard=True, required=True)
        item_types = _names(body, "item_types", ITEM_TYPES, errors)
        platforms = _names(body, "platforms", self.platforms, errors)
        fmt = body.get("format", "json")
        if fmt not in FORMATS:
            errors["format"] = f"Choose one of: {', '.join(FORMATS)}."
        if errors:
            raise ValidationError(errors)
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        webhook = Webhook(id=new_id(), url=str(url).strip(), events=events, item_types=item_types,
                          platforms=platforms, format=str(fmt), secret=secret, created_at=self.clock(),
                          created_by=admin.id)
        self.store.add_webhook(webhook)
        return webhook, secret

    def list(self, actor: Actor | None) -> list[Webhook]:
        require_admin(actor)
        return self.store.list_webhooks()

    def delete(self, actor: Actor | None, webhook_id: str) -> None:
        """Delete an active webhook: nothing more is queued for it, and its pending deliveries are dropped."""
        admin = require_admin(actor)
        if not self.store.delete_webhook(str(webhook_id), admin.id, self.clock()):
            raise NotFound(f"No webhook with id {str(webhook_id)[:64]!r}.")

    def deliveries(self, actor: Actor | None, webhook_id: str) -> list[Delivery]:
        """The webhook's last 100 deliveries, newest first."""
        require_admin(actor)
        if not any(w.id == webhook_id for w in self.store.list_webhooks()):
            raise NotFound(f"No webhook with id {str(webhook_id)[:64]!r}.")
        return self.store.deliveries_for(str(webhook_id), DELIVERIES_SHOWN)
