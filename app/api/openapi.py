"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json (checked by schemathesis)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from app.api import bp, inbox_openapi
from app.core.context import services
from app.models import ItemType, Priority, Severity
from app.models.flags import FALSE_WORDS, TRUE_WORDS
from app.services.state_machines import all_states

STR, NSTR = {"type": "string"}, {"type": ["string", "null"]}
INT = {"type": "integer"}
# Text fields are checked after stripping whitespace (str.strip), so their length rules are patterns
# over the stripped text; SPACE lists exactly the characters str.isspace() accepts. Text may not hold
# control characters other than tab, newline and carriage return (CTRL, refused anywhere in the text),
# so WS is SPACE without them, NS any other allowed character and ANY any allowed character at all.
WS = "[\\t\\n\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
SPACE = WS[:-1] + "\\u000b\\u000c\\u001c-\\u001f]"
CTRL = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f"
NS = "[^" + CTRL + WS[1:]
ANY = "[^" + CTRL + "]"


def _stripped(low: int, high: int, nullable: bool = True) -> dict[str, Any]:
    """A string whose stripped length is between low and high (blank counts as absent when low is 0)."""
    if low >= 2:
        core = f"{NS}{ANY}{{{low - 2},{high - 2}}}{NS}"
    else:
        core = f"{NS}(?:{ANY}{{0,{high - 2}}}{NS})?"
        core = core if low == 1 else f"(?:{core})?"
    return {"type": ["string", "null"] if nullable else "string", "pattern": f"^{WS}*{core}{WS}*$"}


TITLE = _stripped(3, 200, nullable=False)
PRIORITY = {"type": "string", "enum": [p.value for p in Priority]}
SEVERITY = {"type": "string", "enum": [s.value for s in Severity]}
# Optional fields take null or a blank string for "not set", as HTML forms send them.
UNSET = {"enum": ["", None]}
EMAIL = {"anyOf": [{"type": "string", "format": "email", "maxLength": 320}, UNSET]}
DATE = {"anyOf": [{"type": "string", "format": "date"}, UNSET]}
DESCRIPTION = {"type": ["string", "null"], "maxLength": 20000, "pattern": f"^{ANY}*$"}  # markdown, kept as sent


def _text(limit: int) -> dict[str, Any]:
    return _stripped(0, limit)


TYPE_PROPS = {
    "incident": {"severity": SEVERITY, "impact": _text(2000)},
    "improvement": {"problem": _text(5000), "proposed_benefit": _text(5000)},
    "platform_request": {"justification": _text(5000),
                         "needed_by": {**DATE, "description": "When creating: today (UTC) or later, else 422; an "
                                                               "edit keeps a date that has passed since."}},
}
ITEM_PROPS = {"id": STR, "key": STR, "item_type": {"type": "string", "enum": [t.value for t in ItemType]},
              "state": STR, "title": STR, "description": STR, "priority": PRIORITY, "platform": NSTR,
              "assignee": NSTR, "severity": {"type": ["string", "null"]}, "impact": NSTR, "problem": NSTR,
              "proposed_benefit": NSTR, "justification": NSTR, "needed_by": NSTR, "created_at": STR,
              "created_by": STR, "updated_at": STR, "updated_by": STR, "version": INT}
COUNTS = {"vote_count": INT, "comment_count": INT}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: list[str] | None = None, closed: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, "required": required or list(props)}
    if closed:
        schema["additionalProperties"] = False
    return schema


def _new_item(item_type: str, platform: dict[str, Any], platform_required: bool) -> dict[str, Any]:
    """A create body for one type: its own fields only; incidents need severity, two types a platform."""
    optional_platform = {"type": ["string", "null"], "enum": [*platform["enum"], "", None]}
    props = {"item_type": {"const": item_type}, "title": TITLE, "description": DESCRIPTION,
             "priority": {**PRIORITY, "type": ["string", "null"], "enum": [*PRIORITY["enum"], "", None]},
             "platform": platform if platform_required else optional_platform,
             "assignee": EMAIL, **TYPE_PROPS[item_type]}
    required = ["item_type", "title"] + (["platform"] if platform_required else [])
    required += ["severity"] if item_type == "incident" else []
    return _obj(props, required, closed=True)


def schemas(platforms: list[str]) -> dict[str, Any]:
    """Component schemas; the platform list is the app's PLATFORMS setting."""
    platform = {"type": "string", "enum": list(platforms)}
    changes = {"expected_version": INT, "title": TITLE, "description": DESCRIPTION, "priority": PRIORITY,
               "platform": {**platform, "type": ["string", "null"], "enum": [*platforms, "", None]},
               "assignee": EMAIL, **{k: v for props in TYPE_PROPS.values() for k, v in props.items()}}
    return {
        "Item": _obj({**ITEM_PROPS, **COUNTS, "my_vote": {"type": "boolean"},
                      "allowed_transitions": {"type": "array", "items": STR}}),
        "ListItem": _obj({**ITEM_PROPS, **COUNTS}),
        "ItemPage": _obj({"items": {"type": "array", "items": _ref("ListItem")}, "page": INT, "page_size": INT,
                          "total": INT}),
        "NewItem": {"oneOf": [_new_item("incident", platform, True), _new_item("improvement", platform, False),
                              _new_item("platform_request", platform, True)]},
        "ItemChanges": _obj(changes, ["expected_version"], closed=True),
        "TransitionRequest": _obj({"to_state": {"type": "string", "enum": all_states()}, "expected_version": INT,
                                   "note": _text(10000)}, ["to_state", "expected_version"], closed=True),
        "NewComment": _obj({"body": _stripped(1, 10000, nullable=False)}, closed=True),
        "Empty": {"type": "object", "maxProperties": 0},
        "Comment": _obj({"id": STR, "item_id": STR, "body": STR, "created_at": STR, "created_by": STR}),
        "CommentList": _obj({"items": {"type": "array", "items": _ref("Comment")}}),
        "Vote": _obj({"voted": {"type": "boolean"}, "vote_count": INT}),
        "Event": _obj({"event_id": STR, "item_id": STR, "seq": INT, "event_type": STR, "actor": STR,
                       "created_at": STR, "version": INT, "payload": {"type": "object"}}),
        "EventList": _obj({"items": {"type": "array", "items": _ref("Event")}}),
        "Error": _obj({"error": _obj({"code": STR, "message": STR, "details": {}})}),
    }


ERRORS = {"400": "Malformed body or invalid transition", "401": "No identity, or a bad API token",
          "403": "Your role may not do this", "404": "No such item", "409": "Version conflict (code version_conflict)",
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


def _any_of_states() -> dict[str, Any]:
    """One state or a comma-separated list of them; blanks are ignored."""
    one = f"(?:{'|'.join(all_states())})?"
    return {"type": "string", "pattern": f"^{SPACE}*{one}{SPACE}*(?:,{SPACE}*{one}{SPACE}*)*$",
            "description": "With a `type`, only that type's states (422 otherwise: an improvement is never closed)"}


def _switch_words() -> str:
    """A switch word of app/models/flags.py in any case, blanks around it ignored (blank is off)."""
    words = "|".join("".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in w)
                     for w in (*TRUE_WORDS, *FALSE_WORDS) if w)
    return f"^{SPACE}*(?:{words})?{SPACE}*$"


# An empty query value means "not set" (what an HTML form sends for "any").
# Query numbers are ASCII digits as a form sends them ("15", not "15.0" or "+15"); empty means the default.
PAGE_NUMBER = {"type": "string", "pattern": "^(?:[1-9][0-9]{0,4}|100000)?$", "description": "1 to 100000"}
PAGE_SIZE = {"type": "string", "pattern": "^(?:[1-9][0-9]?|100)?$", "description": "1 to 100"}
FILTER = {"type": "string", "pattern": _stripped(0, 200)["pattern"]}  # a filter value: at most 200 characters
SEARCH = {"type": "string", "pattern": f"^{ANY}*$"}  # search text is cut to 200 characters
ME_FLAG = {"type": "string", "pattern": _switch_words(),  # reported/assigned: by or to the caller
           "description": "1 (or true, yes, on): only items the caller reported (`reported`) or is assigned "
                          "(`assigned`); the caller must be signed in (422 otherwise). 0, false or empty: all"}
SORTS = [p + f for f in ("created_at", "updated_at", "votes", "priority", "triage") for p in ("", "-")]
LIST_PARAMS = [
    _query("type", {"type": "string", "enum": ["", *(t.value for t in ItemType)]}),
    _query("state", _any_of_states()),
    _query("platform", FILTER), _query("assignee", FILTER), _query("author", FILTER), _query("q", SEARCH),
    _query("reported", ME_FLAG), _query("assigned", ME_FLAG),
    _query("sort", {"type": "string", "enum": ["", *SORTS]}),
    _query("page", PAGE_NUMBER),
    _query("page_size", PAGE_SIZE),
]
ITEM_ID = {"name": "item_id", "in": "path", "required": True, "schema": STR}
READ, WRITE = "401 404", "400 401 403 404 413 415 422 429"
BY_KEY = ("`item_id` may also be the item's key as people paste it (`INC-12`, `imp-7`, `REQ-030`): the item is "
          "served as is (no redirect, so clients need not follow one), and the `Content-Location` header names its "
          "canonical URL, by id. Every other operation on an item takes its id.")


def _by_key(op: dict[str, Any]) -> dict[str, Any]:
    """The read of one item: it also takes the key, and says where the item lives by id."""
    op["description"] = BY_KEY
    op["responses"]["200"]["headers"] = {"Content-Location": {
        "schema": STR, "description": "The item's canonical URL (by id); sent when it was asked for by key"}}
    return op


PATHS = {
    "/work-items": {
        "get": _op("List work items", "200", "ItemPage", "401 422", params=LIST_PARAMS),
        "post": _op("Create a work item", "201", "Item", "400 401 403 413 415 422 429", body="NewItem"),
    },
    "/work-items/{item_id}": {
        "parameters": [ITEM_ID],
        "get": _by_key(_op("One work item, by id or key", "200", "Item", READ)),
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
        "post": _op("Vote (idempotent); send {}", "200", "Vote", WRITE, body="Empty"),
        "delete": _op("Withdraw the vote (idempotent); send {}", "200", "Vote", WRITE, body="Empty"),
    },
    "/work-items/{item_id}/events": {
        "parameters": [ITEM_ID],
        "get": _op("Audit events, oldest first", "200", "EventList", READ),
    },
}
PATHS.update(inbox_openapi.paths(_op, _query, PAGE_NUMBER, PAGE_SIZE))  # watchers and notifications



def build_document(platforms: list[str]) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document for this app's settings."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "DeltaDesk API", "version": "1",
                 "description": "Incidents, improvements and platform requests. Authenticate with "
                                "`Authorization: Bearer <token>`; writes take `Content-Type: application/json`."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {}],
        "paths": PATHS,
        "components": {"schemas": {**schemas(platforms), **inbox_openapi.SCHEMAS, **webhook_schemas(platforms)},
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


from app.api.openapi_webhooks import WEBHOOK_PATHS, webhook_schemas  # noqa: E402  (it uses the helpers above)

PATHS.update(WEBHOOK_PATHS)  # the admin-only webhook operations


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The machine-readable description of this API."""
    return jsonify(build_document(services().config.platforms))
