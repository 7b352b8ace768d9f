"""The live pages' browser fixture: an app served by a real threaded server (tests/browser/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.browser.conftest import browser_app, serve
from tests.fixtures import close_app


@pytest.fixture
def live_site(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """(app, base URL) of a served test app on real Delta tables; its store is closed afterwards."""
    app = browser_app(tmp_path)
    yield from ((app, url) for url in serve(app))
    close_app(app)
