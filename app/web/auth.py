"""Development sign-in: pick a demo user or type an email; only registered when AUTH_MODE=dev."""

from __future__ import annotations

import secrets
import sqlite3

from flask import Blueprint, Response, current_app, redirect, render_template, request, session, url_for

from app.core.context import services
from app.core.csrf import FIELD as CSRF_FIELD
from app.core.redirects import safe_next
from app.core.sessions import SessionGenerations
from app.services.errors import StoreUnavailable
from app.services.validation import EMAIL_RE

bp = Blueprint("auth", __name__)

DEMO_USERS = (
    ("alice@example.com", "triager", "Triages the queue, moves items through their workflow, edits fields"),
    ("root@example.com", "admin", "Everything a triager can do"),
    ("bob@example.com", "reporter", "Files items, comments and votes; edits their own open items"),
    ("auditor@example.com", "viewer", "Reads everything, changes nothing"),
)


def _safe_next(target: str | None) -> str:
    """Only same-origin paths (normalized, then checked), so the sign-in page cannot be an open redirect;
    never the sign-in or sign-out page itself, which would send a fresh sign-in back to the picker."""
    default = url_for("tickets.list_items")
    chosen = safe_next(target, default)
    return default if chosen.split("?", 1)[0] in (url_for("auth.sign_in"), url_for("auth.sign_out")) else chosen


def _generations() -> SessionGenerations:
    return services().sessions  # type: ignore[return-value]  (this blueprint exists in dev mode only)


@bp.get("/sign-in")
def sign_in() -> str:
    """The demo-user picker and a free email field."""
    return render_template("auth/sign_in.html", demo_users=DEMO_USERS, next=_safe_next(request.args.get("next")),
                           error=None, email="")


@bp.post("/sign-in")
def sign_in_post() -> Response | tuple[str, int]:
    """Store the chosen identity in the session; a malformed email re-renders the form with the error."""
    email = (request.form.get("email") or "").strip().lower()
    target = _safe_next(request.form.get("next"))
    if not EMAIL_RE.match(email):
        html = render_template("auth/sign_in.html", demo_users=DEMO_USERS, next=target, email=email,
                               error="Enter an email address such as alice@example.com.")
        return html, 422
    session.clear()  # a fresh session: nothing from before sign-in carries over, the CSRF token included
    session[CSRF_FIELD] = secrets.token_urlsafe(32)
    session["user"] = email
    session["generation"] = _generations().current(email)
    current_app.logger.info("dev sign-in as %s", email)
    return redirect(target, 303)


@bp.get("/sign-out")
def sign_out_page() -> str:
    """A confirmation button: signing out changes state, so it happens on POST only."""
    return render_template("auth/sign_out.html")


@bp.post("/sign-out")
def sign_out() -> Response:
    """End the user's sessions on the server too (a copied cookie stops working), then forget the session.

    A POST, so other sites cannot sign people out with a link."""
    user = session.get("user")
    if user:
        try:
            _generations().bump(str(user).lower())
        except sqlite3.Error as exc:  # e.g. a full disk: say so rather than pretend the cookie is dead
            current_app.logger.warning("sign-out of %s not recorded: %s", user, exc)
            raise StoreUnavailable("Signing out could not be recorded on the server; try again.") from exc
    session.clear()
    return redirect(url_for("tickets.list_items"), 303)
