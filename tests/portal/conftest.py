"""Fixtures for the portal tests: the shared make_app/app/client (tests/fixtures.py) with the portal's settings,
and a controllable clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from app.core.context import services
from app.services.portal import PortalService
from app.services.work_items import WorkItemService
from tests.fixtures import _store_of
from tests.portal.support import ORIGIN, PLATFORMS, Clock


@pytest.fixture()
def make_app(make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    def build(**overrides: Any) -> Flask:
        return make_app(**{"PLATFORMS": ",".join(PLATFORMS), "EMBED_ALLOWED_ORIGINS": ORIGIN,
                           "SECRET_KEY": "test-secret", **overrides})
    return build


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def items(app: Flask, clock: Clock) -> WorkItemService:
    """The work item service over the app's store, on the test clock."""
    return WorkItemService(_store_of(app), PLATFORMS, clock=clock)


@pytest.fixture()
def portal(items: WorkItemService, clock: Clock) -> PortalService:
    return PortalService(items, clock=clock)


@pytest.fixture()
def live_items(app: Flask) -> WorkItemService:
    """The app's own work item service (real clock): for tests that go through HTTP."""
    return services(app).work_items
