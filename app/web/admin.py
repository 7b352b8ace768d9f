"""Admin pages: the rows the store quarantined."""

from __future__ import annotations

from flask import Blueprint, Response

from app.core.context import current_actor, services
from app.web.rendering import render

bp = Blueprint("admin", __name__)


@bp.get("/admin/quarantine")
def quarantine() -> Response:
    """Every row the store set aside, with the reason (admins only)."""
    rows = services().admin.quarantined(current_actor())
    return render("admin/quarantine.html", "admin/_quarantine.html", rows=rows, actor=current_actor())
