"""Chunked request bodies count against MAX_CONTENT_LENGTH under real servers (issue #11, finding 12).

Before: Werkzeug cut a body without Content-Length at the limit and the app processed what was left
(305 KB of JSON with trailing spaces: 201). Now such a body over the limit is a 413, JSON under /api/,
a friendly page or htmx fragment elsewhere; chunked bodies under the limit still work.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.core.context import services
from app.web.body_limit import init_body_limit
from tests.fixtures import RBAC

ROOT = Path(__file__).resolve().parents[2]
REPORTER = "rita@example.com"
LIMIT = 262_144


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _settings(folder: Path) -> dict[str, str]:
    (folder / "rbac.toml").write_text(RBAC)
    return {"DATA_DIR": str(folder / "data"), "AUTH_MODE": "proxy", "SECRET_KEY": "e2e-secret",
            "RBAC_FILE": str(folder / "rbac.toml"), "USE_MOCK_DATA": "0", "LOG_LEVEL": "WARNING",
            "RATELIMIT_ENABLED": "0", "MAX_CONTENT_LENGTH": str(LIMIT)}


@pytest.fixture(scope="module")
def gunicorn_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    folder = tmp_path_factory.mktemp("chunked-gunicorn")
    port = _free_port()
    log = open(folder / "gunicorn.log", "wb")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
                             "wsgi:app"],
                            cwd=ROOT, env={**os.environ, **_settings(folder)}, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(port, proc, folder)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def werkzeug_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    app = create_app(_settings(tmp_path_factory.mktemp("chunked-werkzeug")))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    services(app).store.close()


@pytest.fixture(params=["gunicorn", "werkzeug"])
def port(request: pytest.FixtureRequest) -> int:
    return request.getfixturevalue(f"{request.param}_port")


def _wait_until_up(port: int, proc: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError("gunicorn exited:\n" + (folder / "gunicorn.log").read_text()[-3000:])
        try:
            if _send(port, "GET", "/api/v1/work-items", None, {})[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 60 s")


def _chunks(body: bytes, size: int = 16_384) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


def _send(port: int, method: str, path: str, body: bytes | None, headers: dict[str, str],
          chunked: bool = False) -> tuple[int, dict[str, str], bytes]:
    """One request; a chunked one sends `Transfer-Encoding: chunked` and no Content-Length."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        if chunked and body is not None:
            conn.request(method, path, body=_chunks(body), headers={**headers, "Transfer-Encoding": "chunked"},
                         encode_chunked=True)
        else:
            conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def _item(padding: int) -> bytes:
    """A valid create body, padded with trailing spaces (still valid JSON if cut anywhere in the padding)."""
    doc = {"item_type": "improvement", "title": "Chunked and padded"}
    return json.dumps(doc).encode() + b" " * padding


API = {"Content-Type": "application/json", "X-Forwarded-Email": REPORTER}


@pytest.mark.slow
def test_chunked_json_over_the_limit_is_a_413_json_error(port: int) -> None:
    status, headers, body = _send(port, "POST", "/api/v1/work-items", _item(305_000), API, chunked=True)
    assert status == 413, body[:300]
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"]["code"] == "payload_too_large"


@pytest.mark.slow
def test_chunked_json_under_the_limit_still_works(port: int) -> None:
    status, _, body = _send(port, "POST", "/api/v1/work-items", _item(200_000), API, chunked=True)
    assert status == 201, body[:300]
    assert json.loads(body)["title"] == "Chunked and padded"


@pytest.mark.slow
def test_chunked_body_exactly_at_the_limit_is_accepted(port: int) -> None:
    body = _item(0)
    status, _, text = _send(port, "POST", "/api/v1/work-items", body + b" " * (LIMIT - len(body)), API,
                            chunked=True)
    assert status == 201, text[:300]


@pytest.mark.slow
def test_chunked_form_over_the_limit_is_a_friendly_413_page_or_fragment(port: int) -> None:
    form = b"item_type=improvement&title=Padded&description=" + b"x" * 300_000
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-Email": REPORTER}
    status, response_headers, body = _send(port, "POST", "/work-items/new", form, headers, chunked=True)
    assert status == 413 and response_headers["content-type"].startswith("text/html")
    assert b"<!doctype html>" in body.lower()
    status, response_headers, body = _send(port, "POST", "/work-items/new", form,
                                           {**headers, "HX-Request": "true"}, chunked=True)
    assert status == 413 and response_headers.get("hx-retarget") == "#flash"
    assert b"<!doctype html>" not in body.lower()


@pytest.mark.slow
def test_content_length_over_the_limit_is_still_a_413(port: int) -> None:
    status, _, body = _send(port, "POST", "/api/v1/work-items", _item(305_000), API)
    assert status == 413 and json.loads(body)["error"]["code"] == "payload_too_large"


def test_init_body_limit_wraps_once(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path))
    init_body_limit(app)
    wrapped = app.wsgi_app
    init_body_limit(app)  # create_app may call it too: still one wrapper
    assert app.wsgi_app is wrapped and type(wrapped).__name__ == "ChunkedBodyLimit"
    services(app).store.close()
