"""Tickets blueprint and the list page: filters, search, sort and pagination held in the URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, request, url_for

from app.core.context import current_actor, services
from app.models import ItemType, Page
from app.services import clock
from app.services.assignment import triage_assigner
from app.services.errors import ValidationError
from app.services.list_query import state_choices
from app.services.validation import label
from app.web.rendering import render, wants_fragment
from app.web.times import relative

bp = Blueprint("tickets", __name__)

FILTER_KEYS = ("view", "q", "type", "state", "platform", "assignee", "reported", "assigned", "voted", "sort",
               "page_size", "page")
ACTIVE_FILTERS = ("q", "type", "state", "platform", "assignee", "reported", "assigned", "voted")  # "Filters (n)"
SORTS = (("-created_at", "Newest first"), ("created_at", "Oldest first"), ("-updated_at", "Recently updated"),
         ("updated_at", "Least recently updated"), ("-votes", "Most votes"), ("votes", "Fewest votes"),
         ("-priority", "Highest priority"), ("priority", "Lowest priority"), ("triage", "Triage order"))
# every direction a column header can ask for has its choice here, so the form always shows the sort in use
PAGE_SIZES = (10, 25, 50, 100)
bp.add_app_template_filter(relative, "ago")  # "3 h ago" from (moment, now): app/web/times.py


def list_params(args: Any) -> dict[str, str]:
    """The list's filter state from the query string: known keys only, blanks dropped; the old `mine=1`
    ("Mine", which meant reported by me) is read as `reported=1`, so saved links keep working."""
    params = {k: str(args.get(k, "")).strip() for k in FILTER_KEYS}
    if not params["reported"] and str(args.get("mine", "")).strip():
        params["reported"] = str(args.get("mine")).strip()
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


def column_sort(params: dict[str, str], field: str) -> dict[str, str]:
    """A sortable column header: its `aria-sort` now and the link that sorts by it (most/newest first, or
    the other way round when it already is), back on page 1."""
    current = params.get("sort") or _default(params, "sort") or ""
    if current.lstrip("-") != field:
        return {"aria": "none", "url": list_url(params, sort=f"-{field}", page=1)}
    descending = current.startswith("-")
    return {"aria": "descending" if descending else "ascending",
            "url": list_url(params, sort=field if descending else f"-{field}", page=1)}


def row_parts(page: Page) -> list[dict[str, Any]]:
    """The context of each list row's partial: its item (at one version), its vote count and the minute
    its relative times ("3 h ago") are counted from (part of the row's cache key, so they never go stale)."""
    votes = page.vote_counts
    now = clock.utcnow().replace(second=0, microsecond=0).isoformat()
    return [{"item": item, "votes": votes.get(item.id, 0), "now": now} for item in page.items]


def _history_headers(params: dict[str, str]) -> dict[str, str]:
    """Fragments push their canonical URL (defaults and blanks left out), so back/forward walk the filters."""
    if not wants_fragment():  # a full page, or a history restore (wants_fragment says no to those too)
        return {}
    return {"HX-Push-Url": list_url(params)}


def _stale_filters(args: Any, params: dict[str, str]) -> tuple[str, ...]:
    """Filter fields outside #results that a fragment answer must replace (out of band): after a link (a
    column header) the sort choice; after the type changed, or while the state field shows an error, the
    state choices (the form says which type they were built for). Fields with nothing new are left alone."""
    if not wants_fragment():
        return ()
    if "states_for" not in args:
        return ("sort",)
    stale = args.get("states_for", "") != params.get("type", "") or bool(args.get("state_error"))
    return ("state",) if stale else ()


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """`nav_counts()` for the layout: the caller's open items assigned to and reported by them."""
    return {"nav_counts": _nav_counts}


def _nav_counts() -> dict[str, int] | None:
    """The counts, or none when they cannot be read: the navigation is a convenience, and a failing read
    must not turn a page (or the error page explaining that very failure) into a 500."""
    try:
        return services().work_items.my_counts(current_actor())
    except Exception:  # noqa: BLE001 - any store failure; logged, the page is served without the counts
        current_app.logger.warning("navigation counts unavailable", exc_info=True)
        return None


@bp.get("/")
def home() -> Response:
    return redirect(url_for("tickets.list_items"))


@bp.get("/work-items")
def list_items() -> Response:
    """Full page, or just the #results fragment when the filters ask for it via htmx."""
    params = list_params(request.args)
    context = {"params": params, "list_url": list_url, "row_parts": row_parts, "column_sort": column_sort,
               "sorts": SORTS, "page_sizes": PAGE_SIZES,
               "type_options": [(t.value, t.label) for t in ItemType],
               "states": [(s, label(s)) for s in state_choices(params.get("type"))],
               "active_filters": sum(1 for k in ACTIVE_FILTERS if params.get(k)),
               "platforms": services().config.platforms, "actor": current_actor(),
               "active_section": "tickets", "errors": {}, "page": None,
               "fragment": wants_fragment(), "assign_as": triage_assigner(current_actor(), params),
               "stale_filters": _stale_filters(request.args, params)}
    try:
        context["page"] = services().work_items.list(current_actor(), params)
    except ValidationError as exc:
        context["errors"] = exc.fields
        return render("work_items/list.html", "work_items/_rows.html", 422, **context)
    return render("work_items/list.html", "work_items/_rows.html", headers=_history_headers(params), **context)
