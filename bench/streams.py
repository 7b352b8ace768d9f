"""The live pages' phase of `make bench`: 200 open streams across 2 gunicorn gthread workers.

Measures (issue #14's targets): how long a write takes to reach every open stream it changes (p50/p95/max
over WRITES comments on an improvement sent through the API, each reaching the detail and list streams of
both workers; the status streams must hear nothing of it: the status board shows incidents only), the CPU
of the two workers while the streams sit idle (against the same workers with no stream open), and the
list/detail page throughput against the static page without streams, with them open, and after they closed.
Alone: `python -m bench.streams [--data DIR] [--small]` (DIR: a store folder to copy, e.g. bench/.data)."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.http_bench import WARMUP_SECONDS, Server, _free_port, sample_ids, session_cookie, wrk, wrk_median
from bench.sse_clients import SseClients, post, timed_get
from bench.wrk_scripts import script

STREAMS = {"item": 100, "list": 60, "status": 40}  # 200 pages: one improvement's detail, lists, status boards
THREADS = 128  # per worker: LIVE_WORKER_STREAMS defaults to 124, the other 4 serve pages and writes
WRITES, IDLE_SECONDS, CONNECTIONS, HEARTBEAT = 20, 20, 4, 15


class StreamServer(Server):
    """bench.app_wsgi under gunicorn, 2 gthread workers of THREADS threads (Server's, with more threads)."""

    def __init__(self, env: dict[str, str], ready_dir: Path) -> None:
        self.port, self.ready_dir, self.url = _free_port(), ready_dir, ""
        cmd = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", str(THREADS),
               "-b", f"127.0.0.1:{self.port}", "--timeout", "600", "--log-level", "warning", "bench.app_wsgi:app"]
        self.proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                     stderr=open(Path(tempfile.gettempdir()) / f"dd-bench-{self.port}.log", "w"))
        self.url = f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        return [int(p) for p in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]

    def cpu_seconds(self) -> float:
        """user + system CPU of the workers so far."""
        total = 0.0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total


def idle_share(server: StreamServer, seconds: float = IDLE_SECONDS) -> float:
    """The workers' CPU over `seconds` of quiet, as a share of one core."""
    before, started = server.cpu_seconds(), time.perf_counter()
    time.sleep(seconds)
    return (server.cpu_seconds() - before) / (time.perf_counter() - started)


def pages(server: StreamServer, ids: list[str], platforms: list[str], seconds: int) -> dict[str, Any]:
    """list and detail at CONNECTIONS connections (median of 3 runs after a warm-up), as a returning reader."""
    cookie = session_cookie(server.url)
    out = {}
    for kind in ("list", "detail"):
        lua = script(kind, ids, platforms, cookie)
        wrk(server.url, lua, CONNECTIONS, WARMUP_SECONDS)
        out[kind] = wrk_median(server.url, lua, CONNECTIONS, seconds)
    return out


def open_streams(server: StreamServer, item_id: str) -> tuple[SseClients, SseClients]:
    """The streams a comment on the item changes (detail, list), and the status streams it must not."""
    changed, status = SseClients(), SseClients()
    topics = {"item": f"item:{item_id}", "list": "list", "status": "status"}
    for kind, count in STREAMS.items():
        for n in range(count):
            (status if kind == "status" else changed).open(
                "127.0.0.1", server.port, f"/events/stream?topics={topics[kind]}", f"{kind}{n}@example.com")
    changed.start()
    status.start()
    return changed, status


def reach(server: StreamServer, clients: SseClients, item_id: str) -> list[float]:
    """Seconds from sending each comment to the moment the last open stream had it."""
    times = []
    for n in range(WRITES):
        time.sleep(0.7 + (n % 5) * 0.13)  # writes land at different points of the other worker's follow cycle
        before = clients.counts()
        started = time.perf_counter()
        post(server.url, f"/api/v1/work-items/{item_id}/comments", {"body": f"Bench comment {n}"})
        arrived = clients.wait_for(before)
        times.append((arrived - started) if arrived is not None else float("inf"))
    return times


def run_streams(folder: Path, platforms: list[str], seconds: int = 5) -> dict[str, Any]:
    ids = sample_ids(folder)
    static = Server("bench.static_app:app", {})
    try:
        static.wait()
        wrk(static.url, script("static", ids, platforms), CONNECTIONS, WARMUP_SECONDS)
        static_rps = wrk_median(static.url, script("static", ids, platforms), CONNECTIONS, seconds)["rps"]
    finally:
        static.stop()
    with tempfile.TemporaryDirectory(prefix="dd-ready-") as ready:
        env = {"DATA_DIR": str(folder), "AUTH_MODE": "proxy", "RATELIMIT_ENABLED": "0", "USE_MOCK_DATA": "0",
               "LOG_LEVEL": "WARNING", "BENCH_READY_DIR": ready, "LIVE_HEARTBEAT_SECONDS": str(HEARTBEAT)}
        server = StreamServer(env, Path(ready))
        try:
            server.wait()
            out = measure(server, ids, platforms, seconds)
        finally:
            server.stop()
    out["static_rps"] = static_rps
    report(out)
    return out


def measure(server: StreamServer, ids: list[str], platforms: list[str], seconds: int) -> dict[str, Any]:
    """Pages and idle CPU without streams, then the same with STREAMS open, and the writes' reach."""
    out: dict[str, Any] = {"without": pages(server, ids, platforms, seconds), "idle_without": idle_share(server)}
    item = post(server.url, "/api/v1/work-items", {"item_type": "improvement", "title": "Bench improvement"})
    time.sleep(2)  # the other worker's follower folds the creation before the streams open
    clients, status = open_streams(server, item["id"])
    try:
        out["streams"] = len(clients.connections) + len(status.connections)
        out["retried"] = clients.retried + status.retried
        out["idle_with"] = idle_share(server)
        out["reach_s"] = reach(server, clients, item["id"])
        out["status_messages"] = sum(status.counts())
        out["with"] = pages(server, ids, platforms, seconds)
        out["status_page"] = timed_get(server.url + "/status")
    finally:
        clients.close()
        status.close()
    time.sleep(HEARTBEAT + 1)  # a hung-up stream is freed when its next heartbeat cannot be written
    out["after"] = pages(server, ids, platforms, seconds)  # the first run may still share the CPU with start-up
    return out


def report(out: dict[str, Any]) -> None:
    reach_ms = sorted(t * 1000 for t in out["reach_s"])
    p95 = reach_ms[max(0, round(len(reach_ms) * 0.95) - 1)]
    print(f"\nLive streams (gunicorn 2 gthread workers x {THREADS} threads, {out['streams']} streams open: "
          f"{STREAMS['item']} detail, {STREAMS['list']} list, {STREAMS['status']} status; {out['retried']} "
          "refused by a full worker and reopened)")
    print(f"a comment reached every detail and list stream: p50 {statistics.median(reach_ms):.0f} ms, p95 {p95:.0f} "
          f"ms, max {reach_ms[-1]:.0f} ms over {len(reach_ms)} writes; the status streams got "
          f"{out['status_messages']} messages (an improvement is not on the status board)")
    print("status page (what a status stream carries when an incident changes): {kib:.0f} KiB in {ms:.0f} ms"
          .format(**out["status_page"]))
    idle, busy = out["idle_without"] * 100, out["idle_with"] * 100
    print(f"idle workers: {idle:.2f} % of a core without streams, {busy:.2f} % with them open ({IDLE_SECONDS} s "
          f"each): the idle streams cost {busy - idle:.2f} %")
    print(f"{'route':<15} {'conns':>5} {'req/s':>9} {'p95 ms':>8} {'vs static':>10}  "
          f"(static {out['static_rps']:.0f} req/s)")
    for phase in ("without", "with", "after"):
        for kind, r in out[phase].items():
            ratio = r["rps"] / out["static_rps"] if "rps" in r else 0
            print(f"{kind + ' ' + phase:<15} {CONNECTIONS:>5} {r.get('rps', 0):>9.1f} {r.get('p95_ms', 0):>8.1f} "
                  f"{ratio:>10.2f}")


def main() -> None:
    from app.seed.bulk_data import Sizes
    from bench.dataset import PLATFORMS, prepare

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", help="a store folder to copy (else bench/.data is built or reused)")
    parser.add_argument("--small", action="store_true", help="5 000 items (when building)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="dd-bench-", ignore_cleanup_errors=True) as tmp:
        if args.data:
            folder = Path(tmp) / "data"
            shutil.copytree(args.data, folder, ignore=shutil.ignore_patterns(".complete.json", ".writer.lock"))
        else:
            folder = prepare(Path(tmp), Sizes(5_000, 50_000, 20_000, 100_000) if args.small else Sizes())[0]
        run_streams(folder, PLATFORMS)
    print(f"load average at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
