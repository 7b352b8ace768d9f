"""Tickets blueprint and the list page: filters, search, sort and pagination held in the URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, request, url_for

from app.core.context import current_actor, services
from app.models import ItemType, Page
from app.services import state_machines as sm
from app.services.assignment import triage_assigner
from app.services.errors import ValidationError
from app.web.rendering import render, wants_fragment

bp = Blueprint("tickets", __name__)

FILTER_KEYS = ("view", "q", "type", "state", "platform", "assignee", "mine", "voted", "sort", "page_size", "page")
SORTS = (("-created_at", "Newest first"), ("created_at", "Oldest first"), ("-updated_at", "Recently updated"),
         ("-votes", "Most votes"), ("-priority", "Highest priority"), ("triage", "Triage order"))
PAGE_SIZES = (10, 25, 50, 100)


def list_params(args: Any) -> dict[str, str]:
    """The list's filter state from the query string: known keys only, blanks dropped."""
    params = {k: str(args.get(k, "")).strip() for k in FILTER_KEYS}
    params = {k: v for k, v in params.items() if v}
    if params.get("view") == "triage":
        params.setdefault("sort", "triage")
    return params


def _default(params: dict[str, str], key: str) -> str | None:
    """Values the URL may leave out because the list assumes them anyway."""
    if key == "sort":
        return "triage" if params.get("view") == "triage" else "-created_at"
    return {"page": "1", "page_size": "25"}.get(key)


def list_url(params: dict[str, str], **changes: Any) -> str:
    """/work-items with the given filter state (blank values dropped), for links and pushed history."""
    merged = {**params, **{k: str(v) for k, v in changes.items()}}
    query = urlencode([(k, merged[k]) for k in FILTER_KEYS if merged.get(k) and merged[k] != _default(merged, k)])
    return url_for("tickets.list_items") + (f"?{query}" if query else "")


def row_parts(page: Page) -> list[dict[str, Any]]:
    """The context of each list row's partial: its item (at one version) and its vote count."""
    votes = page.vote_counts
    return [{"item": item, "votes": votes.get(item.id, 0)} for item in page.items]


def _history_headers(params: dict[str, str]) -> dict[str, str]:
    """Fragments push their canonical URL (defaults and blanks left out), so back/forward walk the filters."""
    if not wants_fragment():  # a full page, or a history restore (wants_fragment says no to those too)
        return {}
    return {"HX-Push-Url": list_url(params)}


@bp.get("/")
def home() -> Response:
    return redirect(url_for("tickets.list_items"))


@bp.get("/work-items")
def list_items() -> Response:
    """Full page, or just the #results fragment when the filters ask for it via htmx."""
    params = list_params(request.args)
    context = {"params": params, "list_url": list_url, "row_parts": row_parts,
               "sorts": SORTS, "page_sizes": PAGE_SIZES,
               "type_options": [(t.value, t.label) for t in ItemType], "states": sm.all_states(),
               "platforms": services().config.platforms, "actor": current_actor(),
               "active_section": "tickets", "errors": {}, "page": None,
               "fragment": wants_fragment(), "assign_as": triage_assigner(current_actor(), params)}
    try:
        context["page"] = services().work_items.list(current_actor(), params)
    except ValidationError as exc:
        context["errors"] = exc.fields
        return render("work_items/list.html", "work_items/_rows.html", 422, **context)
    return render("work_items/list.html", "work_items/_rows.html", headers=_history_headers(params), **context)
