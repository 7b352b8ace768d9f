"""Concurrent writers on the same Delta tables: threads in one process and separate processes."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from app.services.errors import VersionConflict
from app.services.work_items import WorkItemService
from tests.unit import race_workers
from tests.unit.conftest import PLATFORMS, REPORTER, TRIAGER, incident, open_store

SPAWN = multiprocessing.get_context("spawn")  # delta-rs cannot survive a fork


def test_threads_with_the_same_expected_version_exactly_one_wins(service: WorkItemService) -> None:
    item = service.create(REPORTER, incident())
    outcomes: list[str] = []
    start = threading.Barrier(6)

    def attempt(target: str) -> None:
        start.wait()
        try:
            service.transition(TRIAGER, item.id, target, 1, "dup" if target == "closed" else None)
            outcomes.append("won")
        except VersionConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=attempt, args=("triaged" if n % 2 else "closed",)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["won"]
    events = service.events(item.id, None)
    assert [e.version for e in events] == [1, 2], "one state change, one event"


def test_processes_with_the_same_expected_version_exactly_one_wins(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    seed = WorkItemService(open_store(data), PLATFORMS)
    item = seed.create(REPORTER, incident())
    barrier, results = SPAWN.Barrier(4), SPAWN.Queue()
    procs = [SPAWN.Process(target=race_workers.race_transition, args=(data, item.id, "triaged", barrier, results))
             for _ in range(4)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sorted(kind for kind, _ in outcomes) == ["conflict", "conflict", "conflict", "won"]
    fresh = WorkItemService(open_store(data), PLATFORMS)
    assert fresh.get(item.id, None).item.version == 2
    assert [e.event_type for e in fresh.events(item.id, None)] == ["created", "state_changed"]
    assert seed.get(item.id, None).item.state == "triaged", "a running store sees other processes' writes"


def test_concurrent_creates_in_processes_get_unique_keys(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    open_store(data)
    barrier, results = SPAWN.Barrier(3), SPAWN.Queue()
    procs = [SPAWN.Process(target=race_workers.race_create, args=(data, 4, barrier, results)) for _ in range(3)]
    for p in procs:
        p.start()
    keys = [results.get(timeout=120) for _ in range(12)]
    for p in procs:
        p.join(timeout=60)
    assert sorted(keys, key=lambda k: int(k.split("-")[1])) == [f"INC-{n}" for n in range(1, 13)]
    assert open_store(data).model.max_number["incident"] == 12
