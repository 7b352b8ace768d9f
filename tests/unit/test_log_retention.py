"""Every version the log keeps can be opened, and its change feed read; vacuum never takes a file they need.

Trimming used to delete the checkpoint at its cutoff too, so no reader could open the versions the log
still held (issue #11, finding 6)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from deltalake import DeltaTable

from app.services.errors import StorageFull
from app.services.work_items import WorkItemService
from app.store import delta_log, maintenance
from app.store.ddl import table_defs
from app.store.delta_store import DeltaStore
from app.store.delta_tables import read_table
from tests.unit.conftest import PLATFORMS, REPORTER, TRIAGER, incident, open_store


def _kept_versions(table: Path) -> list[int]:
    names = os.listdir(table / "_delta_log")
    return sorted({int(n[:20]) for n in names if n.endswith(".json") and n[:20].isdigit()})


def test_the_oldest_kept_version_opens_and_its_change_feed_reads_after_trims_and_vacuum(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delta_log, "KEEP_COMMITS", 20)
    monkeypatch.setattr(maintenance, "MAINTAIN_EVERY", 40)
    data = tmp_path / "data"
    store = open_store(data)
    service = WorkItemService(store, PLATFORMS)
    item = service.create(REPORTER, incident())
    for n in range(200):
        service.comment(TRIAGER, item.id, f"note {n}")
        if n % 45 == 44:
            store.flush()  # compaction, checkpoint and trim when due
    store.maintain(retention_hours=0)  # asks for no retention at all: vacuum must still keep what is needed
    events = data / "work_item_events"
    kept = _kept_versions(events)
    assert kept[0] > 0, "old entries were trimmed"
    oldest = delta_log.oldest_kept(str(events))
    assert oldest is not None and oldest <= kept[0]
    for version in (oldest, kept[len(kept) // 2], kept[-1]):
        table = DeltaTable(str(events), version=version)
        assert read_table(table).num_rows > 0, f"version {version} opens and its files are all there"
    feed = DeltaTable(str(events)).load_cdf(starting_version=oldest).read_all()
    assert feed.num_rows > 0, "the change feed reads from the oldest kept version"


def test_vacuum_runs_on_its_own_schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(maintenance, "MAINTAIN_EVERY", 5)
    monkeypatch.setattr(maintenance, "VACUUM_EVERY_SECONDS", 0.0)
    store = open_store(tmp_path / "data")
    vacuumed: list[tuple[str, int]] = []
    monkeypatch.setattr(store._maintainer, "_vacuum", lambda name, hours: vacuumed.append((name, hours)) or 0)
    service = WorkItemService(store, PLATFORMS)
    item = service.create(REPORTER, incident())
    for n in range(6):
        service.comment(TRIAGER, item.id, f"note {n}")
    store.flush()
    # every table but the tokens': the projections, the inbox, mail and webhook tables (their merges retry
    # when a compaction commits first)
    assert {name for name, _ in vacuumed} == set(table_defs()) - {"api_tokens"}
    assert {"work_item_events", "work_item_notifications", "webhook_deliveries"} <= set(table_defs())


def test_a_data_dir_that_is_a_url_is_refused_with_a_message(tmp_path: Path) -> None:
    for url in ("s3://bucket/x", "abfss://c@acct.dfs.core.windows.net/x", "file:///tmp/x"):
        with pytest.raises(ValueError, match="local disk"):
            DeltaStore(url)
    assert not (Path.cwd() / "s3:").exists(), "no local folder named after the URL"


def test_a_full_disk_refuses_the_write_with_storage_full_and_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(tmp_path / "data")
    service = WorkItemService(store, PLATFORMS)
    item = service.create(REPORTER, incident())
    store.flush()  # the create's rows are projected: any intent left below is the refused write's

    def full(*args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.tables["work_item_events"], "append_after", full)
    with pytest.raises(StorageFull) as refused:
        service.comment(TRIAGER, item.id, "kept in the form")
    assert refused.value.status == 507 and "disk is full" in refused.value.message
    monkeypatch.undo()
    assert open_store(tmp_path / "data").get_detail(item.id, None).comments == []
    assert not list((tmp_path / "data" / "_intents").glob("*.json")), "no intent left for a write that never was"


def test_the_log_is_never_trimmed_past_a_live_reader_and_is_once_it_is_gone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    monkeypatch.setattr(delta_log, "KEEP_COMMITS", 10)
    monkeypatch.setattr(maintenance, "MAINTAIN_EVERY", 30)
    data = tmp_path / "data"
    store = open_store(data)
    service = WorkItemService(store, PLATFORMS)
    item = service.create(REPORTER, incident())
    reader = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])  # a stalled reader
    try:
        (data / "_followers" / str(reader.pid)).write_text("3")  # it has folded up to version 3
        for n in range(100):
            service.comment(TRIAGER, item.id, f"note {n}")
            if n % 35 == 34:
                store.flush()
        store.flush()
        log_dir = data / "work_item_events" / "_delta_log"
        assert (log_dir / f"{4:020d}.json").exists(), "the stalled reader's next entry is kept"
    finally:
        reader.kill()
        reader.wait()
    for n in range(40):
        service.comment(TRIAGER, item.id, f"more {n}")
    store.flush()
    assert not (log_dir / f"{4:020d}.json").exists(), "trimmed once the reader is gone"
    assert not (data / "_followers" / str(reader.pid)).exists()
