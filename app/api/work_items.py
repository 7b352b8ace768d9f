"""Work items over JSON: list, create, read, edit (PATCH) and transition."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for

from app.api import bp
from app.api.parsing import actor, expected_version, json_object, list_params, work_items
from app.core.rate_limit import limit
from app.models import Page
from app.models.work_item import ALL_TYPE_FIELDS, COMMON_FIELDS

CREATE_FIELDS = ("item_type", *COMMON_FIELDS, *ALL_TYPE_FIELDS)
PATCH_FIELDS = ("expected_version", *COMMON_FIELDS, *ALL_TYPE_FIELDS, "state")
TRANSITION_FIELDS = ("to_state", "expected_version", "note")


def item_json(item_id: str) -> dict[str, Any]:
    """The item as the caller sees it (counts, their vote, allowed transitions)."""
    return work_items().get(item_id, actor()).to_dict()


def page_json(page: Page) -> dict[str, Any]:
    items = [{**item.to_dict(), "vote_count": page.vote_counts.get(item.id, 0),
              "comment_count": page.comment_counts.get(item.id, 0)} for item in page.items]
    return {"items": items, "page": page.page, "page_size": page.page_size, "total": page.total}


@bp.get("/work-items")
def list_items() -> Response:
    """Filtered, sorted, paginated items."""
    return jsonify(page_json(work_items().list(actor(), list_params())))


@bp.post("/work-items")
@limit("create")
def create_item() -> tuple[Response, int, dict[str, str]]:
    """Create an item in its type's initial state; 201 with the item and its Location."""
    item = work_items().create(actor(), json_object(CREATE_FIELDS))
    location = url_for(".get_item", item_id=item.id)
    return jsonify(item_json(item.id)), 201, {"Location": location}


@bp.get("/work-items/<item_id>")
def get_item(item_id: str) -> tuple[Response, dict[str, str]]:
    """The item by id, or by key (INC-12) served as is, with Content-Location naming its id URL."""
    data = item_json(item_id)
    canonical = url_for(".get_item", item_id=data["id"])
    return jsonify(data), ({"Content-Location": canonical} if data["id"] != item_id else {})


@bp.patch("/work-items/<item_id>")
@limit("transition")
def update_item(item_id: str) -> Response:
    """Change fields; `expected_version` guards against overwriting someone else's change (409)."""
    body = json_object(PATCH_FIELDS)
    item = work_items().update(actor(), item_id, expected_version(body), body)
    return jsonify(item_json(item.id))


@bp.post("/work-items/<item_id>/transition")
@limit("transition")
def transition_item(item_id: str) -> Response:
    """Move the item along its workflow (400 with the allowed transitions when not possible)."""
    body = json_object(TRANSITION_FIELDS)
    item = work_items().transition(actor(), item_id, body.get("to_state"), expected_version(body), body.get("note"))
    return jsonify(item_json(item.id))
