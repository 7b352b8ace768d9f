"""The body of one delivery: DeltaDesk JSON, or a Slack incoming-webhook message linking the item."""

from __future__ import annotations

import json
from typing import Any

from app.models import Event, WorkItem
from app.models.webhook import Webhook

VERBS = {"created": "created", "updated": "updated", "state_changed": "moved", "commented": "commented on",
         "voted": "voted for", "unvoted": "withdrew a vote from"}


def item_link(public_url: str, item_id: str) -> str:
    return f"{public_url.rstrip('/')}/work-items/{item_id}"


def body_for(webhook: Webhook, delivery_id: str, event: Event, item: WorkItem | None, public_url: str) -> bytes:
    """The raw bytes POSTed (and signed): the same for every attempt of one delivery."""
    if webhook.format == "slack":
        return json.dumps(_slack(event, item, public_url)).encode()
    data: dict[str, Any] = {
        "delivery_id": delivery_id,
        "event": {"event_id": event.event_id, "event_type": event.event_type, "actor": event.created_by,
                  "created_at": event.created_at.isoformat(), "version": event.version, "payload": event.payload},
        "item": item.to_dict() if item else None,
    }
    return json.dumps(data, default=str, sort_keys=True).encode()


def _slack(event: Event, item: WorkItem | None, public_url: str) -> dict[str, str]:
    """Slack's mrkdwn link <url|text>; the item's title has Slack's three control characters escaped."""
    title = (item.title if item else event.item_id).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    key = item.key if item else ""
    verb = VERBS.get(event.event_type, event.event_type)
    extra = ""
    if event.event_type == "state_changed":
        extra = f" to {event.payload.get('to', '?')}"
    text = f"{event.created_by} {verb} <{item_link(public_url, event.item_id)}|{key} {title}>{extra}"
    return {"text": text}
