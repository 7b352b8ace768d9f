"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json (checked by schemathesis)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from app.api import bp
from app.models import ItemType, Priority, Severity
from app.services.state_machines import all_states

STR, NSTR = {"type": "string"}, {"type": ["string", "null"]}
INT = {"type": "integer"}
TYPE_FIELDS = {"severity": {"type": ["string", "null"], "enum": [*(s.value for s in Severity), None]},
               "impact": NSTR, "problem": NSTR, "proposed_benefit": NSTR, "justification": NSTR,
               "needed_by": {"type": ["string", "null"], "format": "date"}}
COMMON = {"title": {"type": "string", "minLength": 3, "maxLength": 200}, "description": STR,
          "priority": {"type": "string", "enum": [p.value for p in Priority]}, "platform": NSTR,
          "assignee": {"type": ["string", "null"], "format": "email"}}
ITEM_PROPS = {"id": STR, "key": STR, "item_type": {"type": "string", "enum": [t.value for t in ItemType]},
              "state": STR, **COMMON, **TYPE_FIELDS, "created_at": STR, "created_by": STR,
              "updated_at": STR, "updated_by": STR, "version": INT}
COUNTS = {"vote_count": INT, "comment_count": INT}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: list[str] | None = None, closed: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, "required": required or list(props)}
    if closed:
        schema["additionalProperties"] = False
    return schema


SCHEMAS: dict[str, Any] = {
    "Item": _obj({**ITEM_PROPS, **COUNTS, "my_vote": {"type": "boolean"},
                  "allowed_transitions": {"type": "array", "items": STR}}),
    "ListItem": _obj({**ITEM_PROPS, **COUNTS}),
    "ItemPage": _obj({"items": {"type": "array", "items": _ref("ListItem")}, "page": INT, "page_size": INT,
                      "total": INT}),
    "NewItem": _obj({"item_type": ITEM_PROPS["item_type"], **COMMON, **TYPE_FIELDS},
                    ["item_type", "title"], closed=True),
    "ItemChanges": _obj({"expected_version": INT, **COMMON, **TYPE_FIELDS}, ["expected_version"], closed=True),
    "TransitionRequest": _obj({"to_state": {"type": "string", "enum": all_states()}, "expected_version": INT,
                               "note": NSTR}, ["to_state", "expected_version"], closed=True),
    "NewComment": _obj({"body": {"type": "string", "minLength": 1, "maxLength": 10000}}, closed=True),
    "Comment": _obj({"id": STR, "item_id": STR, "body": STR, "created_at": STR, "created_by": STR}),
    "CommentList": _obj({"items": {"type": "array", "items": _ref("Comment")}}),
    "Vote": _obj({"voted": {"type": "boolean"}, "vote_count": INT}),
    "Event": _obj({"event_id": STR, "item_id": STR, "seq": INT, "event_type": STR, "actor": STR,
                   "created_at": STR, "version": INT, "payload": {"type": "object"}}),
    "EventList": _obj({"items": {"type": "array", "items": _ref("Event")}}),
    "Error": _obj({"error": _obj({"code": STR, "message": STR, "details": {}})}),
}

ERRORS = {"400": "Malformed body or invalid transition", "401": "No identity, or a bad API token",
          "403": "Your role may not do this", "404": "No such item", "409": "Version conflict",
          "413": "Body too large", "415": "Body is not JSON", "422": "Field errors (details per field)",
          "429": "Rate limited (see Retry-After)"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _op(summary: str, ok: str, schema: str, errors: str, body: str | None = None,
        params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One operation: its success response, the error statuses it may answer, its body and parameters."""
    responses = {ok: {"description": summary, **_json(_ref(schema))}}
    responses.update({code: {"description": ERRORS[code], **_json(_ref("Error"))} for code in errors.split()})
    if ok == "201":
        responses[ok]["headers"] = {"Location": {"schema": STR, "description": "URL of the new item"}}
    op: dict[str, Any] = {"summary": summary, "responses": responses}
    if body:
        op["requestBody"] = {"required": True, **_json(_ref(body))}
    if params:
        op["parameters"] = params
    return op


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


LIST_PARAMS = [
    _query("type", {"type": "string", "enum": [t.value for t in ItemType]}),
    _query("state", {"type": "string", "enum": all_states()}),
    _query("platform", STR), _query("assignee", STR), _query("author", STR), _query("q", STR),
    _query("sort", {"type": "string", "enum": [p + f for f in ("created_at", "updated_at", "votes", "priority")
                                               for p in ("", "-")]}),
    _query("page", {"type": "integer", "minimum": 1}),
    _query("page_size", {"type": "integer", "minimum": 1, "maximum": 100}),
]
ITEM_ID = {"name": "item_id", "in": "path", "required": True, "schema": STR}
READ, WRITE = "401 404", "400 401 403 404 413 415 422 429"

PATHS = {
    "/work-items": {
        "get": _op("List work items", "200", "ItemPage", "401 422", params=LIST_PARAMS),
        "post": _op("Create a work item", "201", "Item", "400 401 403 413 415 422 429", body="NewItem"),
    },
    "/work-items/{item_id}": {
        "parameters": [ITEM_ID],
        "get": _op("One work item", "200", "Item", READ),
        "patch": _op("Change fields", "200", "Item", WRITE + " 409", body="ItemChanges"),
    },
    "/work-items/{item_id}/transition": {
        "parameters": [ITEM_ID],
        "post": _op("Change state", "200", "Item", WRITE + " 409", body="TransitionRequest"),
    },
    "/work-items/{item_id}/comments": {
        "parameters": [ITEM_ID],
        "get": _op("Comments, oldest first", "200", "CommentList", READ),
        "post": _op("Add a comment", "201", "Comment", WRITE, body="NewComment"),
    },
    "/work-items/{item_id}/vote": {
        "parameters": [ITEM_ID],
        "post": _op("Vote (idempotent)", "200", "Vote", WRITE),
        "delete": _op("Withdraw the vote (idempotent)", "200", "Vote", WRITE),
    },
    "/work-items/{item_id}/events": {
        "parameters": [ITEM_ID],
        "get": _op("Audit events, oldest first", "200", "EventList", READ),
    },
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "DeltaDesk API", "version": "1",
             "description": "Incidents, improvements and platform requests. Authenticate with "
                            "`Authorization: Bearer <token>`; writes take `Content-Type: application/json`."},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}, {}],
    "paths": PATHS,
    "components": {"schemas": SCHEMAS,
                   "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
}


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The machine-readable description of this API."""
    return jsonify(DOCUMENT)
