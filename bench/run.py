"""`make bench`: the large store, embedded operation latencies, start-up, memory, HTTP throughput, live streams.

Prints figures and writes them to bench/results/<UTC time>.json; it never asserts timings.
Options: --samples N (per operation), --skip-http, --http-seconds S, --small (a 5 000-item store),
--skip-reach (the comment fan-out and inbox figures of bench/reach.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from app.seed.bulk_data import Sizes
from bench.dataset import PLATFORMS, prepare
from bench.embedded import EmbeddedBench, Result
from bench.startup import rss_mb

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    """What the figures were measured on (other load on the machine skews them: see loadavg)."""
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "loadavg_at_start": os.getloadavg(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def print_table(title: str, rows: dict[str, Result]) -> None:
    print(f"\n{title}\n{'operation':<48} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'max ms':>8}")
    for name, r in rows.items():
        print(f"{name:<48} {r['n']:>5} {r['p50']:>8.2f} {r['p95']:>8.2f} {r['cpu_p50']:>8.2f} {r['max']:>8.1f}")


def startup(folder: Path) -> dict[str, float]:
    """Open the store in a fresh process: load time and resident memory at this size."""
    done = subprocess.run([sys.executable, "-m", "bench.startup", str(folder)], check=True, capture_output=True,
                          text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--http-seconds", type=int, default=5, help="per wrk run (each figure: median of 3 runs)")
    parser.add_argument("--small", action="store_true", help="5 000 items (quick check of the bench itself)")
    parser.add_argument("--skip-reach", action="store_true", help="skip bench/reach.py (issue #13's targets)")
    args = parser.parse_args(argv)
    sizes = Sizes(5_000, 50_000, 20_000, 100_000) if args.small else Sizes()
    report: dict[str, Any] = {"machine": machine(), "sizes": sizes.__dict__}
    print(f"DeltaDesk benchmark on {report['machine']['cpu']} ({report['machine']['cores']} cores), "
          f"load average {report['machine']['loadavg_at_start']}")
    with tempfile.TemporaryDirectory(prefix="dd-bench-", ignore_cleanup_errors=True) as tmp:
        folder, note = prepare(Path(tmp), sizes)
        print(f"data: {note}; {sizes}")
        report["startup"] = startup(folder)
        print("start-up (fresh process): load {load_s:.1f} s (cpu {load_cpu_s:.1f} s), RSS {rss_mb:.0f} MiB, "
              "peak {peak_rss_mb:.0f} MiB, {items} items".format(**report["startup"]))
        report["embedded"] = embedded(folder, args.samples)
        report["integrity"] = integrity(folder)
        if not args.skip_http:
            from bench.http_run import run_http
            from bench.streams import run_streams  # 200 live streams across 2 gthread workers

            report["http"] = run_http(folder, PLATFORMS, args.http_seconds)
            report["streams"] = run_streams(folder, PLATFORMS, args.http_seconds)
    if not args.skip_reach:  # its own temp folders; waits for every notification and webhook delivery
        from bench.reach import run as run_reach

        report["reach"] = run_reach()
    report["machine"]["loadavg_at_end"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{report['machine']['date'].replace(':', '')}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"\nload average at end {report['machine']['loadavg_at_end']}; figures saved to {out}")
    return report


def embedded(folder: Path, samples: int) -> dict[str, Any]:
    from app.store.delta_store import DeltaStore

    store = DeltaStore(folder)
    bench = EmbeddedBench(store, PLATFORMS, samples)
    reads = bench.reads()
    print_table("Embedded reads (WorkItemService over the in-memory read model)", reads)
    writes = bench.writes()
    print_table("Embedded writes (intent, event append, apply: real Delta commits)", writes)
    rss, peak = rss_mb()
    print(f"\nbench process: RSS {rss:.0f} MiB (peak {peak:.0f} MiB) after the operations above")
    store.close()
    return {"reads": reads, "writes": writes, "rss_mb": rss, "peak_rss_mb": peak}


def integrity(folder: Path) -> dict[str, Any]:
    """Projection lag under writes with a maintenance run in the middle; the events log beside its data."""
    from bench.integrity import lag_under_maintenance, log_size

    lag = lag_under_maintenance(folder)
    print("\nWrites with `delta-maintain` in the middle (4 threads, 20 s): {writes} writes, p95 {write_p95_ms:.1f} ms, "
          "max {write_max_ms:.0f} ms; maintenance {maintenance_s:.1f} s; worst projection lag "
          "{worst_projection_lag_s:.2f} s; writer lock held {longest_writer_lock_hold_s:.2f} s, projector lock "
          "{longest_projector_lock_hold_s:.2f} s at most".format(**lag))
    sizes = log_size()
    for label, figures in sizes.items():
        print(f"events log after 2 000 writes, {label}: {figures['log_kib']:.0f} KiB log, "
              f"{figures['live_data_kib']:.0f} KiB live data, catch-up of 200 commits "
              f"{figures['catch_up_200_commits_ms']:.0f} ms")
    return {"lag": lag, "log_size": sizes}


if __name__ == "__main__":
    main()
