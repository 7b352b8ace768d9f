"""End to end: the real app under gunicorn with two worker processes on the embedded Delta store,
driven over HTTP with urllib — create, comment, transition, events, and version conflicts."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures import RBAC

ROOT = Path(__file__).resolve().parents[2]
REPORTER, TRIAGER = "rita@example.com", "tess@example.com"  # roles from the shared RBAC file


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Http:
    """A tiny JSON client over urllib acting as a user behind the (trusted) proxy."""

    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, method: str, path: str, user: str | None = None, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if user:
            request.add_header("X-Forwarded-Email", user)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Http]:
    folder = tmp_path_factory.mktemp("e2e")
    (folder / "rbac.toml").write_text(RBAC)
    port = _free_port()
    env = {**os.environ, "DATA_DIR": str(folder / "data"), "AUTH_MODE": "proxy", "SECRET_KEY": "e2e-secret",
           "RBAC_FILE": str(folder / "rbac.toml"), "USE_MOCK_DATA": "0", "LOG_LEVEL": "WARNING"}
    log = open(folder / "gunicorn.log", "wb")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    http = Http(f"http://127.0.0.1:{port}/api/v1")
    try:
        _wait_until_up(http, proc, folder)
        yield http
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _wait_until_up(http: Http, proc: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError("gunicorn exited:\n" + (folder / "gunicorn.log").read_text()[-3000:])
        try:
            if http.call("GET", "/work-items")[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 60 s")


@pytest.mark.slow
def test_create_comment_transition_events_with_a_conflict(server: Http) -> None:
    status, item = server.call("POST", "/work-items", REPORTER, {
        "item_type": "incident", "title": "Nightly job failing", "platform": "jobs", "severity": "sev2"})
    assert status == 201 and item["key"].startswith("INC-")
    path = f"/work-items/{item['id']}"
    assert server.call("POST", f"{path}/comments", TRIAGER, {"body": "Looking into it"})[0] == 201
    status, moved = server.call("POST", f"{path}/transition", TRIAGER, {"to_state": "triaged", "expected_version": 1})
    assert status == 200 and moved["state"] == "triaged" and moved["version"] == 2
    status, stale = server.call("PATCH", path, REPORTER, {"expected_version": 1, "title": "Nightly job failing again"})
    assert status == 409
    assert stale["error"]["code"] == "version_conflict"
    assert stale["error"]["details"]["current_version"] == 2
    assert stale["error"]["details"]["current"]["state"] == "triaged"
    status, events = server.call("GET", f"{path}/events")
    assert status == 200
    assert [(e["event_type"], e["actor"], e["version"]) for e in events["items"]] == [
        ("created", REPORTER, 1), ("commented", TRIAGER, 1), ("state_changed", TRIAGER, 2)]
    for _ in range(6):  # every worker, whichever answers, sees the same state
        assert server.call("GET", path)[1]["state"] == "triaged"


@pytest.mark.slow
def test_concurrent_edits_across_workers_let_exactly_one_win(server: Http) -> None:
    _, item = server.call("POST", "/work-items", REPORTER, {"item_type": "improvement", "title": "Race me"})
    path = f"/work-items/{item['id']}"

    def edit(n: int) -> int:
        return server.call("PATCH", path, TRIAGER, {"expected_version": 1, "title": f"Race me, writer {n}"})[0]

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(edit, range(6)))
    assert statuses.count(200) == 1 and statuses.count(409) == 5, statuses
    _, final = server.call("GET", path)
    assert final["version"] == 2 and final["title"].startswith("Race me, writer ")
    _, events = server.call("GET", f"{path}/events")
    assert [e["event_type"] for e in events["items"]] == ["created", "updated"]


@pytest.mark.slow
def test_votes_are_idempotent_across_workers(server: Http) -> None:
    _, item = server.call("POST", "/work-items", REPORTER, {"item_type": "improvement", "title": "Vote for me"})
    path = f"/work-items/{item['id']}/vote"
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: server.call("POST", path, TRIAGER, {}), range(4)))
    assert all(status == 200 and body == {"voted": True, "vote_count": 1} for status, body in results), results
