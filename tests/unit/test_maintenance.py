"""delta-maintain compacts, checkpoints and vacuums without losing data or confusing other readers."""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
import pytest
from deltalake import DeltaTable, write_deltalake

from app.services.work_items import WorkItemService
from app.store import delta_log, maintenance
from tests.unit.conftest import PLATFORMS, REPORTER, TRIAGER, incident, open_store


def test_maintain_compacts_and_keeps_every_row(tmp_path: Path) -> None:
    data = tmp_path / "data"
    writer = WorkItemService(open_store(data), PLATFORMS)
    reader = open_store(data)
    ids = [writer.create(REPORTER, incident(title=f"item {n}")).id for n in range(5)]
    for item_id in ids:
        writer.comment(TRIAGER, item_id, "looking")
    files_before = len(DeltaTable(str(data / "work_item_events")).file_uris())
    report = open_store(data).maintain(retention_hours=0)
    assert report["work_item_events"]["files_removed"] >= 2
    assert len(DeltaTable(str(data / "work_item_events")).file_uris()) < files_before
    writer.comment(TRIAGER, ids[0], "after maintenance")
    fresh = WorkItemService(open_store(data), PLATFORMS)
    assert fresh.list(None, {}).total == 5
    assert len(fresh.events(ids[0], None)) == 3
    detail = WorkItemService(reader, PLATFORMS).detail(ids[0], None)
    assert [c.body for c in detail.comments] == ["looking", "after maintenance"], "no duplicates from compaction"


def test_cli_command_prints_a_report(tmp_path: Path) -> None:
    from tests.fixtures import create_app  # the app's store is closed when the test ends

    app = create_app({"DATA_DIR": str(tmp_path / "data")})
    result = app.test_cli_runner().invoke(args=["delta-maintain", "--retention-hours", "0"])
    assert result.exit_code == 0, result.output
    assert '"work_items"' in result.output and '"version"' in result.output


def test_the_events_log_and_files_stay_small_and_lagging_readers_still_see_everything(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delta_log, "KEEP_COMMITS", 10)
    monkeypatch.setattr(maintenance, "MAINTAIN_EVERY", 50)
    data = tmp_path / "data"
    store = open_store(data)
    lagging = open_store(data)
    lagging._closed.set()  # a suspended process: no follower, no requests, until the end
    service = WorkItemService(store, PLATFORMS)
    item = service.create(REPORTER, incident())
    for n in range(250):  # several maintenance runs: an older checkpoint stands in for what is trimmed
        service.comment(TRIAGER, item.id, f"note {n}")
        if n % 60 == 59:
            store.flush()  # runs maintenance when due, as the background maintainer would
    store.flush()
    events = DeltaTable(str(data / "work_item_events"))
    assert len(events.file_uris()) < 120, "the maintainer compacts the one-file-per-commit events table"
    log_dir = data / "work_item_events" / "_delta_log"
    assert not (log_dir / f"{1:020d}.json").exists(), "log entries far behind the checkpoint are removed"
    assert (log_dir / f"{events.version() - 5:020d}.json").exists(), "recent entries stay for readers"
    detail = WorkItemService(lagging, PLATFORMS).detail(item.id, None)
    assert len(detail.comments) == 250 and detail.events[-1].payload["body"] == "note 249"
    assert len(WorkItemService(open_store(data), PLATFORMS).detail(item.id, None).comments) == 250


def test_an_idle_process_keeps_up_with_other_writers_without_any_request(tmp_path: Path) -> None:
    data = tmp_path / "data"
    idle = open_store(data)
    item = WorkItemService(open_store(data), PLATFORMS).create(REPORTER, incident(title="written elsewhere"))
    deadline = time.monotonic() + 10
    while item.id not in idle.model.items and time.monotonic() < deadline:
        time.sleep(0.1)
    assert idle.model.items[item.id].title == "written elsewhere", "the follower folded the other writer's event"


def test_the_latest_version_is_found_from_the_log_whatever_was_trimmed(tmp_path: Path) -> None:
    table = tmp_path / "t"
    (table / "_delta_log").mkdir(parents=True)
    assert delta_log.latest_version(str(table)) == -1, "no commit yet"
    for version in range(0, 38):
        (table / "_delta_log" / f"{version:020d}.json").write_text("{}\n")
    assert delta_log.latest_version(str(table)) == 37
    (table / "_delta_log" / "_last_checkpoint").write_text('{"version": 30, "size": 1}')
    for version in range(0, 25):
        (table / "_delta_log" / f"{version:020d}.json").unlink()
    for version in range(38, 1000):
        (table / "_delta_log" / f"{version:020d}.json").write_text("{}\n")
    assert delta_log.latest_version(str(table)) == 999
    real = str(tmp_path / "real")
    write_deltalake(real, pa.table({"n": pa.array([1], pa.int64())}))
    write_deltalake(real, pa.table({"n": pa.array([2], pa.int64())}), mode="append")
    assert delta_log.latest_version(real) == DeltaTable(real).version() == 1


def test_projections_keep_moving_while_the_events_table_is_compacted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A compaction racing thousands of appends once held the projector for 6.6 minutes (issue #11, finding
    5): the background compaction of the events table must hold neither the projector nor the writers."""
    import threading

    monkeypatch.setattr(maintenance, "MAINTAIN_EVERY", 1)
    store = open_store(tmp_path / "data")
    service = WorkItemService(store, PLATFORMS)
    item = service.create(REPORTER, incident())
    compacting, release = threading.Event(), threading.Event()
    handle = store._maintainer._tables["work_item_events"]
    real_compact = handle.compact

    def slow_compact(target_size: int | None = None) -> dict:
        compacting.set()
        release.wait(60)
        return real_compact(target_size)

    monkeypatch.setattr(handle, "compact", slow_compact)
    runner = threading.Thread(target=store._maintainer.run_due, kwargs={"wait": True})
    runner.start()
    assert compacting.wait(30), "maintenance started"
    written = threading.Thread(target=service.comment, args=(TRIAGER, item.id, "during compaction"))
    written.start()  # the background compaction holds no writer lock: writes go on
    written.join(30)
    assert not written.is_alive(), "a write waited for the background compaction of the events table"
    projected = threading.Thread(target=store._projector.drain)
    projected.start()
    projected.join(30)
    assert not projected.is_alive(), "the projector was not held by the events compaction"
    release.set()
    runner.join(60)
    store.flush()
    assert [c.body for c in store.get_detail(item.id, None).comments] == ["during compaction"]
    rows = DeltaTable(str(tmp_path / "data" / "work_items")).to_pyarrow_dataset().to_table(use_threads=False)
    assert rows.num_rows == 1
