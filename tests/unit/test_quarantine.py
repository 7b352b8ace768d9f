"""A row another writer appended that cannot be applied is set aside: logged, listed, never fatal.

The audit table is append-only, so such a row cannot just be deleted; every process must start and serve
everything else around it (issue #11: one `updated` event for an unknown item stopped every restart)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from app.services.admin import AdminService
from app.services.errors import Forbidden
from app.services.work_items import WorkItemService
from app.store.base import ItemQuery
from tests.unit import foreign_writers
from tests.unit.conftest import ADMIN, PLATFORMS, REPORTER, TRIAGER, incident, open_store

BAD_ROWS = {
    "update of an unknown item": ("no-such-item", "updated",
                                  json.dumps({"changes": {"title": {"from": "a", "to": "b"}}})),
    "lone surrogate in a title": ("new-item", "created", '{"item": {"title": "abc \\ud800 def"}}'),
    "payload that is not JSON": ("ITEM", "commented", "{not json"),
    "unknown event type": ("ITEM", "exploded", "{}"),
    "comment without a body": ("ITEM", "commented", '{"text": "hi"}'),
    "change of an unknown field": ("ITEM", "updated", json.dumps({"changes": {"owner": {"from": None, "to": "x"}}})),
    "assignee that is not text": ("ITEM", "updated", json.dumps({"changes": {"assignee": {"from": None,
                                                                                         "to": {"x": 1}}}})),
}


def _write_bad_rows(data: Path, item_id: str) -> None:
    rows = [foreign_writers.event_row(target if target != "ITEM" else item_id, kind, payload, seq=50 + n,
                                      version=9, event_id=f"bad-{n}")
            for n, (target, kind, payload) in enumerate(BAD_ROWS.values())]
    foreign_writers.append_events(str(data / "work_item_events"), rows)


def test_bad_rows_are_quarantined_and_every_new_process_still_starts_and_serves(tmp_path: Path) -> None:
    data = tmp_path / "data"
    running = open_store(data)
    service = WorkItemService(running, PLATFORMS)
    item = service.create(REPORTER, incident())
    service.comment(TRIAGER, item.id, "a good comment")
    _write_bad_rows(data, item.id)
    service.comment(TRIAGER, item.id, "written after the bad rows")  # the running process catches up past them
    for store in (running, open_store(data)):  # a process already running, and one started after
        detail = WorkItemService(store, PLATFORMS).detail(item.id, None)
        assert [c.body for c in detail.comments] == ["a good comment", "written after the bad rows"]
        assert detail.item.title == "Warehouse down" and detail.item.version == 1
        assert store.list_items(ItemQuery()).total == 1
        listed = AdminService(store).quarantined(ADMIN)
        assert {row.row_id for row in listed} == {f"bad-{n}" for n in range(len(BAD_ROWS))}
        reasons = " | ".join(row.reason for row in listed)
        assert "unknown item" in reasons and "UTF-8" in reasons and "not JSON" in reasons
        assert "unknown event type" in reasons and "body" in reasons and "unknown fields" in reasons
        assert "not text" in reasons
    reopened = open_store(data)
    assert reopened.flush() >= 0 and reopened.maintain(retention_hours=0)["work_item_events"]["version"] > 0
    WorkItemService(reopened, PLATFORMS).comment(TRIAGER, item.id, "and writes still work")
    assert reopened.model.next_seq(item.id) > 50 + len(BAD_ROWS), "a quarantined row's seq is never reused"


def test_a_quarantined_row_is_logged_once_with_its_id_and_reason(tmp_path: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    data = tmp_path / "data"
    item = WorkItemService(open_store(data), PLATFORMS).create(REPORTER, incident())
    _write_bad_rows(data, item.id)
    with caplog.at_level("ERROR"):
        open_store(data)
    lines = [r.getMessage() for r in caplog.records if "quarantined" in r.getMessage()]
    assert len(lines) == len(BAD_ROWS) and any("bad-0" in line and "unknown item" in line for line in lines)


def test_only_admins_see_the_quarantine(tmp_path: Path) -> None:
    with pytest.raises(Forbidden):
        AdminService(open_store(tmp_path / "data")).quarantined(TRIAGER)


def test_the_admin_page_and_the_cli_list_quarantined_rows(tmp_path: Path, make_app: Callable[..., Flask]) -> None:
    data = tmp_path / "data"  # make_app's DATA_DIR
    item = WorkItemService(open_store(data), PLATFORMS).create(REPORTER, incident())
    _write_bad_rows(data, item.id)
    app = make_app(AUTH_MODE="proxy")  # the shared RBAC file: ADMIN is an admin
    client = app.test_client()
    page = client.get("/admin/quarantine", headers={"X-Forwarded-Email": ADMIN.id})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"{len(BAD_ROWS)} rows set aside" in html and "bad-0" in html and "unknown item" in html
    assert client.get("/admin/quarantine", headers={"X-Forwarded-Email": REPORTER.id}).status_code == 403
    result = app.test_cli_runner().invoke(args=["quarantine", "--as", ADMIN.id])
    assert result.exit_code == 0, result.output
    listed = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert {row["row_id"] for row in listed} == {f"bad-{n}" for n in range(len(BAD_ROWS))}
