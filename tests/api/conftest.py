"""API test fixtures: a real app over real Delta tables in a temp folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from api_helpers import RBAC, Api
from flask import Flask

from app import create_app


@pytest.fixture
def rbac_file(tmp_path: Path) -> str:
    path = tmp_path / "rbac.toml"
    path.write_text(RBAC)
    return str(path)


@pytest.fixture
def make_app(tmp_path: Path, rbac_file: str) -> Iterator[Callable[..., Flask]]:
    """Factory: an app in proxy mode on tmp Delta tables; overrides replace settings."""
    apps: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        settings = {"DATA_DIR": str(tmp_path / "data"), "AUTH_MODE": "proxy", "RBAC_FILE": rbac_file,
                    "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": "0", **overrides}
        app = create_app(settings)
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["dd_store"].close()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app.test_client())
