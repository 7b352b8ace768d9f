"""The watched / unwatched event kinds: one EventKind entry each, folding into no projected table.

A watch event written by this app is kept in the item's history on every load and touches no projected row;
one another writer appended without a watcher is quarantined like any other bad row."""

from __future__ import annotations

from pathlib import Path

from app.models import Event, EventType
from app.services.clock import new_id, utcnow
from app.services.work_items import WorkItemService
from app.store.event_registry import REGISTRY, keys_of
from tests.unit import foreign_writers
from tests.unit.conftest import PLATFORMS, REPORTER, incident, open_store


def test_watch_events_stay_in_the_history_and_name_no_projected_rows(tmp_path: Path) -> None:
    store = open_store(tmp_path / "data")
    item = WorkItemService(store, PLATFORMS).create(REPORTER, incident())
    watched = Event(new_id(), item.id, 0, EventType.WATCHED.value, {"watcher": "w@example.com"}, 0, utcnow(),
                    "w@example.com")
    assert keys_of(store.model, [watched]) == {"items": [], "comments": [], "votes": []}
    assert REGISTRY[EventType.WATCHED].table == REGISTRY[EventType.UNWATCHED].table == ""
    store.append_event(watched)
    store.flush()
    for reader in (store, open_store(tmp_path / "data")):  # this process, and one loading the tables
        assert [e.event_type for e in reader.events_for(item.id)] == ["created", "watched"]
        assert reader.get_item(item.id).version == 1  # watching never bumps the item's version


def test_a_foreign_watch_row_without_a_watcher_is_quarantined(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = open_store(data)
    item = WorkItemService(store, PLATFORMS).create(REPORTER, incident())
    foreign_writers.append_events(str(data / "work_item_events"), [
        foreign_writers.event_row(item.id, "watched", '{"who": 1}', seq=2, event_id="bad-watch")])
    reopened = open_store(data)
    assert [e.event_type for e in reopened.events_for(item.id)] == ["created"]
    assert [row.row_id for row in reopened.quarantined()] == ["bad-watch"]
