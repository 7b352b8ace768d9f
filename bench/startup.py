"""Start-up probe, run as its own process: open the store at the given folder, report time and memory."""

from __future__ import annotations

import json
import sys
import time


def rss_mb() -> tuple[float, float]:
    """Current and peak resident set size of this process, in MiB."""
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def main(folder: str) -> dict[str, float]:
    started = time.perf_counter()
    cpu = time.process_time()
    from app.store.delta_store import DeltaStore

    store = DeltaStore(folder)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss, peak = rss_mb()
    store.close()
    return {"load_s": elapsed, "load_cpu_s": cpu, "rss_mb": rss, "peak_rss_mb": peak, "items": len(store.model.items)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
