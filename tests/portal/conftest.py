"""Fixtures for the portal tests: a real app over Delta tables in a temp dir, a controllable clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.services.portal import PortalService
from app.services.work_items import WorkItemService
from tests.portal.support import ORIGIN, PLATFORMS, Clock


@pytest.fixture()
def make_app(tmp_path: Any) -> Callable[..., Flask]:
    def build(**overrides: Any) -> Flask:
        settings = {"DATA_DIR": str(tmp_path / "data"), "PLATFORMS": ",".join(PLATFORMS),
                    "EMBED_ALLOWED_ORIGINS": ORIGIN, "SECRET_KEY": "test-secret"}
        settings.update(overrides)
        return create_app(settings)
    return build


@pytest.fixture()
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def items(app: Flask, clock: Clock) -> WorkItemService:
    """The work item service over the app's store, on the test clock."""
    return WorkItemService(app.extensions["dd_store"], PLATFORMS, clock=clock)


@pytest.fixture()
def portal(items: WorkItemService, clock: Clock) -> PortalService:
    return PortalService(items, clock=clock)


@pytest.fixture()
def live_items(app: Flask) -> WorkItemService:
    """The app's own work item service (real clock): for tests that go through HTTP."""
    return app.extensions["deltadesk"].work_items
