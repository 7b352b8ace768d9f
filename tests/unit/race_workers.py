"""Code run in spawned child processes by the concurrency and crash tests (importable, top level)."""

from __future__ import annotations

import os
import sys
from typing import Any

from app.models import Actor, Role
from app.services.errors import VersionConflict
from app.services.work_items import WorkItemService
from app.store.delta_store import DeltaStore

PLATFORMS = ["spark", "kafka", "airflow"]
TRIAGER = Actor("tess@example.com", Role.TRIAGER)


def race_transition(data_dir: str, item_id: str, to_state: str, barrier: Any, results: Any) -> None:
    """Open an own store, wait for the others, then try the same expected_version=1 transition."""
    service = WorkItemService(DeltaStore(data_dir), PLATFORMS)
    actor = Actor(f"triager{os.getpid()}@example.com", Role.TRIAGER)
    barrier.wait()
    try:
        service.transition(actor, item_id, to_state, 1)
        results.put(("won", os.getpid()))
    except VersionConflict as exc:
        results.put(("conflict", exc.current.version))


def race_create(data_dir: str, count: int, barrier: Any, results: Any) -> None:
    service = WorkItemService(DeltaStore(data_dir), PLATFORMS)
    actor = Actor(f"r{os.getpid()}@example.com", Role.REPORTER)
    barrier.wait()
    for n in range(count):
        item = service.create(actor, {"item_type": "incident", "title": f"race {n}", "severity": "sev3",
                                      "platform": "spark"})
        results.put(item.key)


def crash_during(data_dir: str, action: str, item_id: str) -> None:
    """Run one write in a fresh process; DELTADESK_FAULT in the environment kills it midway."""
    service = WorkItemService(DeltaStore(data_dir), PLATFORMS)
    if action == "transition":
        service.transition(TRIAGER, item_id, "triaged", 1)
    elif action == "comment":
        service.comment(TRIAGER, item_id, "written just before the crash")
    elif action == "vote":
        service.vote(TRIAGER, item_id)
    elif action == "create":
        service.create(TRIAGER, {"item_type": "improvement", "title": "Created before the crash"})
    sys.exit(0)
