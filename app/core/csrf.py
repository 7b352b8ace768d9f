"""CSRF protection for browser writes: a per-session token, sent back as a form field or header.

Exempt: requests authenticated by a bearer token (scripts carry no cookies to abuse), and JSON
requests to /api/ (a cross-site page cannot send `Content-Type: application/json` without a CORS
preflight, which this app never grants). Other /api/ writes that carry a body are refused with 415
before any token check: the API accepts only JSON, so they can change nothing. A body-less /api/ write
(a vote) without a bearer token or the session's token is refused with 415 too, telling the client to
send JSON: it is an API client, and "the form expired" would mean nothing to it.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
HEADER = "X-CSRF-Token"
FIELD = "csrf_token"
API_PREFIX = "/api/"
API_JSON_ONLY = ("Send the request body as JSON with Content-Type: application/json ({} when there is "
                 "nothing to send), or authenticate with an API token (Authorization: Bearer <token>).")


def csrf_token() -> str:
    """The session's token (created on first use); templates put it in forms and htmx headers."""
    token = session.get(FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[FIELD] = token
    return token


def _bearer() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def _api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def _has_body() -> bool:
    return bool(request.content_type) or (request.content_length or 0) > 0


def _exempt() -> bool:
    return _bearer() or (_api_request() and request.is_json)


def _token_matches() -> bool:
    """Whether the request carries the session's token (form field or header)."""
    sent = request.headers.get(HEADER) or request.form.get(FIELD, "")
    expected = session.get(FIELD, "")
    return bool(expected and sent) and hmac.compare_digest(str(sent), str(expected))


def init_csrf(app: Flask) -> None:
    """Reject unsafe requests whose token does not match the session's (HTTP 400; 415 for an API client)."""
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def _check_csrf() -> None:
        if request.method in SAFE_METHODS or request.routing_exception is not None:
            return  # no view will run: let routing answer 404/405
        too_large = app.config.get("MAX_CONTENT_LENGTH")
        if too_large and (request.content_length or 0) > too_large:
            raise RequestEntityTooLarge()  # size first, whatever the body is
        if _api_request() and _has_body() and not request.is_json:
            raise UnsupportedMediaType(API_JSON_ONLY)
        if _exempt() or app.config.get("CSRF_DISABLED") or _token_matches():
            return
        if _api_request():  # an API client sent no JSON: say what the API accepts
            raise UnsupportedMediaType(API_JSON_ONLY)
        abort(400, description="The form expired or came from another site. Reload the page and try again.")
