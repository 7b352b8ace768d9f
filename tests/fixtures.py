"""Fixtures and helpers shared by every test folder (tests/conftest.py registers this module as a plugin).

Apps
    make_app(**overrides) -> Flask    factory fixture: an app on Delta tables in tmp_path/data with the ONE shared
                                      RBAC file (tmp_path/rbac.toml); every store it opened is closed at teardown.
                                      Folders override `make_app` to add their settings (tests/api: proxy mode...).
    app -> Flask                      make_app() with no overrides (whichever make_app the folder defines).
    client -> FlaskClient             app.test_client(), not signed in.
    create_app(settings, store=None)  app.create_app for a test body that builds its own app: the app's store is
                                      closed when the test ends (use it from function-scoped code only).
    close_at_teardown(store) -> store the same for a store a test opens itself.
    close_app(app)                    close the store an app opened (safe to call twice).
Users (one RBAC file): RBAC, USERS (role -> emails); the default role is reporter.
Sign-in: sign_in(client, email | None) -> client (dev sign-in through the session, with a known CSRF token);
         csrf_token(client) -> str (the session's token); CSRF_TOKEN.
Clock:   frozen_clock -> app.services.clock.FrozenClock, installed as the app's clock; .advance(seconds).
Threads: after every test, no delta-follower / delta-projector / delta-maintainer / deltadesk-reconciler /
         webhook-dispatcher thread
         started during the test may still run (the test errors at teardown, naming the threads, and the
         leaked stores are closed so the next test starts clean); stores of module- or session-scoped fixtures
         are exempt until the end of the session, when none may be left.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask
from flask.testing import FlaskClient

import app as deltadesk
from app.core.context import EXTENSION
from app.services import clock as app_clock

USERS: dict[str, tuple[str, ...]] = {  # the web tests' demo users, the API tests' users, the unit tests' actors
    "admin": ("root@example.com", "admin@example.com", "ada@example.com"),
    "triager": ("alice@example.com", "triager@example.com", "tess@example.com"),
    "reporter": ("bob@example.com", "reporter@example.com", "other@example.com", "rita@example.com",
                 "otto@example.com"),
    "viewer": ("auditor@example.com", "viewer@example.com", "vic@example.com"),
}
RBAC = 'default_role = "reporter"\n[roles]\n' + "".join(f"{role} = {json.dumps(list(emails))}\n"
                                                       for role, emails in USERS.items())
T = TypeVar("T")
CSRF_TOKEN = "test-csrf-token"
STORE_THREADS = ("delta-follower", "delta-projector", "delta-maintainer", "deltadesk-reconciler",
                 "webhook-dispatcher")


# ---- apps and their stores ------------------------------------------------------------------------------------
def _store_of(app: Flask) -> Any:
    """The app's store (in its services container; None for an app whose building failed)."""
    container = app.extensions.get(EXTENSION)
    return getattr(container, "store", None)


def close_app(app: Flask) -> None:
    """Close the store the app opened (its background threads end); closing twice is harmless."""
    store = _store_of(app)
    if store is not None and not getattr(app, "_dd_test_closed", False):
        app._dd_test_closed = True  # type: ignore[attr-defined]
        store.close()


_AT_TEARDOWN: list[Callable[[], None]] = []  # what close_at_teardown() and create_app() took, for this test


def close_at_teardown(store: T) -> T:
    """Close `store` (anything with close()) when the current test ends; returns it. For function-scoped code:
    a module- or session-scoped fixture closes its own stores."""
    _AT_TEARDOWN.append(store.close)  # type: ignore[attr-defined]
    return store


def create_app(overrides: dict[str, Any] | None = None, store: Any = None) -> Flask:
    """app.create_app, and the app's store is closed when the current test ends (function-scoped code only)."""
    app = deltadesk.create_app(overrides, store=store)
    _AT_TEARDOWN.append(lambda: close_app(app))
    return app


@pytest.fixture
def rbac_file(tmp_path: Path) -> str:
    """The shared RBAC file (USERS) in the test's folder."""
    path = tmp_path / "rbac.toml"
    path.write_text(RBAC)
    return str(path)


@pytest.fixture
def make_app(tmp_path: Path, rbac_file: str) -> Iterator[Callable[..., Flask]]:
    """Factory: an app on Delta tables in tmp_path/data with the shared RBAC file; overrides replace settings.
    Every app it built has its store closed at teardown."""
    apps: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        app = deltadesk.create_app({"DATA_DIR": str(tmp_path / "data"), "RBAC_FILE": rbac_file, **overrides})
        apps.append(app)
        return app

    yield build
    for app in apps:
        close_app(app)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# ---- sign-in and CSRF -----------------------------------------------------------------------------------------
def sign_in(client: FlaskClient, email: str | None, token: str = CSRF_TOKEN) -> FlaskClient:
    """Dev sign-in through the session: `email` becomes the user (None: signed out) and the session's CSRF
    token is `token`. Returns the client."""
    with client.session_transaction() as session:
        session["csrf_token"] = token
        if email:
            session["user"] = email
        else:
            session.pop("user", None)
    return client


def csrf_token(client: FlaskClient) -> str:
    """The CSRF token of the client's session (after sign_in: CSRF_TOKEN; after a real sign-in: the rotated one);
    a session without one is given CSRF_TOKEN."""
    with client.session_transaction() as session:
        return session.setdefault("csrf_token", CSRF_TOKEN)


# ---- clock ----------------------------------------------------------------------------------------------------
@pytest.fixture
def frozen_clock() -> Iterator[app_clock.FrozenClock]:
    """The app's clock (app.services.clock) stands still until the test calls .advance(seconds)."""
    frozen = app_clock.FrozenClock()
    previous = app_clock.use(frozen)
    yield frozen
    app_clock.use(previous)


# ---- no store thread outlives its test -----------------------------------------------------------------------
def store_threads() -> set[threading.Thread]:
    """The live background threads of stores (DeltaStore's follower, projector, maintainer; SqlStore's reconciler)."""
    return {t for t in threading.enumerate() if t.name in STORE_THREADS and t.is_alive()}


def _owner(thread: threading.Thread) -> Any:
    """The object whose method the thread runs (a store, or a part of one such as its projector)."""
    return getattr(getattr(thread, "_target", None), "__self__", None)


_BROAD_OWNERS: dict[int, list[Any]] = {}  # id(fixturedef) -> objects running threads for a broader-scoped fixture


def _held_by_broad_fixture(thread: threading.Thread) -> bool:
    owner = _owner(thread)
    if owner is None:
        return False
    for owners in _BROAD_OWNERS.values():
        for held in owners:
            parts = vars(held).values() if hasattr(held, "__dict__") else ()
            if owner is held or any(owner is part for part in parts):
                return True
    return False


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest) -> Iterator[None]:
    """Remember the stores a module-, class- or session-scoped fixture opens: they outlive single tests."""
    if fixturedef.scope == "function":
        yield
        return
    before = store_threads()
    yield
    owners = [_owner(t) for t in store_threads() - before]
    if owners:
        _BROAD_OWNERS.setdefault(id(fixturedef), []).extend(o for o in owners if o is not None)


def pytest_fixture_post_finalizer(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest) -> None:
    _BROAD_OWNERS.pop(id(fixturedef), None)


def _close_owner(owner: Any) -> None:
    for close in (getattr(owner, "close", None), getattr(owner, "stop", None)):
        if callable(close):
            with contextlib.suppress(Exception):
                close()
            return


@pytest.fixture(autouse=True)
def _no_store_thread_outlives_its_test() -> Iterator[None]:
    before = store_threads()
    yield
    while _AT_TEARDOWN:
        _AT_TEARDOWN.pop()()
    leaked = sorted((t for t in store_threads() - before if not _held_by_broad_fixture(t)), key=lambda t: t.name)
    if leaked:
        for owner in {id(o): o for o in map(_owner, leaked) if o is not None}.values():
            _close_owner(owner)  # the next test starts without them
        pytest.fail(f"{len(leaked)} store thread(s) outlived the test: {', '.join(t.name for t in leaked)}. "
                    "Close every store the test opens (store.close(), or build apps with make_app).", pytrace=False)


@pytest.hookimpl(trylast=True)  # after pytest's own sessionfinish has torn the session's fixtures down
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stores of broader-scoped fixtures must be closed by the end of the session."""
    left = store_threads()
    if left and session.exitstatus == pytest.ExitCode.OK:
        names = ", ".join(sorted(t.name for t in left))
        session.config.get_terminal_writer().line(f"store threads still running at the end of the session: {names}",
                                                  red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
