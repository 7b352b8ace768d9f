"""The embedded store's mail tables: user_settings, mail_log and mail_lease as Delta tables (MailStore).

Writers of the three tables hold `.mail.lock` (across threads and processes), so the lease's read-check-write
is a real compare-and-set and two processes never both think they mail. Pending notifications come from the
inbox index in memory (notification_delta.py) minus the ids mail_log holds; mail_log is read with a filter on
its time, so a poll reads only the recent rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from app.models.mail import MailRecord
from app.models.notification import Notification
from app.store.delta_tables import DeltaTableHandle, read_table
from app.store.intents import FileLock
from app.store.notification_delta import _retry

if TYPE_CHECKING:
    from app.store.delta_store import DeltaStore

SETTINGS, LOG, LEASE = "user_settings", "mail_log", "mail_lease"
LEASE_NAME = "mailer"
_GUARD = threading.Lock()


def _since(handle: DeltaTableHandle, column: str, moment: dt.datetime) -> pc.Expression:
    return pc.field(column) >= pa.scalar(moment, handle.schema.field(column).type)


def _upsert(handle: DeltaTableHandle, row: dict, key: str) -> None:
    updates = {c: f"s.{c}" for c in handle.schema.names}
    (handle._merge([row], f"t.{key} = s.{key}").when_matched_update(updates)
     .when_not_matched_insert(updates).execute())


class DeltaMail:
    """Mixed into DeltaStore: MailStore."""

    def _mail_lock(self: DeltaStore) -> FileLock:
        with _GUARD:
            lock = self.__dict__.get("_mail_file_lock")
            if lock is None:
                lock = self.__dict__["_mail_file_lock"] = FileLock(self.root / ".mail.lock")
            return lock

    def close_mail(self: DeltaStore) -> None:
        lock = self.__dict__.pop("_mail_file_lock", None)
        if lock is not None:
            lock.close()

    # ---- settings -------------------------------------------------------------------------
    def email_enabled(self: DeltaStore, user: str) -> bool:
        handle = self.tables[SETTINGS]
        rows = read_table(handle.refresh(), ["email_enabled"], pc.field("user_email") == user).to_pylist()
        return all(r["email_enabled"] for r in rows)  # no row: on

    def set_email_enabled(self: DeltaStore, user: str, enabled: bool, at: dt.datetime) -> None:
        row = {"user_email": user, "email_enabled": enabled, "created_at": at, "created_by": user}
        with self._mail_lock().held():
            _retry(lambda: _upsert(self.tables[SETTINGS], row, "user_email"))

    # ---- the lease --------------------------------------------------------------------------
    def take_mail_lease(self: DeltaStore, owner: str, now: dt.datetime, ttl: dt.timedelta) -> dt.datetime | None:
        with self._mail_lock().held():
            handle = self.tables[LEASE]
            rows = read_table(handle.refresh(), where=pc.field("name") == LEASE_NAME).to_pylist()
            held = rows[0] if rows else None
            if held and held["owner"] != owner and held["expires_at"] > now:
                return None
            started = held["started_at"] if held else now
            row = {"name": LEASE_NAME, "owner": owner, "expires_at": now + ttl, "started_at": started,
                   "created_at": now, "created_by": owner}
            _retry(lambda: _upsert(handle, row, "name"))
            return started

    def release_mail_lease(self: DeltaStore, owner: str, now: dt.datetime) -> None:
        with self._mail_lock().held():
            handle = self.tables[LEASE]
            rows = read_table(handle.refresh(), where=pc.field("name") == LEASE_NAME).to_pylist()
            if rows and rows[0]["owner"] == owner:  # values travel as merge data, never as SQL text
                _retry(lambda: _upsert(handle, {**rows[0], "expires_at": now, "created_at": now}, "name"))

    # ---- pending notifications and the log ----------------------------------------------------
    def mail_pending(self: DeltaStore, since: dt.datetime
                     ) -> tuple[list[Notification], dict[tuple[str, str], dt.datetime]]:
        index, _ = self._inbox_state()
        self._inbox_fresh()
        with index.lock:
            recent = [n for n in index.by_id.values() if n.created_at >= since]
        handle = self.tables[LOG]
        logged = read_table(handle.refresh(), ["notification_id", "user_email", "item_id", "outcome", "created_at"],
                            _since(handle, "created_at", since)).to_pylist()
        done = {r["notification_id"] for r in logged}
        last: dict[tuple[str, str], dt.datetime] = {}
        for r in logged:
            if r["outcome"] == "sent":
                key = (r["user_email"], r["item_id"])
                last[key] = max(last.get(key, r["created_at"]), r["created_at"])
        pending = sorted((n for n in recent if n.id not in done), key=lambda n: (n.created_at, n.id))
        return pending, last

    def record_mail(self: DeltaStore, rows: list[MailRecord]) -> None:
        if not rows:
            return
        with self._mail_lock().held():
            handle = self.tables[LOG]
            _retry(lambda: handle.insert_missing([dataclasses.asdict(r) for r in rows], ["notification_id"]))

