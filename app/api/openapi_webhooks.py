"""The webhook part of the OpenAPI document (admins only): merged into app/api/openapi.py's paths and schemas."""

from __future__ import annotations

from typing import Any

from app.api.openapi import INT, NSTR, STR, _obj, _op, _ref
from app.models.webhook import FORMATS
from app.services.webhooks import EVENT_TYPES, ITEM_TYPES

WEBHOOK_ID = {"name": "webhook_id", "in": "path", "required": True, "schema": STR}
NAMES = {"type": "array", "items": STR, "maxItems": 20}


def webhook_schemas(platforms: list[str]) -> dict[str, Any]:
    """NewWebhook (the body of POST), Webhook (as listed), NewWebhookSecret (POST's answer) and the deliveries."""
    webhook = {"id": STR, "url": STR, "events": NAMES, "item_types": NAMES, "platforms": NAMES,
               "format": {"type": "string", "enum": list(FORMATS)}, "created_at": STR, "created_by": STR}
    events = {"type": "array", "minItems": 1, "items": {"type": "string", "enum": ["*", *EVENT_TYPES]}}
    body = {"url": {"type": "string", "format": "uri", "maxLength": 2000,
                    "description": "http or https; must resolve to a public address (or a WEBHOOK_ALLOWED_HOSTS host)"},
            "events": events, "item_types": {"type": "array", "items": {"type": "string", "enum": list(ITEM_TYPES)}},
            "platforms": {"type": "array", "items": {"type": "string", "enum": list(platforms)}},
            "format": {"type": "string", "enum": list(FORMATS)}}
    delivery = {"delivery_id": STR, "event_id": STR, "item_id": STR, "event_type": STR,
                "status": {"type": "string", "enum": ["pending", "delivered", "failed"]}, "attempts": INT,
                "status_code": {"type": ["integer", "null"]}, "next_retry_at": NSTR, "error": NSTR,
                "created_at": STR, "updated_at": STR}
    return {
        "NewWebhook": _obj(body, ["url", "events"], closed=True),
        "Webhook": _obj(webhook),
        "NewWebhookSecret": _obj({**webhook, "secret": {**STR, "description": "HMAC-SHA256 key; shown only here"}}),
        "WebhookList": _obj({"items": {"type": "array", "items": _ref("Webhook")}}),
        "DeliveryList": _obj({"items": {"type": "array", "items": _ref("Delivery")}}),
        "Delivery": _obj(delivery),
    }


ADMIN_READ, ADMIN_WRITE = "401 403", "400 401 403 413 415 422"


def _no_content(op: dict[str, Any]) -> dict[str, Any]:
    """A 204 answer has no body."""
    op["responses"]["204"] = {"description": op["summary"]}
    return op


WEBHOOK_PATHS: dict[str, Any] = {
    "/webhooks": {
        "get": _op("Active webhooks, without secrets (admins)", "200", "WebhookList", ADMIN_READ),
        "post": _op("Register a webhook; the answer holds its signing secret, shown once (admins)", "201",
                    "NewWebhookSecret", ADMIN_WRITE, body="NewWebhook"),
    },
    "/webhooks/{webhook_id}": {
        "parameters": [WEBHOOK_ID],
        "delete": _no_content(_op("Delete a webhook; send {} (admins)", "204", "Webhook", ADMIN_WRITE + " 404",
                                  body="Empty")),
    },
    "/webhooks/{webhook_id}/deliveries": {
        "parameters": [WEBHOOK_ID],
        "get": _op("The last 100 deliveries, newest first (admins)", "200", "DeliveryList", ADMIN_READ + " 404"),
    },
}
