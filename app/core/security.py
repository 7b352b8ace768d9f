"""Security headers on every response, without overriding what a response chose for itself.

The /embed/ fragments set their own Content-Security-Policy (frame-ancestors of the embedding
sites) and CORS headers; those are kept as they are, and X-Frame-Options is then left out too,
since it would forbid the framing their CSP allows.
"""

from __future__ import annotations

from flask import Flask, Response

BASE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'self'"
)


def content_security_policy(frame_ancestors: str) -> str:
    """The app's default CSP with the configured frame-ancestors (FRAME_ANCESTORS)."""
    ancestors = frame_ancestors.strip() or "'none'"
    return f"{BASE_CSP}; frame-ancestors {ancestors}"


def apply_security_headers(response: Response, csp: str) -> Response:
    """Add the default headers to one response, keeping any CSP or CORS headers it already has."""
    own_csp = response.headers.get("Content-Security-Policy")
    if own_csp is None:
        response.headers["Content-Security-Policy"] = csp
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if own_csp is None or "frame-ancestors" not in own_csp:
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_security(app: Flask, frame_ancestors: str) -> None:
    """Register the after_request hook that adds the security headers (FRAME_ANCESTORS for normal pages)."""
    csp = content_security_policy(frame_ancestors)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        return apply_security_headers(response, csp)
