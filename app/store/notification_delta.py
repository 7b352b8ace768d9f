"""The embedded store's inbox: work_item_notifications and work_item_notifier_cursor as Delta tables, and
watch events (the events feed the notifier reads is in notification_feed.py).

Writers of the two inbox tables (the notifier's fan-out, mark-read) hold `.notifications.lock`, so they never
race each other across processes; a compaction that races them makes the commit fail, and it is re-run.
Notifications are inserted by id only where missing (`insert_missing`), so a batch written twice (a crash
after the rows and before the cursor) stores each row once. Reads come from an InboxIndex, reloaded when the
notifications table gained a commit some other process made (a stat per read).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from deltalake.exceptions import CommitFailedError

from app.models import Event
from app.models.notification import PROCESS, Inbox, Notification
from app.store.delta_tables import DeltaTableHandle, read_table
from app.store.group_commit import BatchContext
from app.store.intents import FileLock
from app.store.notification_feed import NOTIFIER, DeltaEventsFeed
from app.store.notification_memory import InboxIndex

if TYPE_CHECKING:
    from app.store.delta_store import DeltaStore

log = logging.getLogger(__name__)
NOTIFICATIONS, CURSOR = "work_item_notifications", "work_item_notifier_cursor"
COMMIT_TRIES = 5


class DeltaInbox(DeltaEventsFeed):
    """Mixed into DeltaStore: NotificationStore, append_event and close hooks."""

    def _inbox_state(self: DeltaStore) -> tuple[InboxIndex, FileLock]:
        state = self.__dict__.get("_inbox")
        if state is None:
            state = self.__dict__["_inbox"] = (InboxIndex(), FileLock(self.root / ".notifications.lock"))
            self.__dict__["_inbox_version"] = -1
        return state

    def on_close(self: DeltaStore, hook: Callable[[], None]) -> None:
        """Run `hook` first when the store closes (the notifier's thread stops before the tables close)."""
        self.__dict__.setdefault("_close_hooks", []).append(hook)

    def run_close_hooks(self: DeltaStore) -> None:
        for hook in self.__dict__.pop("_close_hooks", []):
            hook()
        state = self.__dict__.get("_inbox")
        if state is not None:
            state[1].close()

    # ---- watch events -----------------------------------------------------------------------
    def append_event(self: DeltaStore, event: Event) -> Event:
        def build(ctx: BatchContext) -> tuple[Event, Callable[[], Event]]:
            item = self.model.items.get(event.item_id)
            if item is None:
                raise LookupError(event.item_id)
            numbered = dataclasses.replace(event, seq=self.model.next_seq(item.id), version=item.version)
            return numbered, lambda: numbered

        return self._writes.run(event.item_id, build)

    # ---- writes -----------------------------------------------------------------------------
    def save_notifications(self: DeltaStore, rows: list[Notification], position: str) -> None:
        index, lock = self._inbox_state()
        with lock.held():
            self._inbox_fresh()
            new = [r for r in rows if r.id not in index.by_id]
            if new:
                self._inbox_commit(lambda: self.tables[NOTIFICATIONS].insert_missing(
                    [dataclasses.asdict(r) for r in new], ["id"]), new)
            cursor = [{"name": NOTIFIER, "position": position, "created_at": dt.datetime.now(dt.UTC),
                       "created_by": PROCESS}]
            _retry(lambda: _upsert_cursor(self.tables[CURSOR], cursor))

    def mark_read(self: DeltaStore, user: str, ids: list[str] | None, at: dt.datetime) -> int:
        index, lock = self._inbox_state()
        with lock.held():
            self._inbox_fresh()
            targets = index.unread_of(user, ids)
            if targets:
                marked = [dataclasses.replace(n, read_at=at) for n in targets]
                self._inbox_commit(lambda: _set_read(self.tables[NOTIFICATIONS],
                                                                    [dataclasses.asdict(r) for r in marked]), marked)
            return index.unread(user)

    def _inbox_commit(self: DeltaStore, write: Callable[[], Any], rows: list[Notification]) -> None:
        """One commit of the notifications table, then the same rows in memory (or a reload when another
        process committed in between)."""
        index, _ = self._inbox_state()
        before = self.__dict__["_inbox_version"]
        _retry(write)
        after = self.tables[NOTIFICATIONS].refresh().version()
        if after == before + 1:
            index.put(rows)
            self.__dict__["_inbox_version"] = after
        else:
            self._inbox_reload()

    # ---- reads ------------------------------------------------------------------------------
    def inbox(self: DeltaStore, user: str, unread_only: bool, reason: str | None, page: int,
              page_size: int) -> Inbox:
        index, _ = self._inbox_state()
        self._inbox_fresh()
        return index.page(user, unread_only, reason, page, page_size)

    def _inbox_fresh(self: DeltaStore) -> None:
        self._inbox_state()
        seen = self.__dict__["_inbox_version"]
        handle = self.tables[NOTIFICATIONS]
        if seen < 0 or handle.has_commit(seen + 1) or not handle.has_commit(seen):
            self._inbox_reload()

    def _inbox_reload(self: DeltaStore) -> None:
        index, _ = self._inbox_state()
        handle = self.tables[NOTIFICATIONS]
        with index.lock:
            table = handle.refresh()
            version = table.version()
            rows = read_table(table, handle.schema.names).to_pylist()
            index.replace(Notification(**row) for row in rows)
            self.__dict__["_inbox_version"] = version


def _upsert_cursor(handle: DeltaTableHandle, rows: list[dict[str, Any]]) -> None:
    updates = {c: f"s.{c}" for c in handle.schema.names}
    handle._merge(rows, "t.name = s.name").when_matched_update(updates).when_not_matched_insert(updates).execute()


def _set_read(handle: DeltaTableHandle, rows: list[dict[str, Any]]) -> None:
    """Set read_at where it is still empty: a row another request marked first keeps its time (idempotent)."""
    (handle._merge(rows, "t.id = s.id")
     .when_matched_update({"read_at": "s.read_at"}, predicate="t.read_at IS NULL").execute())


def _retry(write: Callable[[], Any]) -> None:
    """Re-run a commit that lost to a concurrent compaction of the same table."""
    for attempt in range(COMMIT_TRIES):
        try:
            write()
            return
        except CommitFailedError:
            if attempt == COMMIT_TRIES - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
