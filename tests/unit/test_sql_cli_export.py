"""db-init / db-check / db-reconcile, and moving every table between the embedded store and Databricks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.models import Actor, Role
from app.services.work_items import WorkItemService
from app.store.base import ItemQuery
from app.store.export import export_store, import_store
from app.store.sql_store import SqlStore
from tests.contract.conftest import open_sql_store
from tests.contract.duckdb_emulator import EmulatedWarehouse
from tests.fixtures import create_app  # app.create_app; the store is closed when the test ends
from tests.unit.conftest import open_store

TRIAGER = Actor("tri@example.com", Role.TRIAGER)
ANN = Actor("ann@example.com", Role.REPORTER)
BOB = Actor("bob@example.com", Role.REPORTER)


def seed(store: Any) -> list[str]:
    service = WorkItemService(store, ["kafka", "jobs"])
    inc = service.create(ANN, {"item_type": "incident", "title": "Jobs stuck", "platform": "jobs", "severity": "sev2"})
    imp = service.create(BOB, {"item_type": "improvement", "title": "Autoscale warehouses", "problem": "queues"})
    req = service.create(ANN, {"item_type": "platform_request", "title": "New schema", "platform": "kafka",
                               "justification": "project", "needed_by": "2027-02-01"})
    service.transition(TRIAGER, inc.id, "triaged", 1)
    service.update(TRIAGER, inc.id, 2, {"priority": "p1", "assignee": "ops@example.com"})
    service.comment(BOB, inc.id, "Same for **us**")
    service.vote(ANN, imp.id)
    service.vote(BOB, imp.id)
    service.vote(BOB, imp.id, voted=False)
    return [inc.id, imp.id, req.id]


def snapshot(store: Any, ids: list[str]) -> list[Any]:
    details = [store.get_detail(i, "ann@example.com") for i in ids]
    page = store.list_items(ItemQuery(sort="priority", page_size=100))
    return [details, [it.id for it in page.items], page.vote_counts, page.comment_counts]


def app_with(store: SqlStore, tmp_path: Path) -> Any:
    return create_app({"DATA_DIR": str(tmp_path / "unused"), "RATELIMIT_ENABLED": "0"}, store=store)


def test_embedded_to_databricks_and_back_keeps_everything(tmp_path: Path) -> None:
    source = open_store(tmp_path / "embedded")
    ids = seed(source)
    expected = snapshot(source, ids)
    counts = export_store(source, tmp_path / "out")
    assert counts["work_items"] == 3 and counts["work_item_events"] == 9 and counts["work_item_votes"] == 1

    target, _ = open_sql_store(tmp_path / "warehouse")
    assert import_store(target, tmp_path / "out") == counts
    assert snapshot(target, ids) == expected
    with pytest.raises(ValueError, match="empty store"):
        import_store(target, tmp_path / "out")

    service = WorkItemService(target, ["kafka", "jobs"])
    assert service.create(ANN, {"item_type": "incident", "title": "Another one", "platform": "kafka",
                                   "severity": "sev3"}).key == "INC-2"
    assert service.update(TRIAGER, ids[0], 3, {"title": "Jobs stuck since Monday"}).version == 4
    assert [e.seq for e in target.events_for(ids[0])] == [1, 2, 3, 4, 5]

    export_store(target, tmp_path / "back")
    again = open_store(tmp_path / "embedded-again")
    import_store(again, tmp_path / "back")
    reopened = open_store(tmp_path / "embedded-again")
    assert snapshot(reopened, ids) == snapshot(target, ids)
    for store in (source, target, again, reopened):
        store.close()


def test_cli_db_init_check_reconcile_export_import(tmp_path: Path) -> None:
    warehouse = EmulatedWarehouse(tmp_path, "cli_cat")
    store = SqlStore(warehouse.connect, "cli_cat", "desk", recover=False)
    runner = app_with(store, tmp_path).test_cli_runner()
    first = runner.invoke(args=["db-init"])
    assert first.exit_code == 0, first.output
    assert "table work_items created" in first.output and "table api_tokens created" in first.output
    second = runner.invoke(args=["db-init"])
    assert "table work_items exists: properties ensured" in second.output
    check = runner.invoke(args=["db-check"])
    assert check.exit_code == 0 and "All tables, columns and properties are in place." in check.output
    assert runner.invoke(args=["db-reconcile"]).output.strip() == '{"events": 0, "comments": 0, "votes": 0}'

    ids = seed(store)
    exported = runner.invoke(args=["export", "--to", str(tmp_path / "dump")])
    assert exported.exit_code == 0 and '"work_items": 3' in exported.output
    fresh, _ = open_sql_store(tmp_path / "fresh")
    imported = app_with(fresh, tmp_path).test_cli_runner().invoke(args=["import", "--from", str(tmp_path / "dump")])
    assert imported.exit_code == 0, imported.output
    assert snapshot(fresh, ids) == snapshot(store, ids)
    refused = runner.invoke(args=["import", "--from", str(tmp_path / "dump")])
    assert refused.exit_code != 0 and "empty store" in refused.output


def test_db_check_reports_missing_tables_and_properties(tmp_path: Path) -> None:
    warehouse = EmulatedWarehouse(tmp_path, "chk")
    store = SqlStore(warehouse.connect, "chk", "desk", recover=False)
    runner = app_with(store, tmp_path).test_cli_runner()
    missing = runner.invoke(args=["db-check"])
    assert missing.exit_code == 1 and "table work_items is missing" in missing.output
    runner.invoke(args=["db-init"])
    warehouse.properties["chk.desk.work_item_events"]["delta.appendOnly"] = "false"
    drifted = runner.invoke(args=["db-check"])
    assert drifted.exit_code == 1
    assert "work_item_events: property delta.appendOnly is 'false', expected 'true'" in drifted.output


def test_databricks_commands_need_the_databricks_store(tmp_path: Path) -> None:
    app = create_app({"DATA_DIR": str(tmp_path), "RATELIMIT_ENABLED": "0"})
    result = app.test_cli_runner().invoke(args=["db-check"])
    assert result.exit_code != 0 and "STORE=databricks" in result.output
