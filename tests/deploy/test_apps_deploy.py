"""A Databricks Apps deploy from a clean upload serves the whole app (issue #14), replayed on this machine.

Apps uploads the source folder without its git-ignored files (so no node_modules, no static/vendor/), then
runs there: `npm install`, `pip install -r requirements.txt`, `npm run build` (package.json defines it) and the
app.yaml `command` without a shell, with only $DATABRICKS_APP_PORT substituted and app.yaml's `env`. Before
this test, such a deploy served pages without htmx. Here: `git ls-files` copied into an empty folder, the
same four steps into a fresh virtualenv (no system site packages; pip reads the machine's package index),
then the app.yaml command verbatim.

To save time only, the venv is made without its own pip (the tests' pip installs into it with `--python`),
pip skips byte-compiling (Python compiles on import) and the venv lives in /dev/shm: on this shared machine
under load the install takes about 25 s instead of 2-3 min, the whole module about 2 min. Differences from
Apps, each forced by running here: STORE=embedded with DATA_DIR in the temp folder, seeded with demo data
(there is no warehouse), the valueFrom resources replaced by test values, the Apps proxy played by an
X-Forwarded-Email header (AUTH_MODE=proxy, as app.yaml sets)."""

from __future__ import annotations

import hashlib
import http.client
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from app.config import SETTINGS
from tests.deploy.apps_replay import (
    Deployed,
    answered_by,
    app_command,
    app_env,
    base_env,
    build_like_apps,
    create_item,
    free_port,
    http_get,
    run_step,
    upload,
    wait_until_up,
    worker_count,
)

pytestmark = [pytest.mark.deploy, pytest.mark.slow]
STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def venv_dir() -> Iterator[Path]:
    """Where the fresh venv goes: in memory when the machine has /dev/shm (writing its ~600 MB to a disk that
    other test runs share took 1-2 min, in memory 25 s), always removed afterwards."""
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(prefix="deltadesk-apps-venv-", dir=shm if shm.is_dir() else None))
    try:
        yield folder / "venv"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory, venv_dir: Path) -> Iterator[Deployed]:
    """The clean upload, built as Apps builds it and started with the app.yaml command."""
    root = tmp_path_factory.mktemp("apps")
    source, venv, data_dir, port = root / "source", venv_dir, root / "data", free_port()
    upload(source)
    machine_env = base_env(venv)
    build_like_apps(source, venv, machine_env)
    spec = yaml.safe_load((source / "app.yaml").read_text())
    env = app_env(spec, machine_env, port, data_dir)
    run_step([str(venv / "bin" / "flask"), "--app", "wsgi", "seed"], source, {**env, "USE_MOCK_DATA": "1"})
    log = root / "app.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(app_command(spec, port, env["PATH"]), cwd=source, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
        try:
            wait_until_up(f"http://127.0.0.1:{port}", proc, log)
            yield Deployed(f"http://127.0.0.1:{port}", source, data_dir, proc, log)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_app_yaml_runs_the_app_as_on_databricks(deployed: Deployed) -> None:
    spec = yaml.safe_load((deployed.source / "app.yaml").read_text())
    env = {entry["name"]: entry.get("value") for entry in spec["env"]}
    assert env["ENV"] == "production" and env["AUTH_MODE"] == "proxy" and env["STORE"] == "databricks"
    assert "--workers" in spec["command"] and int(spec["command"][spec["command"].index("--workers") + 1]) > 1
    assert worker_count(deployed.gunicorn.pid) == int(spec["command"][spec["command"].index("--workers") + 1])


def test_pages_link_htmx_and_css_under_hashed_urls_that_resolve(deployed: Deployed) -> None:
    status, headers, body = http_get(deployed.base + "/work-items")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    html = body.decode()
    assert "INC-" in html  # the seeded items are listed
    urls = STATIC_URL.findall(html)
    assert any("/static/vendor/htmx.min.js?v=" in u for u in urls) and any("/static/css/app.css?v=" in u for u in urls)
    for url in urls:
        status, headers, content = http_get(deployed.base + url.replace("&amp;", "&"))
        name, _, version = url.split("/static/", 1)[1].partition("?v=")
        assert status == 200 and headers["Cache-Control"] == IMMUTABLE, url
        assert version == hashlib.sha256(content).hexdigest()[:12], url
        expected = "text/css" if name.endswith(".css") else "text/javascript"
        assert headers["Content-Type"].startswith(expected), (url, headers["Content-Type"])


def test_live_pages_stream_from_the_deployed_workers(deployed: Deployed) -> None:
    """app.yaml's gthread workers hold live streams beside pages: a signed-in stream opens (not 503: a worker
    without spare threads refuses them), and a page still answers while it is open."""
    host, port = deployed.base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", "/events/stream?topics=list", headers={"X-Forwarded-Email": "bob@example.com"})
    response = conn.getresponse()
    try:
        assert response.status == 200 and response.getheader("Content-Type").startswith("text/event-stream")
        assert response.read(6) == b"retry:"  # the stream has begun (chunked: read through the response)
        assert http_get(deployed.base + "/work-items")[0] == 200
    finally:
        conn.close()


def test_htmx_and_its_sse_extension_come_from_the_npm_package(deployed: Deployed) -> None:
    dist = deployed.source / "node_modules" / "htmx.org" / "dist"
    for served, package in (("vendor/htmx.min.js", dist / "htmx.min.js"),
                            ("vendor/ext/hx-sse.min.js", dist / "ext" / "hx-sse.min.js")):
        expected = package.read_bytes()
        version = hashlib.sha256(expected).hexdigest()[:12]
        status, headers, content = http_get(f"{deployed.base}/static/{served}?v={version}")
        assert status == 200 and content == expected, served
        assert headers["Content-Type"].startswith("text/javascript") and headers["Cache-Control"] == IMMUTABLE
    assert b"htmx" in (dist / "ext" / "hx-sse.min.js").read_bytes()


def test_the_create_limit_holds_exactly_across_the_workers(deployed: Deployed) -> None:
    """N+1 rapid creates of one user against the create limit of N (the default; app.yaml sets none): exactly N
    are accepted and one gets 429. The access log shows the creates spread over several workers, none of which
    answered N+1 itself, so counts kept per worker would have accepted all N+1. (The spread is the kernel's
    choice: a burst that happened to land on one worker is repeated for another user, at most 3 times.)"""
    limit = int(SETTINGS["RATELIMIT_CREATE"][0].split(";")[0].split("/")[0])
    for attempt in range(3):
        user = f"burst{attempt}@example.com"
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(create_item, [deployed.base] * (limit + 1), [user] * (limit + 1)))
        assert statuses.count(201) == limit and statuses.count(429) == 1, statuses
        time.sleep(0.5)  # the access log line follows the response
        workers = answered_by(deployed.log, limit + 1)
        if len(set(workers)) > 1 and max(workers.count(w) for w in workers) <= limit:
            break
    else:
        raise AssertionError(f"three bursts each landed on one worker: {workers}")
    assert (deployed.data_dir / ".ratelimits.sqlite3").is_file()  # the counts the workers share
