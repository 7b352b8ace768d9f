"""The signed-in person's settings page: "Email me about notifications" on or off.

A plain form (CSRF token, 303 back to the page) that htmx upgrades: the box saves on change and the section
#email-settings is swapped in place.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request, url_for

from app.core.context import current_actor, services
from app.core.rate_limit import limit
from app.web.rendering import render, render_fragment, wants_fragment

bp = Blueprint("settings", __name__)


@bp.get("/settings")
def page() -> Response:
    """The caller's settings (sign in first)."""
    view = services().settings.view(current_actor())
    return render("settings/settings.html", "settings/_email.html", settings=view,
                  saved=request.args.get("saved") == "1", active_section="settings")


@bp.post("/settings/email")
@limit("vote")
def email() -> Response:
    """Save the mail choice: `email` is 1 or 0; the last value wins (a hidden 0 before the checkbox's 1)."""
    values = request.form.getlist("email")
    view = services().settings.set_email(current_actor(), values[-1] if values else None)
    if not wants_fragment():
        return redirect(url_for("settings.page", saved=1), 303)
    return render_fragment("settings/_email.html", settings=view, saved=True)
