"""Projection lag under a write load with a maintenance run in the middle, and what the log costs on disk.

`python -m bench.integrity [folder]`: with a folder (the large store), writer threads comment for a while,
`delta-maintain` runs halfway through, and the worst time a write waited for its projected rows is printed
with how long maintenance held the writer and projector locks. `log_size()` measures the events log beside
its data with and without the row copy in each commit (see delta_log.portable_rows), and how long another
process takes to catch up on those commits either way.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from deltalake import DeltaTable

from app.models import Actor, Role
from app.services.work_items import WorkItemService
from app.store import delta_log
from app.store.delta_store import DeltaStore
from bench.embedded import percentile

PLATFORMS = ["sql-warehouse", "kafka", "airflow", "mlflow"]


def lag_under_maintenance(folder: Path, seconds: float = 20.0, writers: int = 4) -> dict[str, Any]:
    """Comments from `writers` threads for `seconds`; a full maintenance run starts halfway, in its own thread
    (as `flask delta-maintain` would run beside the app). The writers stop on time whatever maintenance does."""
    store = DeltaStore(folder)
    service = WorkItemService(store, PLATFORMS)
    targets = list(store.model.items)[:200]
    latencies: list[float] = []
    stop = threading.Event()
    maintenance: dict[str, Any] = {}

    def write(n: int) -> None:
        actor, i = Actor(f"lag{n}@example.com", Role.REPORTER), 0
        while not stop.is_set():
            started = time.perf_counter()
            service.comment(actor, targets[(n * 37 + i) % len(targets)], f"lag bench {n}/{i}")
            latencies.append((time.perf_counter() - started) * 1000)
            i += 1

    def maintain() -> None:
        began = time.perf_counter()
        try:
            store.maintain(retention_hours=168)
        except Exception as exc:  # reported, not raised: the writers must still be stopped
            maintenance["error"] = repr(exc)
        maintenance["seconds"] = time.perf_counter() - began

    store._projector.worst_lag = 0.0
    threads = [threading.Thread(target=write, args=(n,), daemon=True) for n in range(writers)]
    runner = threading.Thread(target=maintain, daemon=True)
    try:
        for thread in threads:
            thread.start()
        time.sleep(seconds / 2)
        runner.start()
        time.sleep(seconds / 2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    runner.join()
    store.flush()
    result = {"writes": len(latencies), "write_p95_ms": percentile(latencies, 95),
              "write_max_ms": max(latencies), "maintenance_s": maintenance["seconds"],
              "maintenance_error": maintenance.get("error"), "worst_projection_lag_s": store.projection_lag(),
              "longest_writer_lock_hold_s": store._maintainer.longest_hold["writer"],
              "longest_projector_lock_hold_s": store._maintainer.longest_hold["projector"]}
    store.close()
    return result


def _bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def log_size(commits: int = 2000) -> dict[str, Any]:
    """Log bytes against data bytes after `commits` one-comment writes, with and without the row copy, and
    the time a second process needs to catch up on 200 commits."""
    out: dict[str, Any] = {}
    original = delta_log.MAX_COPIED_ROWS
    for label, copied in (("row copy", delta_log.MAX_COPIED_ROWS), ("no row copy", 0)):
        delta_log.MAX_COPIED_ROWS = copied
        with tempfile.TemporaryDirectory(prefix="dd-log-") as tmp:
            store, reader = DeltaStore(tmp), DeltaStore(tmp)
            reader._closed.set()  # catches up only when asked
            service = WorkItemService(store, PLATFORMS)
            actor = Actor("log@example.com", Role.TRIAGER)
            item = service.create(actor, {"item_type": "improvement", "title": "Log size bench"})
            catch_up: list[float] = []
            for n in range(commits):
                service.comment(actor, item.id, f"note {n}: a comment of about the usual length for a ticket")
                if n % 200 == 199:
                    started = time.perf_counter()
                    reader._fresh()
                    catch_up.append((time.perf_counter() - started) * 1000)
            store.flush()
            events = Path(tmp) / "work_item_events"
            log_bytes = _bytes(events / "_delta_log")
            live = sum(DeltaTable(str(events)).get_add_actions(flatten=True).column("size_bytes").to_pylist())
            out[label] = {"log_kib": log_bytes / 1024, "live_data_kib": live / 1024,
                          "data_files_on_disk_kib": (_bytes(events) - log_bytes) / 1024,
                          "catch_up_200_commits_ms": statistics.median(catch_up)}
            reader.close()
            store.close()
    delta_log.MAX_COPIED_ROWS = original
    return out


def main(argv: list[str]) -> dict[str, Any]:
    report: dict[str, Any] = {"log_size": log_size()}
    if argv:
        report["lag"] = lag_under_maintenance(Path(argv[0]))
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    main(sys.argv[1:])
