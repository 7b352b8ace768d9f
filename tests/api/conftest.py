"""API test fixtures: the shared make_app (tests/fixtures.py) in proxy mode, and a JSON client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from api_helpers import Api
from flask import Flask


@pytest.fixture
def make_app(make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    """Factory: an app in proxy mode on tmp Delta tables; overrides replace settings."""

    def build(**overrides: Any) -> Flask:
        app = make_app(**{"AUTH_MODE": "proxy", "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": "0", **overrides})
        app.config["TESTING"] = True
        return app

    return build


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app.test_client())
