"""The inbox page, marking notifications read, the unread badge, and the watch toggle on the detail page.

Writes answer fragments to htmx (the list plus the badge out of band; the watchers box) and 303 redirects to
plain forms, so everything works without JavaScript; CSRF is checked for every post (app/core/csrf.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, redirect, request, url_for

from app.core.context import current_actor, services
from app.core.rate_limit import limit
from app.models.flags import parse_flag
from app.services.notifications import REASONS
from app.services.watchers import WatchView
from app.web.rendering import render, render_fragment, wants_fragment

bp = Blueprint("inbox", __name__)
FILTERS = ("unread", "reason", "page")


def _filters(source: Any) -> dict[str, str]:
    return {k: str(source.get(k)) for k in FILTERS if source.get(k)}


def inbox_url(filters: dict[str, str], **changes: Any) -> str:
    """/inbox with these filters (a change of None drops the key)."""
    merged = {k: v for k, v in {**filters, **changes}.items() if v not in (None, "")}
    return url_for("inbox.inbox") + ("?" + urlencode(merged) if merged else "")


def _context(filters: dict[str, str]) -> dict[str, Any]:
    return {"inbox": services().notifications.inbox(current_actor(), filters), "filters": filters,
            "reasons": REASONS, "inbox_url": inbox_url, "active_section": "inbox"}


@bp.get("/inbox")
def inbox() -> Response:
    """The signed-in person's notifications: unread first, filter by reason, one page at a time."""
    filters = _filters(request.args)
    return render("inbox/inbox.html", "inbox/_inbox_list.html", **_context(filters))


@bp.post("/inbox/read")
@limit("vote")
def mark_read() -> Response:
    """Mark one (`id`) or all (`all=1`) read; back to the same filtered page."""
    filters = _filters(request.form)
    everything = parse_flag(request.form.get("all", "0"))
    ids = None if everything else request.form.getlist("id")
    services().notifications.mark_read(current_actor(), ids, everything)
    if not wants_fragment():
        return redirect(inbox_url(filters), 303)
    return render_fragment("inbox/_read_response.html", **_context(filters))


@bp.get("/inbox/count")
def count() -> Response:
    """The unread badge alone (htmx polls it)."""
    return render_fragment("_inbox_count.html")


@bp.post("/work-items/<item_id>/watch")
@limit("vote")
def watch(item_id: str) -> Response:
    """Watch (watching=1) or stop watching (watching=0) the item; the watchers box updates in place."""
    view = services().watchers.set_watching(current_actor(), item_id, parse_flag(request.form.get("watching", "1")))
    if not wants_fragment():
        return redirect(url_for("tickets.detail", item_id=item_id), 303)
    return render_fragment("work_items/_watchers.html", item_id=item_id, watch=view)


def _unread_count() -> int:
    return services().notifications.unread_count(current_actor())


def _watch_view(item_id: str) -> WatchView:
    return services().watchers.view(current_actor(), item_id)


def register_inbox(app: Flask) -> None:
    """The blueprint, and the two template helpers the layout's badge and the detail page's watchers box use
    (they sit in shared templates whose routes do not know about the inbox)."""
    app.register_blueprint(bp)
    app.jinja_env.globals["inbox_unread"] = _unread_count
    app.jinja_env.globals["watch_view"] = _watch_view
