"""Detail page and its writes: vote, comment, transition, edit. Writes answer fragments to htmx, redirects otherwise."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for

from app.core.context import current_actor, services
from app.core.rate_limit import limit
from app.models.flags import parse_flag
from app.models.work_item import ALL_TYPE_FIELDS, COMMON_FIELDS, TYPE_FIELDS, Priority, Severity
from app.services.errors import ValidationError
from app.web.rendering import render, render_fragment, wants_fragment
from app.web.tickets import bp
from app.web.timeline import entry_parts, merge_timeline

EDIT_FIELDS = COMMON_FIELDS + ALL_TYPE_FIELDS


def blank_forms() -> dict[str, dict[str, Any]]:
    """What the detail page's forms show before anything was typed."""
    return {"comment": {"body": "", "errors": {}}, "transition": {"to_state": "", "note": "", "errors": {}},
            "edit": {"values": {}, "errors": {}}}


def detail_context(item_id: str, forms: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Everything detail.html and its partials need, from one service read."""
    detail = services().work_items.detail(item_id, current_actor())
    return {"detail": detail, "view": detail.view, "item": detail.item, "actor": current_actor(),
            "timeline": merge_timeline(detail.events, detail.comments), "entry_parts": entry_parts,
            "forms": {**blank_forms(), **(forms or {})}, "type_fields": TYPE_FIELDS[detail.item.item_type],
            "platforms": services().config.platforms, "priorities": [p.value for p in Priority],
            "severities": [s.value for s in Severity], "active_section": "tickets"}


@bp.get("/work-items/<item_id>")
def detail(item_id: str) -> Response:
    """The whole detail page (htmx partial requests get the #item-main fragment). A key (INC-12) answers a
    permanent redirect to the item's id URL, the one canonical address of the page."""
    context = detail_context(item_id)
    if context["item"].id != item_id:
        return redirect(url_for("tickets.detail", item_id=context["item"].id), 301)
    return render("work_items/detail.html", "work_items/_item.html", **context)


def after_write(item_id: str, main: str, status: int = 200,
                forms: dict[str, dict[str, Any]] | None = None) -> Response:
    """htmx: the changed fragment plus out-of-band timeline; plain posts: redirect (or the page with errors)."""
    if not wants_fragment():
        if status < 400:
            return redirect(url_for("tickets.detail", item_id=item_id), 303)
        return render("work_items/detail.html", "work_items/_item.html", status, **detail_context(item_id, forms))
    return render_fragment("work_items/_write_response.html", status, main=main,
                           **detail_context(item_id, forms))


@bp.post("/work-items/<item_id>/vote")
@limit("vote")
def vote(item_id: str) -> Response:
    """Cast or withdraw the caller's vote; the count updates in place and wherever else it is shown, and the
    timeline (out of band) shows the vote or its withdrawal at once, as after every other write."""
    wanted = parse_flag(request.form.get("voted", "1"))
    voted, count = services().work_items.vote(current_actor(), item_id, wanted)
    if not wants_fragment():
        return redirect(url_for("tickets.detail", item_id=item_id), 303)
    return render_fragment("work_items/_vote_response.html", **detail_context(item_id), item_id=item_id,
                           voted=voted, vote_count=count, can_vote=True)  # the service just accepted this vote


@bp.post("/work-items/<item_id>/comments")
@limit("comment")
def comment(item_id: str) -> Response:
    """Append a comment; on bad input the form comes back with the text kept and the message beside it."""
    body = request.form.get("body", "")
    try:
        services().work_items.comment(current_actor(), item_id, body)
    except ValidationError as exc:
        forms = {"comment": {"body": body, "errors": exc.fields}}
        return after_write(item_id, "work_items/_comment_form.html", 422, forms)
    return after_write(item_id, "work_items/_comment_form.html")


@bp.post("/work-items/<item_id>/transition")
@limit("transition")
def transition(item_id: str) -> Response:
    """Move the item to another state (the 409 conflict modal comes from the central error handler)."""
    form = request.form
    to_state, note = form.get("to_state", ""), form.get("note", "")
    try:
        services().work_items.transition(current_actor(), item_id, to_state, form.get("expected_version"), note)
    except ValidationError as exc:
        forms = {"transition": {"to_state": to_state, "note": note, "errors": exc.fields}}
        return after_write(item_id, "work_items/_item.html", 422, forms)
    return after_write(item_id, "work_items/_item.html")


@bp.post("/work-items/<item_id>/edit")
@limit("transition")
def edit(item_id: str) -> Response:
    """Triager (or author) edit of fields; only the fields present in the form are sent to the service."""
    changes = {name: request.form[name] for name in EDIT_FIELDS if name in request.form}
    try:
        services().work_items.update(current_actor(), item_id, request.form.get("expected_version"), changes)
    except ValidationError as exc:
        forms = {"edit": {"values": changes, "errors": exc.fields}}
        return after_write(item_id, "work_items/_item.html", 422, forms)
    return after_write(item_id, "work_items/_item.html")
