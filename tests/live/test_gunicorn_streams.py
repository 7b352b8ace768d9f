"""Live streams under gunicorn's gthread workers (two processes, real Delta tables): a write in one worker
reaches the streams held by both, open streams never starve page requests, and idle streams cost little CPU."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures import RBAC
from tests.live.sse import Stream

ROOT = Path(__file__).resolve().parents[2]
THREADS, WORKER_STREAMS, STREAMS = 16, 12, 16


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    (tmp_path / "rbac.toml").write_text(RBAC)
    port = _free_port()
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "AUTH_MODE": "proxy", "SECRET_KEY": "live-secret",
           "RBAC_FILE": str(tmp_path / "rbac.toml"), "LOG_LEVEL": "WARNING", "LIVE_HEARTBEAT_SECONDS": "2",
           "LIVE_WORKER_STREAMS": str(WORKER_STREAMS)}
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", str(THREADS),
                             "-b", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        _wait_up(port, proc)
        yield proc, port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _wait_up(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "gunicorn exited"
        try:
            if _call(port, "GET", "/api/v1/work-items")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 60 s")


def _call(port: int, method: str, path: str, body: object = None, user: str = "bob@example.com") -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"X-Forwarded-Email": user, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, json.loads(response.read() or b"{}")


def _cpu_seconds(parent: int) -> float:
    """user + system CPU of the parent's worker processes, in seconds."""
    total = 0.0
    for entry in os.listdir("/proc"):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.isdigit() and int(fields[1]) == parent:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@pytest.mark.slow
def test_streams_in_two_gthread_workers(gunicorn: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = gunicorn
    _, item = _call(port, "POST", "/api/v1/work-items", {"item_type": "improvement", "title": "Faster CI runs"})
    streams = [Stream(("127.0.0.1", port), f"item:{item['id']}", headers={"X-Forwarded-Email": f"u{n}@example.com"})
               for n in range(STREAMS)]
    accepted = [s for s in streams if s.response.status == 200]
    assert all(s.response.status in (200, 503) for s in streams)  # a full worker says so at once
    assert len(accepted) >= WORKER_STREAMS  # each worker holds at most WORKER_STREAMS, the rest are refused
    for stream in accepted:
        stream.next()

    page_times = []
    for _ in range(10):  # pages are answered while every stream is open: threads are left for them
        started = time.monotonic()
        assert _call(port, "GET", f"/api/v1/work-items/{item['id']}")[0] == 200
        page_times.append(time.monotonic() - started)
    cpu_before, idle_started = _cpu_seconds(proc.pid), time.monotonic()
    time.sleep(4)
    idle_share = (_cpu_seconds(proc.pid) - cpu_before) / (time.monotonic() - idle_started)

    _call(port, "POST", f"/api/v1/work-items/{item['id']}/comments", {"body": "Reached every worker"})
    started = time.monotonic()
    for stream in accepted:
        stream.until("Reached every worker", seconds=5)
    reach = time.monotonic() - started
    for stream in streams:
        stream.close()
    print(f"\n{len(accepted)} streams; page p100 {max(page_times) * 1000:.0f} ms; idle workers "
          f"{idle_share * 100:.1f} % of a core; a comment reached every stream in {reach:.2f} s")
    assert max(page_times) < 2.0
    assert idle_share < 0.10  # followers and heartbeats only; make bench measures the < 2 % target
    assert reach < 3.0  # the other worker's follower folds it within a second


@pytest.mark.slow
def test_a_stopping_worker_ends_its_streams_instead_of_waiting_out_the_graceful_timeout(
        gunicorn: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = gunicorn
    streams = [Stream(("127.0.0.1", port), "list", headers={"X-Forwarded-Email": f"u{n}@example.com"})
               for n in range(4)]
    for stream in streams:
        assert stream.response.status == 200
        stream.next()
    started = time.monotonic()
    proc.terminate()  # gunicorn's graceful stop: each worker gets SIGTERM and waits for its open connections
    proc.wait(timeout=40)
    stopped = time.monotonic() - started
    ended = 0
    for stream in streams:
        try:
            while True:
                stream.next()
        except (EOFError, OSError):
            ended += 1
        stream.close()
    assert ended == len(streams)
    assert stopped < 10  # gunicorn's graceful timeout is 30 s; the streams would otherwise hold it that long
