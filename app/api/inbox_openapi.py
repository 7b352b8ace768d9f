"""The OpenAPI description of the watcher and notification endpoints (merged into openapi.py's document)."""

from __future__ import annotations

from typing import Any

from app.models.notification import Reason

STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
READ, WRITE = "401 404", "400 401 403 404 413 415 422 429"
ITEM_ID = {"name": "item_id", "in": "path", "required": True, "schema": STR}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required or list(props),
            "additionalProperties": False}


SCHEMAS: dict[str, Any] = {
    "Watchers": _obj({"watchers": {"type": "array", "items": STR}, "watching": BOOL}),
    "Watching": _obj({"watching": BOOL}),
    "Notification": _obj({"id": STR, "item_id": STR, "item_key": STR, "event_type": STR, "summary": STR, "actor": STR,
                          "reason": {"type": "string", "enum": [r.value for r in Reason]}, "created_at": STR,
                          "read": BOOL}),
    "NotificationPage": _obj({"items": {"type": "array", "items": {"$ref": "#/components/schemas/Notification"}},
                              "unread": INT, "total": INT}),
    "MarkRead": {"oneOf": [_obj({"ids": {"type": "array", "items": {"type": "string", "minLength": 1,
                                                                         "maxLength": 64}, "maxItems": 500}}),
                           _obj({"all": {"const": True}})]},
    "Unread": _obj({"unread": INT}),
}


def paths(op: Any, query: Any, page: dict[str, Any], page_size: dict[str, Any]) -> dict[str, Any]:
    """The paths, built with openapi.py's own `_op` and `_query` helpers and its page parameters."""
    params = [query("unread", {"type": "string", "enum": ["", "0", "1", "true", "false"]}),
              query("reason", {"type": "string", "enum": ["", *[r.value for r in Reason]]}),
              query("page", page), query("page_size", page_size)]
    return {
        "/work-items/{item_id}/watchers": {"parameters": [ITEM_ID],
                                           "get": op("Who watches the item", "200", "Watchers", READ)},
        "/work-items/{item_id}/watch": {
            "parameters": [ITEM_ID],
            "post": op("Watch (idempotent); send {}", "200", "Watching", WRITE, body="Empty"),
            "delete": op("Stop watching (idempotent); send {}", "200", "Watching", WRITE, body="Empty"),
        },
        "/notifications": {"get": op("Your notifications, unread first", "200", "NotificationPage", "401 422",
                                     params=params)},
        "/notifications/read": {"post": op("Mark read: ids, or all", "200", "Unread", "400 401 413 415 422 429",
                                           body="MarkRead")},
    }
