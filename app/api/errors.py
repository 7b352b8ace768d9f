"""Every JSON error as {"error": {"code", "message", "details"}}: the one place they are built and mapped.

Domain errors from the services keep their code and status; HTTP errors (401 from a bad token,
413, 415, 429 from the limiter, 404/405 from routing) get a stable code. A safety net turns any
non-JSON error response on an /api/ path into this shape, so JSON wins over app-level HTML
handlers even for URLs that match no API route. The app-wide handlers (app.web.errors) hand every
/api/ error they see to `domain_error` and `http_error` here, so one table decides each code.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException, default_exceptions

from app.api import bp
from app.services.errors import DomainError, VersionConflict

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    406: "not_acceptable", 409: "version_conflict", 413: "payload_too_large", 415: "unsupported_media_type",
    422: "validation_error", 429: "rate_limited", 500: "internal_error", 503: "unavailable", 507: "storage_full",
}
KEEP_HEADERS = ("Retry-After", "Allow", "WWW-Authenticate")


class MalformedRequest(DomainError):
    """The body is not a JSON object (bad JSON, an array, a bare value, nothing at all)."""

    code = "malformed_request"
    status = 400


def error_response(status: int, code: str, message: str, details: Any = None,
                   headers: dict[str, str] | None = None) -> Response:
    """Build the error body every API client can rely on."""
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def domain_error(exc: DomainError) -> Response:
    """Service errors: their own code and status; a conflict carries the current item."""
    if exc.status >= 500:  # the store could not write (busy, or the disk is full): the operator must know
        log.warning("%s (%s) on %s %s: %s", exc.code, exc.status, request.method, request.path, exc.message)
    details = exc.details
    if isinstance(exc, VersionConflict):
        details = {"current_version": exc.current.version, "expected_version": exc.expected_version,
                   "current": exc.current.to_dict(), "events_since": [e.to_dict() for e in exc.events_since]}
    return error_response(exc.status, exc.code, exc.message, details)


def http_error(exc: HTTPException) -> Response:
    """Werkzeug/Flask errors (including flask-limiter's 429) as JSON, keeping the headers that matter."""
    status = exc.code or 500
    headers = {k: v for k, v in exc.get_headers() if k in KEEP_HEADERS}
    details: dict[str, Any] = {}
    message = exc.description or ""
    if status == 429:
        details["limit"] = message
        message = f"Too many requests ({message}). Wait and try again."
    if status == 413:
        message = "The request body is too large."
    return error_response(status, HTTP_CODES.get(status, "http_error"), message, details, headers)


def unexpected_error(exc: Exception) -> Response:
    """A bug, not the caller's fault: log it, answer 500 without internals."""
    log.exception("unhandled error in %s %s", request.method, request.path, exc_info=exc)
    return error_response(500, "internal_error", "Something went wrong on our side; it has been logged.")


for _code in default_exceptions:
    bp.register_error_handler(_code, http_error)
bp.register_error_handler(DomainError, domain_error)
bp.register_error_handler(Exception, unexpected_error)


@bp.after_app_request
def json_errors_under_api(response: Response) -> Response:
    """Safety net: an error on an /api/ path that some other handler rendered as HTML becomes JSON."""
    if not request.path.startswith("/api/") or response.status_code < 400 or response.is_json:
        return response
    status = response.status_code
    converted = error_response(status, HTTP_CODES.get(status, "http_error"),
                               _message_for(status), {},
                               {k: v for k, v in response.headers.items() if k in KEEP_HEADERS})
    return converted


def _message_for(status: int) -> str:
    exc_class = default_exceptions.get(status)
    return exc_class.description if exc_class is not None else "The request failed."
