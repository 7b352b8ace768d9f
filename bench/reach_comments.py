"""Comment write latency with and without reach: 50 watchers, 2 webhooks, the notifier and dispatcher running.

Both runs write real Delta commits in their own temp DATA_DIR through the app's services, as the routes call
them. The baseline is a bare WorkItemService over a DeltaStore (no notifier, no dispatcher, nobody else
watching); the reach run is a whole app from create_app, whose notifier and webhook dispatcher threads fan
each comment out after its commit point while the next comments are written. Afterwards the bench waits for
every notification and delivery to arrive, so the figure is not flattered by work that never happened.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import create_app
from app.config import DEFAULT_PLATFORMS
from app.core.context import Services, services
from app.models import Actor, Role
from app.services.work_items import WorkItemService
from app.store.delta_store import DeltaStore
from bench.embedded import Result, percentile
from bench.reach_receiver import Receiver

PLATFORMS = DEFAULT_PLATFORMS.split(",")
WATCHERS = 50
HOOKS = ("/hook-a", "/hook-b")
AUTHOR = Actor("reach-author@example.com", Role.REPORTER)
ADMIN = Actor("reach-admin@example.com", Role.ADMIN)
ITEM = {"item_type": "improvement", "title": "Reach bench: comment fan-out", "description": "Watched closely."}
ARRIVAL_TIMEOUT = 600.0
GAP_SECONDS = 0.02  # between comments: 300 of them span several notifier and dispatcher polls (1 s each)


def paced(n: int, op: Callable[[int], Any], gap: float = GAP_SECONDS) -> Result:
    """Like bench.embedded.timed, but one write every `gap` seconds (the pause is not timed): written back to
    back, 300 comments of about 1 ms each would all commit before the notifier's first poll, and the figure
    would not show the fan-out running beside the writes."""
    wall, cpu = [], []
    for i in range(n):
        time.sleep(gap)
        w, c = time.perf_counter(), time.process_time()
        op(i)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return {"n": n, "p50": statistics.median(wall), "p95": percentile(wall, 95), "cpu_p50": statistics.median(cpu),
            "max": max(wall)}


def baseline(folder: Path, n: int) -> Result:
    """N comments on an item nobody else watches, with no notifier or dispatcher in the process."""
    store = DeltaStore(folder)
    try:
        service = WorkItemService(store, PLATFORMS)
        item = service.create(AUTHOR, ITEM)
        service.comment(AUTHOR, item.id, "warm-up")
        return paced(n, lambda i: service.comment(AUTHOR, item.id, f"Baseline comment {i}."))
    finally:
        store.close()


def _watched_item(svc: Services, receiver: Receiver) -> str:
    """An item with WATCHERS explicit watchers and then len(HOOKS) webhooks for every event (registered last,
    so they get only the comments); the setup's own events are fanned out before the timing starts."""
    item = svc.work_items.create(AUTHOR, ITEM)
    for i in range(WATCHERS):
        svc.watchers.set_watching(Actor(f"watcher{i}@example.com", Role.REPORTER), item.id, True)
    for path in HOOKS:
        svc.webhooks.create(ADMIN, {"url": receiver.url + path, "events": ["*"]})
    svc.notifier.drain()
    return item.id


def _arrivals(svc: Services, receiver: Receiver, n: int, finished: float) -> dict[str, Any]:
    """Wait until one watcher's inbox holds the N comments and the receiver got N deliveries per webhook;
    how many arrived, and how long after the last write the last of them did."""
    watcher = Actor("watcher0@example.com", Role.REPORTER)
    during = {"inbox": svc.notifications.inbox(watcher, {}).total, "deliveries": receiver.total()}
    inbox = during["inbox"]
    while (inbox < n or receiver.total() < n * len(HOOKS)) and time.perf_counter() - finished < ARRIVAL_TIMEOUT:
        time.sleep(0.05)
        inbox = svc.notifications.inbox(watcher, {}).total
    return {"inbox_of_one_watcher": inbox, "expected_each": n,
            "deliveries": {path: receiver.count(path) for path in HOOKS},
            "all_arrived_s_after_last_write": round(time.perf_counter() - finished, 2), "by_last_write": during}


def with_reach(folder: Path, n: int) -> tuple[Result, dict[str, Any]]:
    """N comments on the watched, webhooked item while the app's notifier and dispatcher run."""
    receiver = Receiver().start()
    app = create_app({"DATA_DIR": str(folder), "AUTH_MODE": "proxy", "LOG_LEVEL": "WARNING",
                      "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", "WEBHOOK_DISPATCH": "1"})
    svc = services(app)
    try:
        item_id = _watched_item(svc, receiver)
        svc.work_items.comment(AUTHOR, item_id, "warm-up")
        result = paced(n, lambda i: svc.work_items.comment(AUTHOR, item_id, f"Reach comment {i}."))
        return result, _arrivals(svc, receiver, n + 1, time.perf_counter())
    finally:
        svc.store.close()
        receiver.stop()
