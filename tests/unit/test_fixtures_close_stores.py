"""The shared fixtures close what they open, and a test that leaves a store's threads running fails.

The leak check (tests/fixtures.py) runs after every test of the suite; here an inner pytest session proves that
it really fails a leaking test, names the threads, and cleans up so that the next test starts without them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flask import Flask

from tests.fixtures import RBAC, USERS, _store_of, csrf_token, sign_in, store_threads

ROOT = Path(__file__).resolve().parents[2]
INNER = '''
import threading

from app.store.delta_store import DeltaStore
from tests.fixtures import close_at_teardown, create_app, store_threads


def test_a_leaking_test(tmp_path):
    DeltaStore(tmp_path / "data")  # never closed


def test_the_next_test_starts_without_the_leaked_threads():
    assert not store_threads()


def test_a_store_closed_by_the_test(tmp_path):
    DeltaStore(tmp_path / "data").close()


def test_close_at_teardown(tmp_path):
    close_at_teardown(DeltaStore(tmp_path / "data"))


def test_make_app_closes_its_stores(make_app):
    make_app(), make_app()


def test_create_app_from_the_fixtures_closes_its_store(tmp_path):
    create_app({"DATA_DIR": str(tmp_path / "data")})
'''
MODULE_SCOPED = '''
import pytest

from app.store.delta_store import DeltaStore


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory):
    return DeltaStore(tmp_path_factory.mktemp("data"))  # never closed


def test_one(shared_store):
    shared_store.model


def test_two(shared_store):
    shared_store.model
'''


def _inner_pytest(tmp_path: Path, source: str) -> tuple[int, str]:
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "conftest.py").write_text('pytest_plugins = ["tests.fixtures"]\n')
    (inner / "test_inner.py").write_text(source)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", str(inner)],
                         cwd=inner, env=env, capture_output=True, text=True, timeout=300)
    return run.returncode, run.stdout + run.stderr


def test_a_test_that_leaves_store_threads_running_fails(tmp_path: Path) -> None:
    returncode, out = _inner_pytest(tmp_path, INNER)
    assert returncode == 1, out
    assert "6 passed, 1 error" in out, out  # the leaking test errors at teardown, every other one passes
    assert "ERROR at teardown of test_a_leaking_test" in out, out
    assert "2 store thread(s) outlived the test: delta-follower, delta-maintainer" in out, out


def test_a_broader_fixture_may_keep_its_store_across_tests_but_must_close_it(tmp_path: Path) -> None:
    returncode, out = _inner_pytest(tmp_path, MODULE_SCOPED)
    assert "2 passed" in out and "error" not in out, out
    assert returncode == 1, out
    assert "store threads still running at the end of the session: delta-follower, delta-maintainer" in out, out


def test_make_app_closes_the_stores_it_opened(make_app) -> None:
    before = store_threads()
    first, second = make_app(), make_app()
    assert store_threads() - before, "each app's store runs its follower and maintainer"
    assert _store_of(first) is not _store_of(second)


def test_the_shared_rbac_file_gives_every_user_their_role(app: Flask, rbac_file: str) -> None:
    assert Path(rbac_file).read_text() == RBAC
    client = app.test_client()
    for role, emails in USERS.items():
        for email in emails:
            sign_in(client, email)
            page = client.get("/sign-out").get_data(as_text=True)
            assert f"You are signed in as {email} ({role})" in page
    sign_in(client, None)
    assert "You are not signed in" in client.get("/sign-out").get_data(as_text=True)


def test_csrf_token_is_the_one_the_session_holds(client) -> None:
    assert csrf_token(sign_in(client, "bob@example.com")) == "test-csrf-token"
    assert csrf_token(sign_in(client, "bob@example.com", token="another")) == "another"
