"""One live server (werkzeug, a thread, real Delta tables in a temp dir) and one Chromium per test session.

The server sends the production CSP so the browser proves the UI needs no inline script, style or eval.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, Response
from playwright.sync_api import Browser, BrowserContext, Page
from werkzeug.serving import make_server

from app import create_app
from app.core.context import services
from app.models import Actor, Role
from tests.fixtures import RBAC, close_app

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'self'")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BOB = Actor("bob@example.com", Role.REPORTER)


def _seed(app: Flask) -> None:
    """30 items of every type so lists paginate; a few stay untriaged for the triage queue."""
    service = services(app).work_items
    for n in range(12):
        service.create(BOB, {"item_type": "incident", "title": f"Incident number {n}", "severity": "sev3",
                             "platform": "jobs", "priority": ["p1", "p2", "p3", "p4"][n % 4]})
    for n in range(10):
        service.create(BOB, {"item_type": "improvement", "title": f"Improvement idea {n}"})
    for n in range(8):
        service.create(BOB, {"item_type": "platform_request", "title": f"Request for access {n}",
                             "platform": "unity-catalog"})


def browser_app(root: Path, **settings: str) -> Flask:
    """An app over its own data folder in `root`, dev sign-in, no rate limits, the production CSP on every
    answer (so a test proves the pages need no inline script or style). Close it with close_app."""
    (root / "rbac.toml").write_text(RBAC)
    app = create_app({"DATA_DIR": str(root / "data"), "RBAC_FILE": str(root / "rbac.toml"), "AUTH_MODE": "dev",
                      "RATELIMIT_ENABLED": "0", **settings})

    @app.after_request
    def _csp(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    return app


def own_live_app(name: str) -> tuple[Any, Any]:
    """A module's own app (its own data folder) and live server, as the module's `<name>` and `base_url`
    fixtures: `people_app, base_url = own_live_app("people_app")`. `new_context` then opens pages on it."""

    @pytest.fixture(scope="module")
    def app_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
        app = browser_app(tmp_path_factory.mktemp(name))
        yield app
        close_app(app)

    @pytest.fixture(scope="module")
    def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
        yield from serve(request.getfixturevalue(name))

    return app_fixture, base_url


def serve(app: Flask) -> Iterator[str]:
    """A live werkzeug server for `app` in a thread: yields its base URL, then shuts it down."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = browser_app(tmp_path_factory.mktemp("browser"))
    _seed(app)
    yield app
    close_app(app)


@pytest.fixture(scope="session")
def base_url(live_app: Flask) -> Iterator[str]:
    yield from serve(live_app)


@pytest.fixture()
def new_context(browser: Browser, base_url: str) -> Iterator[Callable[..., BrowserContext]]:
    """Fresh browser contexts (separate cookies); each records console errors such as CSP violations."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(base_url=base_url, **options)
        context.set_default_timeout(5000)
        context.console_errors = []  # type: ignore[attr-defined]
        context.on("console", lambda msg: msg.type == "error"
                   and context.console_errors.append(f"{msg.text} at {msg.location['url']}"))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        errors = [e for e in context.console_errors if "Content Security Policy" in e or "Refused" in e]
        context.close()
        assert not errors, f"CSP violations: {errors}"


def sign_in(context: BrowserContext, email: str) -> Page:
    """Use the real dev sign-in page: click the demo user's button."""
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_role("button", name=email).click()
    page.wait_for_url("**/work-items")
    return page


def shot(page: Page, name: str, full_page: bool = True) -> None:
    """Save a screenshot under test-artifacts/ (caret left alone: hiding it would inject a style under CSP)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page, caret="initial")
