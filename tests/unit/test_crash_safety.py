"""A writer killed between the audit event commit and the table change loses nothing."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from deltalake import DeltaTable

from app.services.work_items import WorkItemService
from app.store.delta_store import DeltaStore
from app.store.delta_tables import read_table
from tests.unit import race_workers
from tests.unit.conftest import PLATFORMS, REPORTER, incident, open_store

SPAWN = multiprocessing.get_context("spawn")


def _crash(data: str, action: str, item_id: str, fault: str) -> int:
    os.environ["DELTADESK_FAULT"] = fault
    try:
        proc = SPAWN.Process(target=race_workers.crash_during, args=(data, action, item_id))
        proc.start()
        proc.join(timeout=120)
    finally:
        del os.environ["DELTADESK_FAULT"]
    return proc.exitcode


def _rows(data: str, table: str) -> list[dict]:
    return read_table(DeltaTable(f"{data}/{table}")).to_pylist()


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[str, str]:
    data = str(tmp_path / "data")
    store = DeltaStore(data)
    item = WorkItemService(store, PLATFORMS).create(REPORTER, incident())
    store.close()
    return data, item.id


def test_crash_after_event_is_finished_on_next_start(seeded: tuple[str, str]) -> None:
    data, item_id = seeded
    assert _crash(data, "transition", item_id, "after_event") == 70
    assert [r["state"] for r in _rows(data, "work_items")] == ["new"], "the table change never happened"
    assert os.listdir(f"{data}/_intents"), "the intent survived the crash"
    service = WorkItemService(open_store(data), PLATFORMS)
    item = service.get(item_id, None).item
    assert (item.state, item.version) == ("triaged", 2)
    assert [e.event_type for e in service.events(item_id, None)] == ["created", "state_changed"]
    assert [(r["state"], r["version"]) for r in _rows(data, "work_items")] == [("triaged", 2)]
    assert not os.listdir(f"{data}/_intents")


def test_running_process_sees_the_change_and_its_projector_adopts_it(seeded: tuple[str, str]) -> None:
    data, item_id = seeded
    store = open_store(data)
    service = WorkItemService(store, PLATFORMS)
    assert _crash(data, "comment", item_id, "after_event") == 70
    detail = service.detail(item_id, None)
    assert [c.body for c in detail.comments] == ["written just before the crash"]
    service.vote(REPORTER, item_id)
    store.flush()  # what the background projector does after every write: it adopts dead writers' intents
    assert [r["body"] for r in _rows(data, "work_item_comments")] == ["written just before the crash"]
    assert [r["voter"] for r in _rows(data, "work_item_votes")] == [REPORTER.id]
    assert not os.listdir(f"{data}/_intents")


@pytest.mark.parametrize("action", ["create", "vote", "comment", "transition"])
def test_crash_before_event_writes_nothing(seeded: tuple[str, str], action: str) -> None:
    data, item_id = seeded
    assert _crash(data, action, item_id, "before_event") == 70
    service = WorkItemService(open_store(data), PLATFORMS)
    assert [e.event_type for e in service.events(item_id, None)] == ["created"]
    assert service.list(None, {}).total == 1
    assert len(_rows(data, "work_item_events")) == 1
    assert not os.listdir(f"{data}/_intents")


@pytest.mark.parametrize("action", ["create", "vote", "comment"])
def test_recovery_is_idempotent_when_the_crash_came_after_the_change(seeded: tuple[str, str], action: str) -> None:
    data, item_id = seeded
    assert _crash(data, action, item_id, "after_projection") == 70
    assert os.listdir(f"{data}/_intents")
    service = WorkItemService(open_store(data), PLATFORMS)
    tables = {"create": "work_items", "vote": "work_item_votes", "comment": "work_item_comments"}
    expected = 2 if action == "create" else 1
    assert len(_rows(data, tables[action])) == expected, "recovery did not duplicate the row"
    assert len(_rows(data, "work_item_events")) == 2
    assert service.list(None, {}).total == (2 if action == "create" else 1)
