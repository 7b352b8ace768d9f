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
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from app.config import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.deploy, pytest.mark.slow]
RESOURCES = {"sql-warehouse": "0123456789abcdef", "secret-key": secrets.token_hex(32)}  # valueFrom -> test value
USER = "alice@example.com"
STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass
class Deployed:
    base: str
    source: Path
    data_dir: Path
    gunicorn: subprocess.Popen[bytes]
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _upload(source: Path) -> None:
    """What Apps receives: the repository's files without anything git ignores (here: what git tracks)."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, names.decode().split("\0")):
        origin = ROOT / name
        if origin.is_file():
            target = source / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)
    assert not (source / "node_modules").exists() and not (source / "static" / "vendor").exists()


def _base_env(venv: Path) -> dict[str, str]:
    """This machine's environment minus every DeltaDesk setting and Python/venv variable, the venv first on PATH."""
    drop = set(SETTINGS) | {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "FLASK_APP", "FLASK_DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def _step(command: list[str], source: Path, env: dict[str, str], timeout: int = 150) -> None:
    done = subprocess.run(command, cwd=source, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"


def _build(source: Path, venv: Path, env: dict[str, str]) -> None:
    """Apps' build steps, in its order, in the uploaded folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    _step(["npm", "install"], source, env)
    _step([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-compile",
           "-r", "requirements.txt"], source, env, timeout=170)
    scripts = json.loads((source / "package.json").read_text()).get("scripts", {})
    assert "build" in scripts, "package.json defines no build script: Apps would not build the assets"
    _step(["npm", "run", "build"], source, env)


def _app_env(spec: dict, base: dict[str, str], port: int, data_dir: Path) -> dict[str, str]:
    """app.yaml's env (valueFrom replaced by test values), what Apps sets itself, and the local store."""
    env = dict(base)
    for entry in spec["env"]:
        if "valueFrom" in entry:
            assert entry["valueFrom"] in RESOURCES, f"add a test value for the resource {entry['valueFrom']}"
            env[entry["name"]] = RESOURCES[entry["valueFrom"]]
        else:
            env[entry["name"]] = str(entry["value"])
    # Not a setting of the app: gunicorn's access log names the worker (pid) that answered each request.
    env["GUNICORN_CMD_ARGS"] = "--access-logformat '%(p)s \"%(r)s\" %(s)s'"
    env.update({"DATABRICKS_APP_PORT": str(port), "DATABRICKS_HOST": "https://adb-1.2.azuredatabricks.net",
                "DATABRICKS_CLIENT_ID": "test-client", "DATABRICKS_CLIENT_SECRET": "test-secret",
                "STORE": "embedded", "DATA_DIR": str(data_dir)})
    return env


def _command(spec: dict, port: int, path: str) -> list[str]:
    """app.yaml's command as Apps runs it: no shell, only $DATABRICKS_APP_PORT substituted."""
    command = [str(arg).replace("$DATABRICKS_APP_PORT", str(port)) for arg in spec["command"]]
    found = shutil.which(command[0], path=path)
    assert found, f"{command[0]} is not installed by requirements.txt"
    return [found, *command[1:]]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Email": USER, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def _wait_until_up(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError("the app.yaml command exited:\n" + log.read_text()[-4000:])
        try:
            if _get(base + "/api/v1/work-items")[0] == 200:
                return
        except (urllib.error.URLError, OSError):  # not listening yet, or a worker still starting
            pass
        time.sleep(0.3)
    raise AssertionError("the app did not answer within 90 s:\n" + log.read_text()[-4000:])


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
    source, venv, data_dir, port = root / "source", venv_dir, root / "data", _free_port()
    _upload(source)
    base_env = _base_env(venv)
    _build(source, venv, base_env)
    spec = yaml.safe_load((source / "app.yaml").read_text())
    env = _app_env(spec, base_env, port, data_dir)
    _step([str(venv / "bin" / "flask"), "--app", "wsgi", "seed"], source, {**env, "USE_MOCK_DATA": "1"})
    log = root / "app.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(_command(spec, port, env["PATH"]), cwd=source, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
        try:
            _wait_until_up(f"http://127.0.0.1:{port}", proc, log)
            yield Deployed(f"http://127.0.0.1:{port}", source, data_dir, proc, log)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_app_yaml_runs_the_app_as_on_databricks(deployed: Deployed) -> None:
    spec = yaml.safe_load((deployed.source / "app.yaml").read_text())
    env = {entry["name"]: entry.get("value") for entry in spec["env"]}
    assert env["ENV"] == "production" and env["AUTH_MODE"] == "proxy" and env["STORE"] == "databricks"
    assert "--workers" in spec["command"] and int(spec["command"][spec["command"].index("--workers") + 1]) > 1
    assert _worker_count(deployed.gunicorn.pid) == int(spec["command"][spec["command"].index("--workers") + 1])


def _worker_count(master: int) -> int:
    """gunicorn's worker processes: the children of the master."""
    children = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children += int(fields[1]) == master
    return children


def test_pages_link_htmx_and_css_under_hashed_urls_that_resolve(deployed: Deployed) -> None:
    status, headers, body = _get(deployed.base + "/work-items")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    html = body.decode()
    assert "INC-" in html  # the seeded items are listed
    urls = STATIC_URL.findall(html)
    assert any("/static/vendor/htmx.min.js?v=" in u for u in urls) and any("/static/css/app.css?v=" in u for u in urls)
    for url in urls:
        status, headers, content = _get(deployed.base + url.replace("&amp;", "&"))
        name, _, version = url.split("/static/", 1)[1].partition("?v=")
        assert status == 200 and headers["Cache-Control"] == IMMUTABLE, url
        assert version == hashlib.sha256(content).hexdigest()[:12], url
        expected = "text/css" if name.endswith(".css") else "text/javascript"
        assert headers["Content-Type"].startswith(expected), (url, headers["Content-Type"])


def test_htmx_and_its_sse_extension_come_from_the_npm_package(deployed: Deployed) -> None:
    dist = deployed.source / "node_modules" / "htmx.org" / "dist"
    for served, package in (("vendor/htmx.min.js", dist / "htmx.min.js"),
                            ("vendor/ext/hx-sse.min.js", dist / "ext" / "hx-sse.min.js")):
        expected = package.read_bytes()
        version = hashlib.sha256(expected).hexdigest()[:12]
        status, headers, content = _get(f"{deployed.base}/static/{served}?v={version}")
        assert status == 200 and content == expected, served
        assert headers["Content-Type"].startswith("text/javascript") and headers["Cache-Control"] == IMMUTABLE
    assert b"htmx" in (dist / "ext" / "hx-sse.min.js").read_bytes()


def _create(base: str, user: str) -> int:
    body = json.dumps({"item_type": "improvement", "title": "Rapid idea"}).encode()
    request = urllib.request.Request(base + "/api/v1/work-items", data=body, method="POST",
                                     headers={"X-Forwarded-Email": user, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def _answered_by(log: Path, count: int) -> list[str]:
    """The worker pid of each create in the access log (GUNICORN_CMD_ARGS adds the pid), for the latest burst."""
    lines = [line for line in log.read_text().splitlines() if '"POST /api/v1/work-items' in line]
    return [line.split()[0] for line in lines[-count:]]


def test_the_create_limit_holds_exactly_across_the_workers(deployed: Deployed) -> None:
    """N+1 rapid creates of one user against the create limit of N (the default; app.yaml sets none): exactly N
    are accepted and one gets 429. The access log shows the creates spread over several workers, none of which
    answered N+1 itself, so counts kept per worker would have accepted all N+1. (The spread is the kernel's
    choice: a burst that happened to land on one worker is repeated for another user, at most 3 times.)"""
    limit = int(SETTINGS["RATELIMIT_CREATE"][0].split(";")[0].split("/")[0])
    for attempt in range(3):
        user = f"burst{attempt}@example.com"
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(_create, [deployed.base] * (limit + 1), [user] * (limit + 1)))
        assert statuses.count(201) == limit and statuses.count(429) == 1, statuses
        time.sleep(0.5)  # the access log line follows the response
        workers = _answered_by(deployed.log, limit + 1)
        if len(set(workers)) > 1 and max(workers.count(w) for w in workers) <= limit:
            break
    else:
        raise AssertionError(f"three bursts each landed on one worker: {workers}")
    assert (deployed.data_dir / ".ratelimits.sqlite3").is_file()  # the counts the workers share
