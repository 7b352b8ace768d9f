"""Both stores: an event row another writer left that cannot be shown is quarantined, not fatal."""

from __future__ import annotations

import json
from typing import Any

from app.store.ddl import table_defs
from tests.contract.builders import comment, create
from tests.unit import foreign_writers

EVENT_COLUMNS = table_defs()["work_item_events"].columns


def _append_foreign(store: Any, row: dict[str, Any]) -> None:
    if hasattr(store, "tables"):  # embedded: a deltalake append beside the app
        foreign_writers.append_events(store.tables["work_item_events"].path, [row])
    else:  # databricks: a plain INSERT from another session
        columns = ", ".join(EVENT_COLUMNS)
        marks = ", ".join(f":{c}" for c in EVENT_COLUMNS)
        store.run(f"INSERT INTO {store.sql.catalog}.{store.sql.schema}.work_item_events ({columns}) VALUES ({marks})",
                  row)


def test_an_unreadable_foreign_event_is_quarantined_and_the_timeline_still_shows(store: Any) -> None:
    item = create(store, title="Open to other writers")
    comment(store, item, "ours")
    _append_foreign(store, foreign_writers.event_row(item.id, "commented", "{not json", seq=90, version=1,
                                                     event_id="foreign-bad"))
    _append_foreign(store, foreign_writers.event_row(item.id, "commented", json.dumps({"body": "\ud800"}), seq=91,
                                                     version=1, event_id="foreign-surrogate"))
    if hasattr(store, "flush"):
        store.flush()
    detail = store.get_detail(item.id, None)
    assert detail is not None and detail.item.title == "Open to other writers"
    assert [e.event_type for e in store.events_for(item.id)] == ["created", "commented"]
    assert {row.row_id for row in store.quarantined()} == {"foreign-bad", "foreign-surrogate"}
