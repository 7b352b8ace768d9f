"""The millisecond blind append writes ordinary Delta commits: delta-rs reads, feeds, checkpoints and
compacts them like its own, and two commits never take the same version."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pyarrow as pa
import pytest
from deltalake import DeltaTable, write_deltalake

from app.store import blind_append, delta_log
from app.store.ddl import table_defs
from app.store.delta_tables import DeltaTableHandle, read_table

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def event(n: int) -> dict[str, object]:
    return {"event_id": f"e{n}", "item_id": "item-1", "seq": n, "event_type": "commented",
            "payload": f'{{"body": "note {n}"}}', "version": 1, "created_at": NOW + dt.timedelta(seconds=n),
            "created_by": "ana@example.com"}


@pytest.fixture
def events(tmp_path: Path) -> DeltaTableHandle:
    handle = DeltaTableHandle(tmp_path, table_defs()["work_item_events"])
    handle.ensure()
    return handle


def test_appended_rows_read_back_through_delta_rs_with_their_types(events: DeltaTableHandle) -> None:
    version = events.append_after([event(1), event(2)], events.version())
    assert version == events.version() + 1
    table = read_table(DeltaTable(events.path))
    assert table.schema.names == events.schema.names
    rows = sorted(table.to_pylist(), key=lambda r: r["seq"])
    assert [r["event_id"] for r in rows] == ["e1", "e2"]
    assert rows[1]["created_at"] == NOW + dt.timedelta(seconds=2)
    history = DeltaTable(events.path).history(1)[0]
    assert history["operation"] == "WRITE" and history["isBlindAppend"] is True


def test_the_change_feed_checkpoints_and_compaction_treat_them_as_inserts(events: DeltaTableHandle) -> None:
    start = events.version()
    for n in range(1, 6):
        events.append_after([event(n)], start + n - 1)
    table = DeltaTable(events.path)
    feed = pa.table(table.load_cdf(starting_version=start + 1).read_all())
    assert sorted(feed["seq"].to_pylist()) == [1, 2, 3, 4, 5]
    assert set(feed["_change_type"].to_pylist()) == {"insert"}
    table.create_checkpoint()
    assert read_table(DeltaTable(events.path)).num_rows == 5, "a reader starting from the checkpoint"
    metrics = events.compact()
    assert metrics["numFilesRemoved"] == 5 and read_table(DeltaTable(events.path)).num_rows == 5
    assert events.append_after([event(6)], events.version()) == events.version() + 1


def test_a_concurrent_commit_pushes_the_append_to_the_next_free_version(events: DeltaTableHandle) -> None:
    stale = events.version()
    write_deltalake(events.path, events.rows([event(1)]), mode="append")  # another writer took stale + 1
    assert events.append_after([event(2)], stale) == stale + 2
    assert sorted(read_table(DeltaTable(events.path))["seq"].to_pylist()) == [1, 2]
    assert not [n for n in os.listdir(Path(events.path) / "_delta_log") if n.endswith(".tmp")]


def test_null_in_a_not_null_column_is_refused_before_anything_is_written(events: DeltaTableHandle) -> None:
    before = events.version()
    with pytest.raises(ValueError, match="created_by"):
        events.append_after([{**event(1), "created_by": None}], before)
    assert DeltaTable(events.path).version() == before
    assert not [n for n in os.listdir(events.path) if n.endswith(".parquet")]


def test_tables_needing_more_of_a_writer_are_left_to_delta_rs(tmp_path: Path) -> None:
    path = str(tmp_path / "checked")
    write_deltalake(path, pa.table({"n": pa.array([1], pa.int64())}))
    table = DeltaTable(path)
    ours = pa.schema([pa.field("n", pa.int64())])
    assert blind_append.supports(table, ours)
    table.alter.add_constraint({"positive": "n > 0"})
    assert not blind_append.supports(DeltaTable(path), ours)


def test_a_reader_catches_up_from_the_log_entry_with_the_same_rows_as_the_file(events: DeltaTableHandle) -> None:
    start = events.version()
    events.append_after([event(1), event(2)], start)
    write_deltalake(events.path, events.rows([event(3)]), mode="append")  # no copy in its log entry
    entry = Path(events.path) / "_delta_log" / f"{start + 1:020d}.json"
    assert delta_log.ROWS_KEY in entry.read_text(), "the blind append copies its rows into the log entry"
    names = events.schema.names
    rows, end, _ = delta_log.read_appended(events.path, names, start)
    from_files = [tuple(r[n] for n in names) for r in sorted(read_table(DeltaTable(events.path)).to_pylist(),
                                                             key=lambda r: r["seq"])]
    assert end == start + 2 and rows == from_files
    assert rows[0][names.index("created_at")] == NOW + dt.timedelta(seconds=1)
    assert rows[0][names.index("created_at")].utcoffset() == dt.timedelta(0)


def test_a_refresh_that_meets_a_half_listed_log_reads_the_table_again(events: DeltaTableHandle,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Listing _delta_log while appends land can show entry N+1 without N ("found gap"): seen under load."""
    from deltalake.exceptions import DeltaError

    events.append_after([event(1)], events.version())
    calls = []

    def half_listed(self: DeltaTable) -> None:
        calls.append(1)
        raise DeltaError("Generic delta kernel error: Expected contiguous commit files, but found gap")

    monkeypatch.setattr(DeltaTable, "update_incremental", half_listed)
    table = events.refresh()
    assert calls == [1] and table.version() == delta_log.latest_version(events.path)
    assert read_table(table).num_rows == 1
