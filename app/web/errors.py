"""App-wide error handlers: JSON under /api/, friendly pages or htmx fragments everywhere else.

Domain errors raised by the services are mapped here in one place, for every blueprint: the status,
then the template chosen by context (the embed's self-contained card on /embed, else the site page or,
for htmx, a fragment in #flash), the conflict modal for stale writes and the sign-in redirect for desk
pages; HTTP errors (404 unknown URL, 405, 413, 429, 500) likewise. JSON errors are built by app.api.errors.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Response, current_app, redirect, request, url_for
from werkzeug.exceptions import HTTPException, InternalServerError

from app.api import errors as api_errors
from app.core.context import current_actor, services
from app.models import Priority, Severity
from app.services.conflicts import plan_reapply
from app.services.errors import DomainError, Unauthenticated, ValidationError, VersionConflict
from app.web.rendering import render_fragment, wants_fragment
from app.web.timeline import LONG_FIELDS, describe

log = logging.getLogger(__name__)

SIGN_IN_FIRST = ("tickets", "admin", "inbox", "settings", "people", "webhooks")  # desk pages: anonymous readers
# are sent to sign in and back; portal pages and embeds answer 401
TITLES = {400: "Bad request", 401: "Sign in needed", 403: "Not allowed", 404: "Not found",
          405: "Method not allowed", 413: "Too large", 422: "Check your input", 429: "Slow down",
          500: "Something went wrong", 503: "Temporarily unavailable", 507: "Storage full"}


def is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def retry_after_seconds() -> int | None:
    """Seconds until the rate limit that was just hit resets (flask-limiter's current limit)."""
    from app.core.rate_limit import limiter

    current = limiter.current_limit
    if current is None:
        return None
    return max(1, int(current.reset_at - time.time()))


def html_error(status: int, message: str, headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """The error in the template its context calls for: the embed's own card under /embed, else a friendly
    page in the layout or, for htmx, a fragment shown in the page's #flash region."""
    headers = dict(headers or {})
    context = {"code": status, "title": TITLES.get(status, "Error"), "message": message, "fields": {}, **extra}
    if extra.get("domain_code") == "invalid_transition":
        context["title"] = "Not possible now"
    if request.blueprint == "embed":
        headers["Cache-Control"] = "no-store"
        return render_fragment("embed/error.html", status, headers, fragment=wants_fragment(), **context)
    if wants_fragment():
        inside_modal = request.headers.get("HX-Source", "").endswith("#reapply-form")
        headers.setdefault("HX-Retarget", "#conflict-flash" if inside_modal else "#flash")
        headers.setdefault("HX-Reswap", "innerHTML")
        return render_fragment("errors/_error.html", status, headers, **context)
    return render_fragment("errors/error.html", status, headers, **context)


def handle_http(exc: HTTPException) -> Response:
    """Werkzeug/Flask HTTP errors: unknown URLs, wrong methods, too large, rate limited, CSRF failures."""
    status = exc.code or 500
    message = exc.description or TITLES.get(status, "Error")
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    retry_after = retry_after_seconds() if status == 429 else None
    if status == 429:
        message = "You are doing that too often. Please wait a moment and try again."
    if is_api_request():
        return api_errors.http_error(exc)
    return html_error(status, message, headers, retry_after=retry_after)


def handle_exception(exc: Exception) -> Response:
    """Anything unexpected: log it, answer 500 without leaking internals."""
    if isinstance(exc, HTTPException):
        return handle_http(exc)
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http(InternalServerError("Something went wrong on our side. It has been logged; please try again."))


def handle_domain(exc: DomainError) -> Response:
    """Service errors from every blueprint but the API's: JSON under /api/, else pages, fragments or the modal."""
    if is_api_request():
        return api_errors.domain_error(exc)  # logs the store's 5xx itself
    if exc.status >= 500:  # the store could not write (busy, or the disk is full): the operator must know
        log.warning("%s (%s) on %s %s: %s", exc.code, exc.status, request.method, request.path, exc.message)
    if isinstance(exc, VersionConflict):
        return conflict_response(exc)
    if _sign_in_first(exc):
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    fields = exc.fields if isinstance(exc, ValidationError) else {}
    return html_error(exc.status, exc.message, details=exc.details, domain_code=exc.code, fields=fields)


def _sign_in_first(exc: DomainError) -> bool:
    """An anonymous reader asking for a desk page is sent to sign in (and back) rather than shown a 401."""
    return (isinstance(exc, Unauthenticated) and request.method == "GET" and not wants_fragment()
            and request.blueprint in SIGN_IN_FIRST and "auth.sign_in" in current_app.view_functions)


def conflict_response(exc: VersionConflict) -> Response:
    """409: the current version and what changed since, with the user's attempted change kept intact."""
    submitted = {k: v for k, v in request.form.items() if k != "csrf_token"}
    plan = plan_reapply(submitted, exc.events_since, exc.current.to_dict())
    context = {"conflict": exc, "item": exc.current, "change": plan.change, "reapply": plan.reapply,
               "untouched": plan.untouched, "already_done_by": plan.already_done_by,
               "long_fields": LONG_FIELDS, "describe": describe, "action": request.path, "actor": current_actor(),
               "active_section": "tickets", "choices": _choices()}
    if wants_fragment():
        headers = {"HX-Retarget": "#modal-root", "HX-Reswap": "innerHTML"}
        return render_fragment("work_items/_conflict_modal.html", 409, headers, **context)
    return render_fragment("work_items/conflict.html", 409, **context)


def _choices() -> dict[str, list[str]]:
    """Options for the choice fields of a re-applied edit (shown as selects, like the edit form)."""
    return {"priority": [p.value for p in Priority], "severity": [s.value for s in Severity],
            "platform": services().config.platforms}


def init_error_handlers(app: Flask) -> None:
    """Register the handlers on the app (blueprints may still map their own errors first)."""
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(DomainError, handle_domain)
    app.register_error_handler(Exception, handle_exception)
