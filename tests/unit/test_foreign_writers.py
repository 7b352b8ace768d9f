"""Other Delta writers beside the running app: every committed event reaches every process, once.

Each test stands for something seen when other tools touched the tables (issue #11): our own maintenance
overlapping itself, a notebook's append landing between our catch-up and our commit, a job appending under
load, a constraint added while the app runs."""

from __future__ import annotations

import json
import multiprocessing
import time
from pathlib import Path

import pytest
from deltalake import DeltaTable

from app.services.errors import StoreUnavailable
from app.services.work_items import WorkItemService
from app.store import blind_append
from app.store.delta_tables import read_table
from tests.unit import foreign_writers
from tests.unit.conftest import PLATFORMS, REPORTER, TRIAGER, incident, open_store

SPAWN = multiprocessing.get_context("spawn")  # delta-rs cannot survive a fork


def _events(data: Path) -> list[dict]:
    return read_table(DeltaTable(str(data / "work_item_events"))).to_pylist()


def _wait_for(check, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        time.sleep(0.05)
    return check()


def test_maintenance_runs_in_two_processes_beside_writes_never_duplicate_an_event(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = open_store(data)
    item = WorkItemService(store, PLATFORMS).create(REPORTER, incident())
    workers = [SPAWN.Process(target=foreign_writers.comment_for, args=(str(data), item.id, 150))]
    workers += [SPAWN.Process(target=foreign_writers.maintain_for, args=(str(data), 8.0)) for _ in range(2)]
    for worker in workers:
        worker.start()
    while any(w.is_alive() for w in workers):
        store.maintain(retention_hours=0)  # and the background maintainer of this process beside them
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    rows = _events(data)
    assert len(rows) == len({r["event_id"] for r in rows}) == 151, "every event once in the table"
    fresh = open_store(data)
    assert [e.event_type for e in fresh.events_for(item.id)].count("created") == 1
    assert len(fresh.get_detail(item.id, None).comments) == 150


def test_readers_drop_event_rows_that_appear_twice_and_count_them(tmp_path: Path) -> None:
    data = tmp_path / "data"
    service = WorkItemService(open_store(data), PLATFORMS)
    item = service.create(REPORTER, incident())
    service.comment(TRIAGER, item.id, "once")
    doubled = [r for r in _events(data) if r["event_type"] == "commented"]
    foreign_writers.append_events(str(data / "work_item_events"), doubled)  # as a doubled compaction left it
    fresh = open_store(data)
    assert [c.body for c in fresh.get_detail(item.id, None).comments] == ["once"]
    assert [e.event_type for e in fresh.events_for(item.id)] == ["created", "commented"]
    assert fresh.model.duplicates_dropped == 1


def test_an_append_landing_between_our_catch_up_and_our_commit_is_folded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    store = open_store(data)
    service = WorkItemService(store, PLATFORMS)
    item = service.create(REPORTER, incident())
    store._closed.set()  # no follower: only the write path may fold the other writer's commit
    real_append = blind_append.append

    def raced(path: str, rows, read_version: int) -> int:
        foreign_writers.comment_events(path, item.id, 1, first_seq=2)  # takes read_version + 1
        return real_append(path, rows, read_version)

    monkeypatch.setattr(blind_append, "append", raced)
    service.comment(TRIAGER, item.id, "ours")
    bodies = [c.body for c in store.get_detail(item.id, None).comments]
    assert sorted(bodies) == ["from the job 0", "ours"], "the skipped version was read, not jumped over"


def test_every_process_shows_a_jobs_events_written_under_load(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = open_store(data)
    item = WorkItemService(first, PLATFORMS).create(REPORTER, incident())
    second = open_store(data)
    events_path = str(data / "work_item_events")
    workers = [SPAWN.Process(target=foreign_writers.comment_for, args=(str(data), item.id, 60)),
               SPAWN.Process(target=foreign_writers.comment_events, args=(events_path, item.id, 9, 1000))]
    for worker in workers:
        worker.start()
    service = WorkItemService(first, PLATFORMS)
    for n in range(40):
        service.comment(TRIAGER, item.id, f"first {n}")
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    for store in (first, second):
        assert _wait_for(lambda s=store: len(s.get_detail(item.id, None).comments) == 109), \
            f"{len(store.get_detail(item.id, None).comments)} of 109 comments in one process"
        jobs = [c for c in store.get_detail(item.id, None).comments if c.body.startswith("from the job")]
        assert len(jobs) == 9


def test_a_constraint_added_while_the_app_runs_is_honoured_on_the_next_write(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = open_store(data)
    service = WorkItemService(store, PLATFORMS)
    item = service.create(REPORTER, incident())
    service.comment(TRIAGER, item.id, "before the rule")  # the blind append is in use
    DeltaTable(str(data / "work_item_events")).alter.add_constraint({"no_votes": "event_type <> 'voted'"})
    with pytest.raises(StoreUnavailable) as refused:
        service.vote(TRIAGER, item.id)
    assert "rule" in refused.value.message and refused.value.status == 503
    service.comment(TRIAGER, item.id, "after the rule")  # allowed rows still go in, through delta-rs
    rows = _events(data)
    assert not [r for r in rows if r["event_type"] == "voted"], "no row violating the constraint was written"
    assert open_store(data).get_detail(item.id, None).vote_count == 0
    assert [c.body for c in open_store(data).get_detail(item.id, None).comments] == ["before the rule",
                                                                                    "after the rule"]


def test_a_constraint_committed_during_our_append_is_never_written_past(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    store = open_store(data)
    service = WorkItemService(store, PLATFORMS)
    item = service.create(REPORTER, incident())
    real_append = blind_append.append

    def raced(path: str, rows, read_version: int) -> int:
        DeltaTable(path).alter.add_constraint({"no_votes": "event_type <> 'voted'"})
        monkeypatch.setattr(blind_append, "append", real_append)
        return real_append(path, rows, read_version)

    monkeypatch.setattr(blind_append, "append", raced)
    with pytest.raises(StoreUnavailable):
        service.vote(TRIAGER, item.id)
    assert not [r for r in _events(data) if r["event_type"] == "voted"]
    assert store.get_detail(item.id, None).vote_count == 0, "nothing acknowledged, nothing shown"


def test_a_column_invariant_added_by_another_writer_is_checked(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = open_store(data)
    service = WorkItemService(store, PLATFORMS)
    item = service.create(REPORTER, incident())
    events = data / "work_item_events"
    _add_invariant(events, "created_by", "created_by <> 'tess@example.com'")
    assert not blind_append.supports(DeltaTable(str(events)), store.tables["work_item_events"].schema)
    with pytest.raises(StoreUnavailable):
        service.comment(TRIAGER, item.id, "tess may not write any more")
    assert not [r for r in _events(data) if r["created_by"] == TRIAGER.id]


def _add_invariant(table_path: Path, column: str, expression: str) -> None:
    """A metaData commit that gives one column a `delta.invariants` rule (writer feature of protocol 2)."""
    table = DeltaTable(str(table_path))
    schema = json.loads(table.schema().to_json())
    for field in schema["fields"]:
        if field["name"] == column:
            field["metadata"] = {"delta.invariants": json.dumps({"expression": {"expression": expression}})}
    meta = table.metadata()
    action = {"metaData": {"id": meta.id, "format": {"provider": "parquet", "options": {}},
                           "schemaString": json.dumps(schema), "partitionColumns": [],
                           "configuration": meta.configuration, "createdTime": meta.created_time}}
    version = table.version() + 1
    (table_path / "_delta_log" / f"{version:020d}.json").write_text(json.dumps(action) + "\n")
