"""Development sign-in: pick a demo user or type an email; only registered when AUTH_MODE=dev."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, render_template, request, session, url_for

from app.services.validation import EMAIL_RE

bp = Blueprint("auth", __name__)

DEMO_USERS = (
    ("alice@example.com", "triager", "Triages the queue, moves items through their workflow, edits fields"),
    ("root@example.com", "admin", "Everything a triager can do"),
    ("bob@example.com", "reporter", "Files items, comments and votes; edits their own open items"),
    ("auditor@example.com", "viewer", "Reads everything, changes nothing"),
)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so the sign-in page cannot be used as an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("tickets.list_items")


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
    token = session.get("csrf_token")
    session.clear()
    if token:
        session["csrf_token"] = token
    session["user"] = email
    current_app.logger.info("dev sign-in as %s", email)
    return redirect(target, 303)


@bp.get("/sign-out")
def sign_out_page() -> str:
    """A confirmation button: signing out changes state, so it happens on POST only."""
    return render_template("auth/sign_out.html")


@bp.post("/sign-out")
def sign_out() -> Response:
    """Forget the identity (a POST, so other sites cannot sign people out with a link)."""
    session.pop("user", None)
    return redirect(url_for("tickets.list_items"), 303)
