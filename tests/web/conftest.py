"""Fixtures for the HTML adapter: the shared make_app/app (tests/fixtures.py) in dev mode, signed-in clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core.context import services
from app.models import Actor, WorkItem
from tests.web.helpers import BOB, sign_in


@pytest.fixture()
def make_app(make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    """Factory: a dev-mode app without rate limits on tmp Delta tables; overrides replace settings."""

    def build(**overrides: Any) -> Flask:
        return make_app(**{"AUTH_MODE": "dev", "RATELIMIT_ENABLED": "0", **overrides})

    return build


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return sign_in(app.test_client(), "alice@example.com")


@pytest.fixture()
def anon(app: Flask) -> FlaskClient:
    return sign_in(app.test_client(), None)


@pytest.fixture()
def make_item(app: Flask) -> Callable[..., WorkItem]:
    """Create an item through the service (the same path the UI uses)."""
    service = services(app).work_items

    def make(actor: Actor = BOB, **data: Any) -> WorkItem:
        fields = {"item_type": "incident", "title": "Warehouse queue is slow", "severity": "sev2",
                  "platform": "sql-warehouse", **data}
        if fields["item_type"] != "incident":
            fields.pop("severity", None)
        return service.create(actor, fields)

    return make
