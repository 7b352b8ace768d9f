"""Watch events, the events feed and the inbox tables: the same behaviour on every store (conftest.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from typing import Any

import pytest

from app.models import EventType
from app.models.notification import Notification, notification_id
from app.services.clock import new_id
from app.services.notifier import Notifier
from tests.contract.builders import T0, comment, create, event

ANN, BOB = "ann@example.com", "bob@example.com"


def note(item: Any, user: str, minutes: int, reason: str = "watching") -> Notification:
    event_id = new_id()
    return Notification(notification_id(event_id, user), user, item.id, item.key, event_id, "commented",
                        "commented", reason, T0 + dt.timedelta(minutes=minutes), ANN)


def test_a_watch_event_is_numbered_stamped_and_kept_in_the_history(store: Any) -> None:
    item = create(store)
    stored = store.append_event(event(item, EventType.WATCHED, BOB, {"watcher": BOB}, 0, T0))
    assert (stored.seq, stored.version) == (2, 1)
    assert [e.event_type for e in store.events_for(item.id)] == ["created", "watched"]
    with pytest.raises(LookupError):
        store.append_event(dataclasses.replace(stored, event_id=new_id(), item_id=new_id()))


def test_the_feed_starts_at_the_end_and_returns_each_later_commit(store: Any) -> None:
    create(store)
    events, start = store.feed_after(None)
    assert events == []
    item = create(store, title="after the start")
    said = comment(store, item, "hello")
    found, position = store.feed_after(start)
    later = [e.event_type for e in found if e.item_id == item.id]  # Databricks re-reads a short window too
    assert later == ["created", "commented"] and found[-1].event_id == said.id
    again, _ = store.feed_after(position)
    assert {e.event_id for e in again} <= {e.event_id for e in found}  # the window may repeat, never skip


def test_notifications_are_stored_once_and_the_cursor_survives_a_reopen(store: Any) -> None:
    item = create(store)
    rows = [note(item, BOB, m) for m in range(3)]
    assert store.notifier_position() is None
    store.save_notifications(rows, "p1")
    store.save_notifications(rows[:2], "p2")  # written twice (a crash before the cursor moved): stored once
    assert store.notifier_position() == "p2"
    inbox = store.inbox(BOB, False, None, 1, 10)
    assert (inbox.total, inbox.unread) == (3, 3)
    assert [n.created_at for n in inbox.items] == sorted((r.created_at for r in rows), reverse=True)
    assert store.inbox(ANN, False, None, 1, 10).total == 0


def test_mark_read_is_idempotent_unread_first_and_filters_by_reason(store: Any) -> None:
    item = create(store)
    rows = [note(item, BOB, 1, "assigned"), note(item, BOB, 2), note(item, BOB, 3, "mentioned")]
    store.save_notifications(rows, "p")
    at = T0 + dt.timedelta(hours=1)
    assert store.mark_read(BOB, [rows[2].id], at) == 2
    assert store.mark_read(BOB, [rows[2].id, "no-such-id"], at + dt.timedelta(hours=1)) == 2
    assert store.mark_read(ANN, [rows[0].id], at) == 0  # not hers: nothing changes
    page = store.inbox(BOB, False, None, 1, 10)
    assert [n.id for n in page.items] == [rows[1].id, rows[0].id, rows[2].id]
    assert page.items[2].read_at == at  # the first mark's time stays
    assert [n.id for n in store.inbox(BOB, True, None, 1, 10).items] == [rows[1].id, rows[0].id]
    assert [n.id for n in store.inbox(BOB, False, "assigned", 1, 10).items] == [rows[0].id]
    assert store.inbox(BOB, False, None, 2, 2).items[0].id == rows[2].id
    assert store.mark_read(BOB, None, at) == 0
    assert store.inbox(BOB, True, None, 1, 10).total == 0


def test_concurrent_mark_reads_agree(store: Any) -> None:
    item = create(store)
    rows = [note(item, BOB, m) for m in range(6)]
    store.save_notifications(rows, "p")
    results: list[int] = []
    threads = [threading.Thread(target=lambda i=i: results.append(
        store.mark_read(BOB, [r.id for r in rows[i:i + 4]], T0))) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.inbox(BOB, True, None, 1, 10).unread == 0
    assert min(results) == 0


def test_two_instances_share_the_inbox_and_a_restarted_notifier_loses_and_doubles_nothing(two_instances) -> None:
    """Events written while no notifier runs are fanned out by the next one from the stored cursor; a second
    notifier over the same data (another worker) stores nothing twice; a read mark shows in both."""
    first, second = two_instances
    Notifier(first, lambda text: set()).drain()
    item = create(first, by=ANN)
    comment(first, item, "while no notifier runs", by=BOB)
    comment(second, item, "from the other worker", by=BOB)
    late = Notifier(second, lambda text: set())
    assert late.drain() == 2
    Notifier(first, lambda text: set()).drain()  # the warehouse's look-back window hands it the same events
    page = second.inbox(ANN, False, None, 1, 10)
    assert (page.total, page.unread) == (2, 2)
    first.mark_read(ANN, [page.items[0].id], T0)
    for store in (first, second):
        store.__dict__.get("cache") and store.cache.clear()  # the warehouse store's 2 s read cache
        assert store.inbox(ANN, True, None, 1, 10).unread == 1
