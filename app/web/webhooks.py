"""Admin pages for outgoing webhooks: the list with a create form, delete, and one webhook's deliveries.

Every form works without JavaScript (a full page answers); with htmx the #webhooks section is swapped.
The secret of a new webhook is rendered in the answer to its creation only.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, request, url_for

from app.core.context import current_actor, services
from app.services.errors import ValidationError
from app.services.webhooks import EVENT_TYPES, ITEM_TYPES
from app.web.rendering import render

bp = Blueprint("webhooks", __name__)
PAGE, PART = "admin/webhooks.html", "admin/_webhooks.html"


def _context(values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
             created: Any = None, secret: str | None = None) -> dict[str, Any]:
    hooks = services().webhooks.list(current_actor())
    return {"hooks": hooks, "values": values or {"events": ["*"], "format": "json"}, "errors": errors or {},
            "created": created, "secret": secret, "event_types": EVENT_TYPES, "item_types": ITEM_TYPES,
            "platforms": services().config.platforms, "actor": current_actor()}


@bp.get("/admin/webhooks")
def index() -> Response:
    """Every active webhook and the form to add one (admins only)."""
    return render(PAGE, PART, **_context())


@bp.post("/admin/webhooks")
def create() -> Response:
    """Register a webhook from the form; the answer shows its secret once, or the form again with errors."""
    values = {"url": request.form.get("url", ""), "events": request.form.getlist("events"),
              "item_types": request.form.getlist("item_types"), "platforms": request.form.getlist("platforms"),
              "format": request.form.get("format", "json")}
    try:
        webhook, secret = services().webhooks.create(current_actor(), values)
    except ValidationError as exc:
        return render(PAGE, PART, 422, **_context(values, exc.fields))
    return render(PAGE, PART, 201, **_context(created=webhook, secret=secret))


@bp.post("/admin/webhooks/<webhook_id>/delete")
def delete(webhook_id: str) -> Response:
    """Delete a webhook, then show the list (303 without htmx, the fragment with it)."""
    services().webhooks.delete(current_actor(), webhook_id)
    if request.headers.get("HX-Request") == "true":
        return render(PAGE, PART, **_context())
    return redirect(url_for(".index"), 303)  # type: ignore[return-value]


@bp.get("/admin/webhooks/<webhook_id>")
def deliveries(webhook_id: str) -> Response:
    """The webhook's last 100 deliveries: status, attempts, next retry, error."""
    rows = services().webhooks.deliveries(current_actor(), webhook_id)
    return render("admin/webhook_deliveries.html", "admin/_webhook_deliveries.html", rows=rows,
                  webhook_id=webhook_id, actor=current_actor())
