"""Watchers and notifications over JSON: watch / unwatch an item, the caller's inbox, marking read."""

from __future__ import annotations

from flask import Response, jsonify, request

from app.api import bp
from app.api.parsing import actor, json_object
from app.core.context import services
from app.core.rate_limit import limit

PAGE_PARAMS = ("unread", "reason", "page", "page_size")


@bp.get("/work-items/<item_id>/watchers")
def watchers(item_id: str) -> Response:
    """Who watches the item, and whether the caller does."""
    return jsonify(services().watchers.view(actor(), item_id).to_dict())


@bp.post("/work-items/<item_id>/watch")
@limit("vote")
def watch(item_id: str) -> Response:
    """Watch the item; idempotent. The body, if any, is {}."""
    json_object((), optional=True)
    return jsonify({"watching": services().watchers.set_watching(actor(), item_id, True).watching})


@bp.delete("/work-items/<item_id>/watch")
@limit("vote")
def unwatch(item_id: str) -> Response:
    """Stop watching the item (also when watching implicitly: author, assignee...); idempotent."""
    json_object((), optional=True)
    return jsonify({"watching": services().watchers.set_watching(actor(), item_id, False).watching})


@bp.get("/notifications")
def notifications() -> Response:
    """The caller's notifications, unread first, newest first, one page."""
    params = {name: request.args.get(name) for name in PAGE_PARAMS if name in request.args}
    inbox = services().notifications.inbox(actor(), params)
    return jsonify({"items": [n.to_dict() for n in inbox.items], "unread": inbox.unread, "total": inbox.total})


@bp.post("/notifications/read")
@limit("vote")
def mark_read() -> Response:
    """Mark notifications read: {"ids": [...]} or {"all": true}; idempotent."""
    body = json_object(("ids", "all"))
    unread = services().notifications.mark_read(actor(), body.get("ids"), body.get("all", False))
    return jsonify({"unread": unread})
