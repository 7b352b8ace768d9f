"""Replaying a Databricks Apps deploy on this machine: the upload, Apps' build steps, app.yaml's env and
command, and small HTTP helpers for the started app (used by test_apps_deploy.py)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from app.config import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = {"sql-warehouse": "0123456789abcdef", "secret-key": secrets.token_hex(32)}  # valueFrom -> test value
USER = "alice@example.com"


@dataclass
class Deployed:
    """The started app: its URL, the uploaded folder, its DATA_DIR, the gunicorn master and its log."""

    base: str
    source: Path
    data_dir: Path
    gunicorn: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def upload(source: Path) -> None:
    """What Apps receives: the repository's files without anything git ignores (here: what git tracks)."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, names.decode().split("\0")):
        origin = ROOT / name
        if origin.is_file():
            target = source / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)
    assert not (source / "node_modules").exists() and not (source / "static" / "vendor").exists()


def base_env(venv: Path) -> dict[str, str]:
    """This machine's environment minus every DeltaDesk setting and Python/venv variable, the venv first on PATH."""
    drop = set(SETTINGS) | {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "FLASK_APP", "FLASK_DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_step(command: list[str], source: Path, env: dict[str, str], timeout: int = 150) -> None:
    done = subprocess.run(command, cwd=source, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"


def build_like_apps(source: Path, venv: Path, env: dict[str, str]) -> None:
    """Apps' build steps, in its order, in the uploaded folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    run_step(["npm", "install"], source, env)
    run_step([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-compile",
              "-r", "requirements.txt"], source, env, timeout=170)
    scripts = json.loads((source / "package.json").read_text()).get("scripts", {})
    assert "build" in scripts, "package.json defines no build script: Apps would not build the assets"
    run_step(["npm", "run", "build"], source, env)


def app_env(spec: dict, base: dict[str, str], port: int, data_dir: Path) -> dict[str, str]:
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


def app_command(spec: dict, port: int, path: str) -> list[str]:
    """app.yaml's command as Apps runs it: no shell, only $DATABRICKS_APP_PORT substituted."""
    command = [str(arg).replace("$DATABRICKS_APP_PORT", str(port)) for arg in spec["command"]]
    found = shutil.which(command[0], path=path)
    assert found, f"{command[0]} is not installed by requirements.txt"
    return [found, *command[1:]]


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Email": USER, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def wait_until_up(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError("the app.yaml command exited:\n" + log.read_text()[-4000:])
        try:
            if http_get(base + "/api/v1/work-items")[0] == 200:
                return
        except (urllib.error.URLError, OSError):  # not listening yet, or a worker still starting
            pass
        time.sleep(0.3)
    raise AssertionError("the app did not answer within 90 s:\n" + log.read_text()[-4000:])


def worker_count(master: int) -> int:
    """gunicorn's worker processes: the children of the master."""
    children = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children += int(fields[1]) == master
    return children


def create_item(base: str, user: str) -> int:
    body = json.dumps({"item_type": "improvement", "title": "Rapid idea"}).encode()
    request = urllib.request.Request(base + "/api/v1/work-items", data=body, method="POST",
                                     headers={"X-Forwarded-Email": user, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def answered_by(log: Path, count: int) -> list[str]:
    """The worker pid of each create in the access log (GUNICORN_CMD_ARGS adds the pid), for the latest burst."""
    lines = [line for line in log.read_text().splitlines() if '"POST /api/v1/work-items' in line]
    return [line.split()[0] for line in lines[-count:]]
