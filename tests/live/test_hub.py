"""The hub's fan-out: by topic, never twice, and a stream that stops reading is dropped, not waited for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.models import Event
from app.services.live_hub import LiveHub
from app.services.live_subscription import TooMany
from app.store.delta_store import DeltaStore

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def _event(item_id: str, n: int = 0, kind: str = "commented") -> Event:
    return Event(f"ev-{item_id}-{n}", item_id, n + 1, kind, {}, 1, T0 + dt.timedelta(seconds=n), "bob@example.com")


class NoStore:
    """A store without listen(): the hub would poll it, so these tests never subscribe long enough to."""

    def events_after(self, cursor: int, limit: int = 500) -> tuple[list[Event], int]:
        return [], max(cursor, 0)


def test_each_stream_gets_only_its_topics_once() -> None:
    hub = LiveHub(NoStore(), poll_seconds=60)
    item_page = hub.subscribe(frozenset({"item:a"}), "bob", 10)
    other_page = hub.subscribe(frozenset({"item:b"}), "bob", 10)
    a_list = hub.subscribe(frozenset({"list"}), "ann", 10)

    hub.publish([_event("a"), _event("a")])  # the poll's overlap brings an event twice
    hub.publish([_event("a"), _event("c", 1)])

    assert [e.event_id for e in item_page.take(0.1)] == ["ev-a-0"]
    assert other_page.take(0.05) == []
    assert [e.event_id for e in a_list.take(0.1)] == ["ev-a-0", "ev-c-1"]
    hub.close()


def test_a_stream_that_stops_reading_is_dropped_and_the_others_go_on() -> None:
    hub = LiveHub(NoStore(), poll_seconds=60, queue_size=3)
    stuck = hub.subscribe(frozenset({"list"}), "slow", 10)
    reading = hub.subscribe(frozenset({"list"}), "fast", 10)

    for n in range(5):
        hub.publish([_event("x", n)])
        reading.take(0.1)

    assert stuck.dropped.is_set() and not reading.dropped.is_set()
    assert hub.open_streams() == 1
    hub.close()


def test_a_person_cannot_open_more_streams_than_the_cap() -> None:
    hub = LiveHub(NoStore(), poll_seconds=60)
    hub.subscribe(frozenset({"list"}), "bob", 2)
    hub.subscribe(frozenset({"list"}), "bob", 2)
    try:
        hub.subscribe(frozenset({"list"}), "bob", 2)
        raise AssertionError("a third stream was allowed")
    except TooMany:
        pass
    assert hub.subscribe(frozenset({"list"}), "ann", 2).owner == "ann"
    hub.close()


def test_the_embedded_store_pushes_what_it_folds(tmp_path: Path) -> None:
    store = DeltaStore(tmp_path / "data")
    try:
        hub = LiveHub(store)
        page = hub.subscribe(frozenset({"list"}), "bob", 10)
        from tests.contract.builders import create

        item = create(store, title="Pushed")
        assert [(e.item_id, e.event_type) for e in page.take(1.0)] == [(item.id, "created")]
        hub.close()
    finally:
        store.close()
