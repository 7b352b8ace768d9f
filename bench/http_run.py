"""Runs the HTTP benchmark (static baseline, then the app) and prints throughput and ratios."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.http_bench import (
    CONNECTIONS,
    KINDS,
    REPEATS,
    THREADS,
    WARMUP_SECONDS,
    Server,
    ensure_wrk,
    probe,
    sample_ids,
    session_cookie,
    wrk,
    wrk_median,
)
from bench.wrk_scripts import script

TARGETS = {"detail": 0.25, "list": 0.20}


def run_http(folder: Path, platforms: list[str], seconds: int) -> dict[str, Any]:
    if ensure_wrk() is None:
        print("\nHTTP benchmark skipped: wrk is not installed (apt-get install wrk)")
        return {"skipped": "wrk missing"}
    ids = sample_ids(folder)
    out: dict[str, Any] = {"seconds": seconds, "connections": CONNECTIONS}
    static = Server("bench.static_app:app", {})
    try:
        static.wait()
        wrk(static.url, script("static", ids, platforms), CONNECTIONS[0], WARMUP_SECONDS)
        out["static"] = {c: wrk_median(static.url, script("static", ids, platforms), c, seconds) for c in CONNECTIONS}
    finally:
        static.stop()
    with tempfile.TemporaryDirectory(prefix="dd-ready-") as ready:
        env = {"DATA_DIR": str(folder), "AUTH_MODE": "proxy", "RATELIMIT_ENABLED": "0", "USE_MOCK_DATA": "0",
               "LOG_LEVEL": "WARNING", "BENCH_READY_DIR": ready}
        app = Server("bench.app_wsgi:app", env, Path(ready))
        try:
            out["workers_ready_s"] = app.wait()
            out["worker_rss_mb_at_start"] = app.worker_rss_mb()
            for kind in KINDS:
                out[kind] = measure(app.url, kind, ids, platforms, seconds)
            out["worker_rss_mb_at_end"] = app.worker_rss_mb()
        finally:
            app.stop()
    report(out)
    return out


def measure(url: str, kind: str, ids: list[str], platforms: list[str], seconds: int) -> dict[str, Any]:
    """wrk at each connection count after an unrecorded warm-up (first views of a page render what
    later views reuse), unless the route is missing or refuses the probe request. Page views carry the
    session cookie a returning browser has."""
    status, body = probe(url, kind, ids[0])
    if status == 404:
        return {"missing": "route missing (404)"}
    if not 200 <= status < 300:
        return {"missing": f"probe answered HTTP {status}: {' '.join(body.split())[:120]}"}
    lua = script(kind, ids, platforms, session_cookie(url) if kind in ("list", "detail") else "")
    wrk(url, lua, CONNECTIONS[0], WARMUP_SECONDS)
    return {c: wrk_median(url, lua, c, seconds) for c in CONNECTIONS}


def report(out: dict[str, Any]) -> None:
    print(f"\nHTTP (gunicorn 2 workers x {THREADS} threads, wrk -t2; each figure the median of {REPEATS} runs of "
          f"{out['seconds']} s, all runs' req/s in brackets); workers ready in "
          f"{out.get('workers_ready_s', 0):.1f} s, worker RSS {_mb(out.get('worker_rss_mb_at_start'))} at start, "
          f"{_mb(out.get('worker_rss_mb_at_end'))} at end")
    print(f"{'route':<10} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'non-2xx':>8} {'vs static':>10}  runs")
    for kind in ("static", *KINDS):
        runs = out.get(kind, {})
        if "missing" in runs:
            print(f"{kind:<10} {runs['missing']}")
            continue
        for c in CONNECTIONS:
            r = runs.get(c, {})
            if "error" in r or not r:
                print(f"{kind:<10} {c:>5} wrk failed: {r.get('error', 'no result')}")
                continue
            base = out["static"].get(c, {}).get("rps") or 0
            ratio = f"{r['rps'] / base:.2f}" if base else "-"
            print(f"{kind:<10} {c:>5} {r['rps']:>9.1f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
                  f"{r['non_2xx']:>8} {ratio:>10}  {r.get('runs_rps', '')}")


def _mb(values: list[float] | None) -> str:
    return "/".join(f"{v:.0f}" for v in values) + " MiB" if values else "?"
