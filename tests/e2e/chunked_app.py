"""Gunicorn entry for the chunked-body tests: the app as wsgi.py builds it, with the body limit applied
(init_body_limit is idempotent, so this stays right once create_app calls it itself)."""

from __future__ import annotations

from flask import Flask

from app import create_app
from app.web.body_limit import init_body_limit


def build() -> Flask:
    app = create_app()
    init_body_limit(app)
    return app
