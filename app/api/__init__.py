"""JSON API v1 under /api/v1: the same services as the HTML pages, JSON in and out.

Modules: work_items (list, create, read, edit, transition), activity (comments, votes, events), inbox
(watchers, notifications),
errors (every error as {"error": {code, message, details}}, mapped in one place), openapi (the
OpenAPI 3.1 document at /api/v1/openapi.json).
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")


def register_api(app: Flask) -> None:
    """Attach the API blueprint (its routes and error mapping) to the app."""
    from app.api import activity, errors, inbox, openapi, webhooks, work_items  # noqa: F401  (modules add routes to bp)

    app.register_blueprint(bp)


__all__ = ["bp", "register_api"]
