"""Who is told about what: the watcher rules and the notifier's fan-out over a real embedded store.

Mentions are resolved by a function injected into the services (here: `@name@example.com` in the text), so
the rules are tested without app.services.mentions, which another branch provides."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from app.models import Actor, Role
from app.services.errors import NotFound, Unauthenticated
from app.services.notifications import NotificationService
from app.services.notifier import Notifier
from app.services.watchers import WatcherService
from app.services.work_items import WorkItemService
from app.store import delta_log
from app.store.delta_store import DeltaStore
from tests.unit.conftest import OTHER, PLATFORMS, REPORTER, TRIAGER, VIEWER, incident, open_store

WATCHER = Actor("wendy@example.com", Role.REPORTER)


def mentions(text: str) -> set[str]:
    return set(re.findall(r"@([\w.]+@example\.com)", text))


@pytest.fixture
def services(store: DeltaStore) -> tuple[WorkItemService, WatcherService, Notifier, NotificationService]:
    work = WorkItemService(store, PLATFORMS)
    notifier = Notifier(store, mentions)
    notifier.drain()  # the cursor starts here
    return work, WatcherService(work, mentions), notifier, NotificationService(store)


def reasons(inbox: NotificationService, actor: Actor) -> list[tuple[str, str]]:
    return [(n.event_type, n.reason) for n in inbox.inbox(actor, {}).items][::-1]


def test_author_assignee_commenters_and_mentioned_watch_and_unwatch_overrides(services) -> None:
    work, watchers, _, _ = services
    item = work.create(REPORTER, incident(description=f"cc @{WATCHER.id}"))
    work.update(TRIAGER, item.id, 1, {"assignee": TRIAGER.id})
    work.comment(OTHER, item.id, "me too")
    assert watchers.view(None, item.id).watchers == sorted([REPORTER.id, TRIAGER.id, OTHER.id, WATCHER.id])
    assert watchers.set_watching(OTHER, item.id, False).watching is False
    assert watchers.set_watching(OTHER, item.id, False).watching is False  # idempotent: one event
    assert OTHER.id not in watchers.view(VIEWER, item.id).watchers
    assert watchers.set_watching(VIEWER, item.id, True).watching is True  # any signed-in person may watch
    kinds = [e.event_type for e in work.events(item.id, None)]
    assert kinds.count("unwatched") == 1 and kinds.count("watched") == 1
    with pytest.raises(Unauthenticated):
        watchers.set_watching(None, item.id, True)
    with pytest.raises(NotFound):
        watchers.set_watching(VIEWER, "no-such-item", True)


def test_each_watcher_is_told_once_with_the_strongest_reason_and_never_the_actor(services) -> None:
    work, watchers, notifier, inbox = services
    item = work.create(REPORTER, incident())
    watchers.set_watching(WATCHER, item.id, True)
    work.update(TRIAGER, item.id, 1, {"assignee": OTHER.id})
    work.comment(TRIAGER, item.id, f"@{WATCHER.id} and @{REPORTER.id} please look")
    assert notifier.drain() > 0
    assert notifier.drain() == 0  # nothing twice
    assert reasons(inbox, OTHER) == [("updated", "assigned"), ("commented", "assigned")]
    assert [n.summary for n in inbox.inbox(OTHER, {}).items] == ["commented", "changed assignee"]
    assert reasons(inbox, WATCHER) == [("updated", "watching"), ("commented", "mentioned")]
    assert reasons(inbox, REPORTER) == [("updated", "author"), ("commented", "mentioned")]
    assert inbox.inbox(TRIAGER, {}).total == 0  # the actor of every event here
    assert inbox.unread_count(OTHER) == 2 and inbox.unread_count(None) == 0


def test_votes_and_watch_events_notify_nobody_and_unwatch_silences_watching(services) -> None:
    work, watchers, notifier, inbox = services
    item = work.create(REPORTER, incident())
    work.vote(OTHER, item.id, True)
    watchers.set_watching(REPORTER, item.id, False)
    work.comment(OTHER, item.id, "a comment the author unwatched")
    work.comment(OTHER, item.id, f"but @{REPORTER.id} is mentioned")
    notifier.drain()
    assert reasons(inbox, REPORTER) == [("commented", "mentioned")]


def test_mark_read_one_and_all(services) -> None:
    work, _, notifier, inbox = services
    item = work.create(REPORTER, incident())
    for n in range(3):
        work.comment(OTHER, item.id, f"comment {n}")
    notifier.drain()
    first = inbox.inbox(REPORTER, {}).items[0]
    assert inbox.mark_read(REPORTER, [first.id]) == 2
    assert inbox.mark_read(REPORTER, [first.id]) == 2
    assert inbox.inbox(REPORTER, {"unread": "1"}).total == 2
    assert inbox.mark_read(REPORTER, everything=True) == 0


def test_the_cursor_survives_a_restart_nothing_lost_nothing_doubled(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = open_store(data)
    work = WorkItemService(first, PLATFORMS)
    Notifier(first, mentions).drain()
    item = work.create(REPORTER, incident())
    work.comment(OTHER, item.id, "before the crash")
    Notifier(first, mentions).drain()
    work.comment(OTHER, item.id, "while the notifier was down")  # committed, never fanned out here
    first.close()
    second = open_store(data)
    WorkItemService(second, PLATFORMS).comment(TRIAGER, item.id, "after the restart")
    notifier = Notifier(second, mentions)
    notifier.drain()
    second.save_notifications([], "0")  # a cursor moved back (crash before it was saved): re-read everything
    notifier = Notifier(second, mentions)
    notifier.drain()
    bodies = NotificationService(second).inbox(REPORTER, {}).items
    assert len(bodies) == 3 and len({n.event_id for n in bodies}) == 3


def test_fan_out_runs_after_the_write_in_the_notifier_thread(store: DeltaStore) -> None:
    """A comment on an item with 50 watchers answers before anyone is notified; the thread then tells all."""
    work = WorkItemService(store, PLATFORMS)
    watchers = WatcherService(work, mentions)
    notifier = Notifier(store, mentions, poll=0.1)
    notifier.drain()
    item = work.create(REPORTER, incident())
    people = [Actor(f"watcher{n}@example.com", Role.VIEWER) for n in range(50)]
    for person in people:
        watchers.set_watching(person, item.id, True)
    notifier.drain()
    inbox = NotificationService(store)
    work.comment(OTHER, item.id, "fifty people are watching")
    assert inbox.inbox(people[0], {}).total == 0  # nothing was fanned out inside the write
    notifier.start()
    deadline = time.monotonic() + 10
    while inbox.inbox(people[-1], {}).total == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(inbox.inbox(p, {}).total == 1 for p in people)
    assert inbox.inbox(REPORTER, {}).items[0].reason == "author"


def test_a_notifier_down_through_a_log_trim_replays_from_the_table(tmp_path: Path) -> None:
    """The events log is trimmed by maintenance while no notifier runs: the next one reads the events since its
    cursor last moved from the table itself, and still tells everyone once."""
    data = tmp_path / "data"
    first = open_store(data)
    work = WorkItemService(first, PLATFORMS)
    Notifier(first, mentions).drain()
    item = work.create(REPORTER, incident())
    for n in range(3):
        work.comment(OTHER, item.id, f"comment {n} while the notifier is down")
    first.maintain()  # checkpoints the events log at its newest version
    delta_log.trim(first.tables["work_item_events"].path, keep=0)  # as if a lagging reader's floor had passed
    first.close()
    second = open_store(data)
    assert not second.tables["work_item_events"].has_commit(1)  # the log no longer holds those commits
    Notifier(second, mentions).drain()
    Notifier(second, mentions).drain()
    assert NotificationService(second).inbox(REPORTER, {}).total == 3
