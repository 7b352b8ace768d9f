"""How the notifier batches a steady stream of writes, and mentions resolved against the current directory.

A small batch is all the feed had: the writes committed while it was being stored wait for the next poll, so a
stream of comments is fanned out one poll's worth per batch (two Delta commits), not two commits per comment
(bench/reach.py measured what that cost the writes beside it)."""

from __future__ import annotations

import re

import pytest

from app.models import Actor, Role
from app.services.mentions import extract
from app.services.notifications import NotificationService
from app.services.notifier import Notifier
from app.services.watchers import WatcherService
from app.services.work_items import WorkItemService
from app.store.delta_store import DeltaStore
from tests.unit.conftest import OTHER, PLATFORMS, REPORTER, incident

WATCHER = Actor("wendy@example.com", Role.REPORTER)


def mentions(text: str) -> set[str]:
    return set(re.findall(r"@([\w.]+@example\.com)", text))


def test_a_comment_committed_while_a_batch_is_stored_reaches_the_inbox_with_the_next_poll(
        store: DeltaStore, monkeypatch: pytest.MonkeyPatch) -> None:
    work = WorkItemService(store, PLATFORMS)
    notifier = Notifier(store, mentions)
    notifier.drain()
    item = work.create(REPORTER, incident())
    WatcherService(work, mentions).set_watching(WATCHER, item.id, True)
    save = store.save_notifications
    written: list[str] = []

    def save_and_write_meanwhile(rows, position):  # another request commits while the batch is stored
        save(rows, position)
        if rows and not written:
            written.append(work.comment(OTHER, item.id, "written meanwhile").id)

    monkeypatch.setattr(store, "save_notifications", save_and_write_meanwhile)
    work.comment(OTHER, item.id, "first")
    inbox = NotificationService(store)
    assert notifier.drain() >= 1
    assert inbox.inbox(WATCHER, {}).total == 1, "the comment written meanwhile waits for the next poll"
    notifier.drain()
    assert inbox.inbox(WATCHER, {}).total == 2
    assert [n.summary for n in inbox.inbox(WATCHER, {}).items] == ["commented", "commented"]


class Directory:
    def __init__(self, *emails: str) -> None:
        self.names = {e.split("@")[0]: e for e in emails}

    def resolve(self, handle_or_email: str) -> str | None:
        return self.names.get(handle_or_email.lstrip("@").lower())


def test_a_mention_of_someone_who_joined_later_resolves_although_the_text_was_read_before() -> None:
    text = "Looping in @newcomer and @bob, not `@code`."
    assert extract(text, Directory("bob@example.com")) == {"bob@example.com"}
    assert extract(text, Directory("bob@example.com", "newcomer@example.com")) == {"bob@example.com",
                                                                                  "newcomer@example.com"}
    assert extract(text, Directory()) == set()
