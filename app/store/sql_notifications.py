"""The Databricks store's inbox: work_item_notifications and work_item_notifier_cursor in Unity Catalog, the
events feed the notifier reads, and watch events.

The warehouse has no commit version to follow cheaply, so the feed's position is a created_at watermark:
`feed_after` returns the events created after (watermark - LOOKBACK), oldest first. Writers stamp events
with the time just before their commit, so an event whose commit took a while still lands inside the window;
events of the window come back on the next read too, and the notifier skips those it has handled. Every
notification is written with a MERGE on its id (derived from event and user), so re-reading the window, two
notifiers, or a crash between the rows and the cursor never store a row twice. Mark-read is one guarded
UPDATE (`read_at IS NULL`): concurrent marks of the same row both succeed and the first time stays.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.models import Event
from app.models.notification import PROCESS, Inbox, Notification
from app.store.ddl import table_defs
from app.store.sql_rows import readable_events, utc
from app.store.sql_statements import EVENT_COLUMNS, select_list

if TYPE_CHECKING:
    from app.store.sql_store import SqlStore

LOOKBACK = dt.timedelta(seconds=30)
NOTIFIER = "inbox"
FEED_LIMIT = 5000
_COLUMNS = table_defs()["work_item_notifications"].columns
_ORDER = "(n.read_at IS NULL) DESC, n.created_at DESC, n.id"


class InboxStatements:
    """The inbox statements for one catalog.schema (named parameters only)."""

    def __init__(self, prefix: str, events: str) -> None:
        table, cursor = f"{prefix}.`work_item_notifications`", f"{prefix}.`work_item_notifier_cursor`"
        source = ", ".join(f"CAST(:{c} AS {'TIMESTAMP' if c.endswith('_at') else 'STRING'}) AS {c}" for c in _COLUMNS)
        self.insert = (f"MERGE INTO {table} AS t USING (SELECT {source}) AS s ON t.id = s.id WHEN NOT MATCHED "
                       f"THEN INSERT ({', '.join(_COLUMNS)}) VALUES ({select_list(_COLUMNS, 's')})")
        self.move_cursor = (
            f"MERGE INTO {cursor} AS t USING (SELECT :name AS name, :position AS position, "
            f"CAST(:created_at AS TIMESTAMP) AS created_at, :created_by AS created_by) AS s ON t.name = s.name "
            f"WHEN MATCHED THEN UPDATE SET position = s.position, created_at = s.created_at, created_by = s.created_by "
            f"WHEN NOT MATCHED THEN INSERT (name, position, created_at, created_by) "
            f"VALUES (s.name, s.position, s.created_at, s.created_by)")
        self.cursor = f"SELECT c.position FROM {cursor} AS c WHERE c.name = :name"
        self.latest = f"SELECT max(e.created_at) AS last FROM {events} AS e"
        self.feed = (f"SELECT {select_list(EVENT_COLUMNS, 'e')} FROM {events} AS e "
                     f"WHERE e.created_at > CAST(:since AS TIMESTAMP) ORDER BY e.created_at, e.event_id "
                     f"LIMIT {FEED_LIMIT}")
        where = ("n.user_email = :user AND (:unread_only = 0 OR n.read_at IS NULL) "
                 "AND (:reason = '' OR n.reason = :reason)")
        self.page = (f"SELECT {select_list(_COLUMNS, 'n')} FROM {table} AS n WHERE {where} "
                     f"ORDER BY {_ORDER} LIMIT :limit OFFSET :offset")
        self.counts = (f"SELECT count(*) AS total, (SELECT count(*) FROM {table} AS u WHERE u.user_email = :user "
                       f"AND u.read_at IS NULL) AS unread FROM {table} AS n WHERE {where}")
        self.mark_all = f"UPDATE {table} SET read_at = :at WHERE user_email = :user AND read_at IS NULL"
        self.mark_some = self.mark_all + " AND id IN ({ids})"


def _row(row: dict) -> Notification:
    values = {c: row[c] for c in _COLUMNS}
    values["created_at"] = utc(values["created_at"])
    values["read_at"] = utc(values["read_at"]) if values["read_at"] is not None else None
    return Notification(**values)


class SqlInbox:
    """Mixed into SqlStore: NotificationStore, append_event and close hooks."""

    feed_poll_seconds = 5.0  # each look at the feed is a warehouse statement
    def _inbox_sql(self: SqlStore) -> InboxStatements:
        found = self.__dict__.get("_inbox_sql_cache")
        if found is None:
            found = self.__dict__["_inbox_sql_cache"] = InboxStatements(
                f"{self.sql.catalog}.{self.sql.schema}", self.sql.events)
        return found

    def on_close(self: SqlStore, hook: Callable[[], None]) -> None:
        """Run `hook` first when the store closes (the notifier's thread stops before the pool closes)."""
        self.__dict__.setdefault("_close_hooks", []).append(hook)

    def run_close_hooks(self: SqlStore) -> None:
        for hook in self.__dict__.pop("_close_hooks", []):
            hook()

    def append_event(self: SqlStore, event: Event) -> Event:
        try:
            item = self.get_item(event.item_id)
            if item is None:
                raise LookupError(event.item_id)
            final = dataclasses.replace(event, version=item.version)
            return self.sequence(final, fresh=True)
        finally:
            self.cache.clear()

    def feed_after(self: SqlStore, position: str | None) -> tuple[list[Event], str]:
        sql = self._inbox_sql()
        if position is None:
            last = utc(self.run(sql.latest)[0][0]["last"]) or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
            return [], last.isoformat()
        mark = dt.datetime.fromisoformat(position)
        rows, _ = self.run(sql.feed, {"since": mark - LOOKBACK})
        events = readable_events(rows, self.quarantined_rows)
        newest = max([mark, *(e.created_at for e in events)])
        return events, newest.isoformat()

    def notifier_position(self: SqlStore) -> str | None:
        rows, _ = self.run(self._inbox_sql().cursor, {"name": NOTIFIER})
        return rows[0]["position"] if rows else None

    def save_notifications(self: SqlStore, rows: list[Notification], position: str) -> None:
        sql = self._inbox_sql()
        for row in rows:
            self.run(sql.insert, dataclasses.asdict(row))
        if rows:
            self.cache.clear()
        self.run(sql.move_cursor, {"name": NOTIFIER, "position": position, "created_at": dt.datetime.now(dt.UTC),
                                   "created_by": PROCESS})

    def inbox(self: SqlStore, user: str, unread_only: bool, reason: str | None, page: int,
              page_size: int) -> Inbox:
        """Cached for the store's short TTL (the badge is on every page); this instance's writes clear it."""
        return self.cache.get(("inbox", user, unread_only, reason, page, page_size),
                              lambda: self._inbox(user, unread_only, reason, page, page_size))

    def _inbox(self: SqlStore, user: str, unread_only: bool, reason: str | None, page: int,
               page_size: int) -> Inbox:
        sql = self._inbox_sql()
        params = {"user": user, "unread_only": int(unread_only), "reason": reason or ""}
        rows, _ = self.run(sql.page, {**params, "limit": page_size, "offset": (page - 1) * page_size})
        counts = self.run(sql.counts, params)[0][0]
        return Inbox([_row(r) for r in rows], int(counts["unread"] or 0), int(counts["total"] or 0), page, page_size)

    def mark_read(self: SqlStore, user: str, ids: list[str] | None, at: dt.datetime) -> int:
        sql = self._inbox_sql()
        if ids is None:
            self.run(sql.mark_all, {"user": user, "at": at})
        elif ids:
            names = {f"id{i}": value for i, value in enumerate(dict.fromkeys(ids))}
            self.run(sql.mark_some.format(ids=", ".join(f":{n}" for n in names)), {"user": user, "at": at, **names})
        self.cache.clear()
        return self._inbox(user, True, None, 1, 1).unread
