"""HTTP throughput: the app and a static baseline under gunicorn (2 workers x 2 threads, no --preload), by wrk.

Every figure is also given as a ratio to the static 5 KB page measured in the same run at the same
number of connections. A route that answers 404 is reported as missing instead of being measured.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from deltalake import DeltaTable

from app.store.delta_tables import read_table

CONNECTIONS = (4, 16)
KINDS = ("list", "detail", "create", "comment")


THREADS = int(os.environ.get("BENCH_THREADS", "2"))  # per worker; more threads only add GIL contention
WARMUP_SECONDS = 3
SETTLE_SECONDS = 1.0
REPEATS = 3


class Server:
    """gunicorn with 2 workers of THREADS threads each (threads let group commit batch concurrent writes) on
    a free port; waits until every worker has loaded the app."""

    def __init__(self, target: str, env: dict[str, str], ready_dir: Path | None = None) -> None:
        self.port = _free_port()
        self.ready_dir = ready_dir
        cmd = [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", str(THREADS), "-b", f"127.0.0.1:{self.port}",
               "--timeout", "600",
               "--log-level", "warning", target]
        self.proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                     stderr=open(Path(tempfile.gettempdir()) / f"dd-bench-{self.port}.log", "w"))
        self.url = f"http://127.0.0.1:{self.port}"

    def wait(self, timeout: float = 600) -> float:
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            ready = self.ready_dir is None or len(list(self.ready_dir.glob("worker-*"))) >= 2
            if ready and _answers(self.url):
                return time.perf_counter() - started
            time.sleep(0.3)
        raise TimeoutError("gunicorn workers did not become ready")

    def worker_rss_mb(self) -> list[float]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        out = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            out.append(int(status.split("VmRSS:")[1].split()[0]) / 1024)
        return out

    def stop(self) -> None:
        """Stop gunicorn and wait until its workers are gone too: they project their last writes into the
        data folder on the way out, and the folder may be deleted next."""
        try:
            workers = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            workers = []
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        deadline = time.monotonic() + 60
        while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()
        return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def probe(url: str, kind: str, item_id: str) -> tuple[int, str]:
    """One request of this kind: (status, start of the body)."""
    headers = {"X-Forwarded-Email": "bench.probe@example.com", "Accept": "application/json"}
    data = None
    path = {"list": "/work-items", "detail": f"/work-items/{item_id}", "static": "/",
            "create": "/api/v1/work-items", "comment": f"/api/v1/work-items/{item_id}/comments"}[kind]
    if kind == "create":
        data = {"item_type": "incident", "title": "Probe incident", "severity": "sev3", "impact": "probe",
                "platform": "kafka"}
    elif kind == "comment":
        data = {"body": "Probe comment"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url + path, data=json.dumps(data).encode() if data else None, headers=headers,
                                     method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(200).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(200).decode(errors="replace")


def session_cookie(url: str) -> str:
    """The session cookie the app gives a reader on a first page view (`name=value`), or ""."""
    request = urllib.request.Request(url + "/work-items", headers={"X-Forwarded-Email": "bench.reader@example.com"})
    with urllib.request.urlopen(request, timeout=30) as response:
        header = response.headers.get("Set-Cookie", "")
    return header.split(";", 1)[0]


def wrk_median(url: str, lua: str, connections: int, seconds: int, repeats: int = REPEATS) -> dict[str, Any]:
    """The run with the median throughput among `repeats` wrk runs of `seconds` each.

    Each run opens fresh connections, and which gunicorn worker accepts a connection is left to chance:
    with 4 connections one run may give all of them to one worker (one core) and the next split them
    2-2, a twofold swing. The median of several runs keeps one lucky or unlucky split from setting the
    figure. Runs start SETTLE_SECONDS apart: a worker still answering the last run's queued requests
    is slow to accept, so without the pause the idle worker took every connection of the next run
    (measured: 16-0 splits in four runs out of six, alternating between the workers)."""
    runs = []
    for _ in range(repeats):
        time.sleep(SETTLE_SECONDS)
        runs.append(wrk(url, lua, connections, seconds))
    good = sorted((r for r in runs if "rps" in r), key=lambda r: r["rps"])
    if not good:
        return runs[-1]
    return {**good[len(good) // 2], "runs_rps": [round(r["rps"], 1) for r in good]}


def wrk(url: str, lua: str, connections: int, seconds: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua)
    try:
        done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", fh.name,
                               url], capture_output=True, text=True, timeout=seconds + 60)
    finally:
        os.unlink(fh.name)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        return {"error": (done.stdout + done.stderr)[-300:]}
    raw = json.loads(line[len("WRKJSON "):])
    non2xx = next((int(x.split(":")[1]) for x in done.stdout.splitlines() if "Non-2xx" in x), 0)
    return {"rps": raw["requests"] / (raw["duration_us"] / 1e6), "p50_ms": raw["p50_us"] / 1000,
            "p95_ms": raw["p95_us"] / 1000, "p99_ms": raw["p99_us"] / 1000, "requests": raw["requests"],
            "non_2xx": non2xx, "socket_errors": raw["connect_errors"] + raw["read_errors"] + raw["timeouts"]}


def ensure_wrk() -> str | None:
    """Path of wrk; installs Debian's package when missing and allowed (root)."""
    if shutil.which("wrk") is None and os.geteuid() == 0:
        subprocess.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk",
                       shell=True, capture_output=True)
    return shutil.which("wrk")


def sample_ids(folder: Path, count: int = 500) -> list[str]:
    ids = read_table(DeltaTable(str(folder / "work_items")), columns=["id"])["id"].to_pylist()
    return ids[:: max(1, len(ids) // count)][:count]
