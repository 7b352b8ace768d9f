"""Store.events_after, the feed of live pages, on every store: in created_at order, after a cursor, bounded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.models import Comment, EventType
from app.services.clock import new_id
from app.store.delta_tables import to_micros
from tests.contract.builders import T0, create, event, update


def _comment(store: Any, item: Any, at: dt.datetime, body: str = "hello") -> None:
    comment = Comment(id=new_id(), item_id=item.id, body=body, created_at=at, created_by="bob@example.com")
    store.add_comment(comment, event(item, EventType.COMMENTED, "bob@example.com", {"body": body}, item.version, at))


def test_events_after_returns_what_came_later_in_order(store: Any) -> None:
    first = create(store, title="First")
    second = create(store, title="Second", at=T0 + dt.timedelta(minutes=2))
    moved = update(store, first, 1, at=T0 + dt.timedelta(minutes=3), state="triaged")
    _comment(store, second, T0 + dt.timedelta(minutes=4))

    events, cursor = store.events_after(to_micros(T0), 10)

    assert [(e.item_id, e.event_type) for e in events] == [
        (second.id, "created"), (first.id, "state_changed"), (second.id, "commented")]
    assert events[1].version == moved.version and events[1].created_by == "tri@example.com"
    assert cursor == to_micros(T0 + dt.timedelta(minutes=4))
    assert store.events_after(cursor, 10) == ([], cursor)


def test_events_after_is_bounded_and_resumes_from_its_cursor(store: Any) -> None:
    items = [create(store, title=f"Item {n}", at=T0 + dt.timedelta(seconds=n)) for n in range(5)]

    page, cursor = store.events_after(to_micros(T0), 2)
    rest, end = store.events_after(cursor, 10)

    assert [e.item_id for e in page] == [items[1].id, items[2].id]
    assert [e.item_id for e in rest] == [items[3].id, items[4].id]
    assert end == to_micros(T0 + dt.timedelta(seconds=4))


def test_a_negative_cursor_answers_the_newest_moment_only(store: Any) -> None:
    assert store.events_after(-1, 10) == ([], 0)
    create(store, title="Only", at=T0 + dt.timedelta(minutes=7))

    assert store.events_after(-1, 10) == ([], to_micros(T0 + dt.timedelta(minutes=7)))
