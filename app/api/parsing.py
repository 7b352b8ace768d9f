"""Request parsing for the API: JSON object bodies with known keys, the caller, list parameters."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask import request

from app.api.errors import MalformedRequest
from app.core.context import current_actor, services
from app.models import Actor
from app.services.errors import ValidationError
from app.services.work_items import WorkItemService

LIST_PARAMS = ("type", "platform", "assignee", "author", "reported", "assigned", "q", "sort", "page", "page_size")


def json_object(allowed: Iterable[str], optional: bool = False) -> dict[str, Any]:
    """The body as a JSON object; 400 when it is not one, 422 naming each unknown key.
    With `optional`, an empty body counts as {}."""
    raw = request.get_data(cache=True)
    if optional and not raw.strip():
        return {}
    if not raw.strip():
        raise MalformedRequest("The request body must be a JSON object.")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise MalformedRequest(f"The request body is not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise MalformedRequest(f"The request body must be a JSON object, not {type(data).__name__}.")
    known = set(allowed)
    unknown = {key[:100]: "Unknown field." for key in data if key not in known}
    if unknown:
        raise ValidationError(unknown, "The body has fields this endpoint does not accept.")
    return data


def expected_version(body: dict[str, Any]) -> Any:
    """`expected_version` from a JSON body: a JSON integer (HTML forms may send digits; JSON may not)."""
    value = body.pop("expected_version", None)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError({"expected_version": "Must be a whole number: the version you last saw."})
    return value


def list_params() -> dict[str, Any]:
    """Query parameters of the list endpoint; `state` may repeat or be comma-separated."""
    params: dict[str, Any] = {name: request.args.get(name) for name in LIST_PARAMS if name in request.args}
    if "state" in request.args:
        params["state"] = ",".join(request.args.getlist("state"))
    return params


def actor() -> Actor | None:
    return current_actor()


def work_items() -> WorkItemService:
    return services().work_items
