"""Concurrent writes in one process share events-table commits without mixing up their checks."""

from __future__ import annotations

import os
import threading

import pytest
from deltalake import DeltaTable

from app.services.errors import StoreUnavailable, VersionConflict
from app.services.work_items import WorkItemService
from app.store.delta_store import DeltaStore
from app.store.delta_tables import read_table
from tests.unit.conftest import OTHER, REPORTER, TRIAGER, incident


def _run_all(jobs: list) -> list:
    results: list = [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def run(n: int) -> None:
        start.wait()
        try:
            results[n] = jobs[n]()
        except Exception as exc:  # collected for the assertions
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_parallel_writes_all_land_with_fewer_commits(service: WorkItemService, store: DeltaStore) -> None:
    items = [service.create(REPORTER, incident(title=f"item {n}")) for n in range(8)]
    before = store.tables["work_item_events"].version()
    jobs = [lambda i=i: service.comment(OTHER, i.id, "same here") for i in items]
    jobs += [lambda i=i: service.vote(OTHER, i.id) for i in items]
    jobs += [lambda: service.create(REPORTER, incident(title="parallel create")) for _ in range(8)]
    results = _run_all(jobs)
    assert not [r for r in results if isinstance(r, Exception)]
    commits = store.tables["work_item_events"].version() - before
    assert commits < len(jobs), "some writes shared a commit"
    keys = sorted(int(r.key.split("-")[1]) for r in results[16:])
    assert keys == list(range(9, 17)), "keys stay unique and dense inside batches"
    for item in items:
        detail = service.detail(item.id, OTHER)
        assert (detail.view.vote_count, detail.view.comment_count, detail.view.my_vote) == (1, 1, True)
        assert [e.seq for e in detail.events] == [1, 2, 3]


def test_two_writes_to_one_item_never_share_a_batch(service: WorkItemService) -> None:
    item = service.create(REPORTER, incident())
    jobs = [lambda: service.transition(TRIAGER, item.id, "triaged", 1) for _ in range(4)]
    jobs += [lambda: service.comment(OTHER, item.id, "ping") for _ in range(4)]
    results = _run_all(jobs)
    assert sum(not isinstance(r, Exception) for r in results[:4]) == 1
    assert all(isinstance(r, VersionConflict) for r in results[:4] if isinstance(r, Exception))
    events = service.events(item.id, None)
    assert [e.seq for e in events] == list(range(1, 7))
    assert [e.event_type for e in events].count("commented") == 4


def test_a_failed_commit_writes_nothing_and_says_so(service: WorkItemService, store: DeltaStore,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    item = service.create(REPORTER, incident())
    store.flush()

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store.tables["work_item_events"], "append_after", broken)
    with pytest.raises(StoreUnavailable):
        service.transition(TRIAGER, item.id, "triaged", 1)
    monkeypatch.undo()
    assert service.get(item.id, None).item.state == "new"
    assert not os.listdir(store.root / "_intents")
    assert len(read_table(DeltaTable(str(store.root / "work_item_events")))) == 1
    assert service.transition(TRIAGER, item.id, "triaged", 1).version == 2
