"""CSRF protection for browser writes: a per-session token, sent back as a form field or header.

Requests authenticated by a bearer token (scripts) carry no cookies to abuse and are exempt.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
HEADER = "X-CSRF-Token"
FIELD = "csrf_token"


def csrf_token() -> str:
    """The session's token (created on first use); templates put it in forms and htmx headers."""
    token = session.get(FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[FIELD] = token
    return token


def _exempt() -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


def init_csrf(app: Flask) -> None:
    """Reject unsafe requests whose token does not match the session's (HTTP 400)."""
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def _check_csrf() -> None:
        if request.method in SAFE_METHODS or _exempt() or app.config.get("CSRF_DISABLED"):
            return
        sent = request.headers.get(HEADER) or request.form.get(FIELD, "")
        expected = session.get(FIELD, "")
        if not expected or not sent or not hmac.compare_digest(str(sent), str(expected)):
            abort(400, description="The form expired or came from another site. Reload the page and try again.")
