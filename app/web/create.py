"""Create page (type-specific fields swapped in by type) and the server-rendered markdown preview."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for

from app.core.context import current_actor, services
from app.core.rate_limit import limit
from app.models import ItemType
from app.models.work_item import ALL_TYPE_FIELDS, COMMON_FIELDS, TYPE_FIELDS, Priority, Severity
from app.services.errors import ValidationError
from app.services.permissions import WRITE_ROLE
from app.services.validation import platform_required
from app.web.rendering import render, render_fragment
from app.web.tickets import bp

FORM_FIELDS = ("item_type",) + COMMON_FIELDS + ALL_TYPE_FIELDS
PREVIEWABLE = ("description", "body", "note")


def form_context(values: dict[str, Any], errors: dict[str, str] | None = None,
                 preview: Any = None) -> dict[str, Any]:
    """What new.html and _form.html need: the typed values, per-field errors, choices."""
    item_type = values.get("item_type") if values.get("item_type") in [t.value for t in ItemType] else "incident"
    return {"values": {**values, "item_type": item_type}, "errors": errors or {}, "preview": preview,
            "item_types": list(ItemType), "type_fields": TYPE_FIELDS[item_type],
            "platforms": services().config.platforms, "platform_required": platform_required(item_type),
            "priorities": [p.value for p in Priority],
            "severities": [s.value for s in Severity], "actor": current_actor(), "active_section": "tickets",
            "can_create": services().work_items.create_permissions(current_actor()).can_create,
            "create_role": WRITE_ROLE.label}


def _typed(source: Any) -> dict[str, str]:
    return {name: source.get(name, "") for name in FORM_FIELDS if name in source}


@bp.get("/work-items/new")
def new() -> Response:
    """The empty form; `?item_type=` (or a no-JS type switch) pre-selects the type and keeps typed values."""
    return render("work_items/new.html", "work_items/_form.html", **form_context(_typed(request.args)))


@bp.post("/work-items/new")
@limit("create")
def create() -> Response:
    """Create the item and go to it; a 422 re-renders the form with every typed value kept."""
    values = _typed(request.form)
    if request.form.get("preview_of") == "description":  # the no-JS preview button
        return nojs_preview(values)
    if request.form.get("show_type_fields"):  # the no-JS type switch: a POST, so nothing typed lands in a URL
        return render("work_items/new.html", "work_items/_form.html", **form_context(values))
    data = {k: v for k, v in values.items() if k == "item_type" or k in COMMON_FIELDS
            or k in TYPE_FIELDS.get(values.get("item_type", ""), ())}
    try:
        item = services().work_items.create(current_actor(), data)
    except ValidationError as exc:
        return render("work_items/new.html", "work_items/_form.html", 422, **form_context(values, exc.fields))
    target = url_for("tickets.detail", item_id=item.id)
    if request.headers.get("HX-Request") == "true":
        response = Response(status=201, headers={"HX-Redirect": target})
        return response
    return redirect(target, 303)


def nojs_preview(values: dict[str, str]) -> Response:
    """The create form again, with the description rendered below it (or its error beside it)."""
    try:
        html = services().work_items.preview(current_actor(), "description", values.get("description", ""))
    except ValidationError as exc:
        return render("work_items/new.html", "work_items/_form.html", 422, **form_context(values, exc.fields))
    return render("work_items/new.html", "work_items/_form.html", **form_context(values, preview=html))


@bp.post("/preview")
@limit("comment")
def preview() -> Response:
    """Sanitized HTML of the markdown in the named field (description, body or note); signed-in callers only,
    counted like comments, capped at the field's length (422 with the message in the preview slot)."""
    field = request.form.get("preview_of", "")
    if field not in PREVIEWABLE:
        field = "description"
    try:
        html = services().work_items.preview(current_actor(), field, request.form.get(field, ""))
    except ValidationError as exc:
        return render_fragment("work_items/_preview.html", 422, preview=None, error=exc.fields.get(field),
                               field=field)
    return render_fragment("work_items/_preview.html", preview=html, field=field)
