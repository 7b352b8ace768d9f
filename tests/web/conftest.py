"""Fixtures for the HTML adapter: a real app over real Delta tables in a temp dir, signed-in clients."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.models import Actor, WorkItem
from tests.web.helpers import BOB, RBAC, sign_in


@pytest.fixture()
def app(tmp_path: Path) -> Flask:
    rbac = tmp_path / "rbac.toml"
    rbac.write_text(RBAC)
    return create_app({"DATA_DIR": str(tmp_path / "data"), "RBAC_FILE": str(rbac), "AUTH_MODE": "dev",
                       "RATELIMIT_ENABLED": "0"})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return sign_in(app.test_client(), "alice@example.com")


@pytest.fixture()
def anon(app: Flask) -> FlaskClient:
    return sign_in(app.test_client(), None)


@pytest.fixture()
def make_item(app: Flask) -> Callable[..., WorkItem]:
    """Create an item through the service (the same path the UI uses)."""
    service = app.extensions["deltadesk"].work_items

    def make(actor: Actor = BOB, **data: Any) -> WorkItem:
        fields = {"item_type": "incident", "title": "Warehouse queue is slow", "severity": "sev2",
                  "platform": "sql-warehouse", **data}
        if fields["item_type"] != "incident":
            fields.pop("severity", None)
        return service.create(actor, fields)

    return make
