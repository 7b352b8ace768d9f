"""Outgoing webhooks over JSON (admins only): create (the secret is in this answer only), list, delete,
and the last 100 deliveries of one webhook."""

from __future__ import annotations

from flask import Response, jsonify, url_for

from app.api import bp
from app.api.parsing import actor, json_object
from app.core.context import services

FIELDS = ("url", "events", "item_types", "platforms", "format")


@bp.post("/webhooks")
def create_webhook() -> tuple[Response, int, dict[str, str]]:
    """Register a webhook; 201 with it and its signing secret (shown this once)."""
    webhook, secret = services().webhooks.create(actor(), json_object(FIELDS))
    location = url_for(".webhook_deliveries", webhook_id=webhook.id)
    return jsonify({**webhook.public(), "secret": secret}), 201, {"Location": location}


@bp.get("/webhooks")
def list_webhooks() -> Response:
    """Active webhooks, oldest first, without their secrets."""
    return jsonify({"items": [w.public() for w in services().webhooks.list(actor())]})


@bp.delete("/webhooks/<webhook_id>")
def delete_webhook(webhook_id: str) -> tuple[str, int]:
    """Stop delivering to a webhook (204); 404 when there is no such active webhook."""
    services().webhooks.delete(actor(), webhook_id)
    return "", 204


@bp.get("/webhooks/<webhook_id>/deliveries")
def webhook_deliveries(webhook_id: str) -> Response:
    """The webhook's last 100 deliveries, newest first: status, attempts, next retry, error."""
    rows = services().webhooks.deliveries(actor(), webhook_id)
    return jsonify({"items": [d.public() for d in rows]})
