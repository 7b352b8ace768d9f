"""The Databricks store's mail tables: user_settings, mail_log and mail_lease in Unity Catalog (MailStore).

The lease is one row taken by a guarded UPDATE (`owner = me OR expires_at < now`): of two processes racing
for it, one updates the row and the other gets 0 rows or a concurrent-modification error, which is the same
answer. The row is created on first use by an insert-only MERGE; should two processes create it at once there
are two rows, and since every UPDATE names the lease, not a row, it still has one holder. Pending mail is
the notifications created since a moment with no mail_log row (NOT EXISTS); every statement binds its values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from app.models.mail import MailRecord
from app.models.notification import Notification
from app.store.ddl import table_defs
from app.store.sql_notifications import _row
from app.store.sql_rows import utc
from app.store.sql_statements import select_list

if TYPE_CHECKING:
    from app.store.sql_store import SqlStore

LEASE_NAME = "mailer"
PENDING_LIMIT = 5000
_NOTES = table_defs()["work_item_notifications"].columns
_LOG = table_defs()["mail_log"].columns


def _source(columns: list[str], types: dict[str, str]) -> str:
    return ", ".join(f"CAST(:{c} AS {types.get(c, 'TIMESTAMP' if c.endswith('_at') else 'STRING')}) AS {c}"
                     for c in columns)


class MailStatements:
    """The mail statements for one catalog.schema (named parameters only)."""

    def __init__(self, prefix: str) -> None:
        settings, log, lease = (f"{prefix}.`{n}`" for n in ("user_settings", "mail_log", "mail_lease"))
        notes = f"{prefix}.`work_item_notifications`"
        self.setting = f"SELECT s.email_enabled FROM {settings} AS s WHERE s.user_email = :user_email"
        cols = ["user_email", "email_enabled", "created_at", "created_by"]
        self.set_setting = (
            f"MERGE INTO {settings} AS t USING (SELECT {_source(cols, {'email_enabled': 'BOOLEAN'})}) AS s "
            f"ON t.user_email = s.user_email WHEN MATCHED THEN UPDATE SET email_enabled = s.email_enabled, "
            f"created_at = s.created_at, created_by = s.created_by WHEN NOT MATCHED THEN INSERT ({', '.join(cols)}) "
            f"VALUES ({select_list(cols, 's')})")
        lease_cols = ["name", "owner", "expires_at", "started_at", "created_at", "created_by"]
        self.seed_lease = (f"MERGE INTO {lease} AS t USING (SELECT {_source(lease_cols, {})}) AS s "
                           f"ON t.name = s.name WHEN NOT MATCHED THEN INSERT ({', '.join(lease_cols)}) "
                           f"VALUES ({select_list(lease_cols, 's')})")
        self.take_lease = (f"UPDATE {lease} SET owner = :owner, expires_at = :until, created_at = :now, "
                           f"created_by = :owner WHERE name = :name AND (owner = :owner OR expires_at < :now)")
        self.release_lease = f"UPDATE {lease} SET expires_at = :now WHERE name = :name AND owner = :owner"
        self.read_lease = f"SELECT min(l.started_at) AS started, count(*) AS n FROM {lease} AS l WHERE l.name = :name"
        self.pending = (f"SELECT {select_list(_NOTES, 'n')} FROM {notes} AS n WHERE n.created_at >= "
                        f"CAST(:since AS TIMESTAMP) AND NOT EXISTS (SELECT 1 FROM {log} AS m WHERE "
                        f"m.notification_id = n.id) ORDER BY n.created_at, n.id LIMIT {PENDING_LIMIT}")
        self.last_sent = (f"SELECT m.user_email, m.item_id, max(m.created_at) AS last FROM {log} AS m WHERE "
                          f"m.created_at >= CAST(:since AS TIMESTAMP) AND m.outcome = 'sent' "
                          f"GROUP BY m.user_email, m.item_id")
        self.record = (f"MERGE INTO {log} AS t USING (SELECT {_source(_LOG, {})}) AS s "
                       f"ON t.notification_id = s.notification_id WHEN NOT MATCHED THEN INSERT ({', '.join(_LOG)}) "
                       f"VALUES ({select_list(_LOG, 's')})")


class SqlMail:
    """Mixed into SqlStore: MailStore."""

    def _mail_sql(self: SqlStore) -> MailStatements:
        found = self.__dict__.get("_mail_sql_cache")
        if found is None:
            found = self.__dict__["_mail_sql_cache"] = MailStatements(f"{self.sql.catalog}.{self.sql.schema}")
        return found

    def email_enabled(self: SqlStore, user: str) -> bool:
        rows, _ = self.run(self._mail_sql().setting, {"user_email": user})
        return all(bool(r["email_enabled"]) for r in rows)  # no row: on

    def set_email_enabled(self: SqlStore, user: str, enabled: bool, at: dt.datetime) -> None:
        self.run(self._mail_sql().set_setting, {"user_email": user, "email_enabled": enabled, "created_at": at,
                                                "created_by": user})

    def take_mail_lease(self: SqlStore, owner: str, now: dt.datetime, ttl: dt.timedelta) -> dt.datetime | None:
        sql = self._mail_sql()
        params = {"name": LEASE_NAME, "owner": owner, "until": now + ttl, "now": now}
        for _ in range(2):
            if self.run(sql.take_lease, params, conflict_is_zero=True)[1]:
                started = self.__dict__.get("_mail_started")
                if started is None:
                    started = self.__dict__["_mail_started"] = utc(self.run(sql.read_lease, params)[0][0]["started"])
                return started
            if int(self.run(sql.read_lease, params)[0][0]["n"] or 0):
                return None  # another process holds it
            self.run(sql.seed_lease, {"name": LEASE_NAME, "owner": owner, "expires_at": now - ttl, "started_at": now,
                                      "created_at": now, "created_by": owner})
        return None

    def release_mail_lease(self: SqlStore, owner: str, now: dt.datetime) -> None:
        self.run(self._mail_sql().release_lease, {"name": LEASE_NAME, "owner": owner, "now": now},
                 conflict_is_zero=True)

    def mail_pending(self: SqlStore, since: dt.datetime
                     ) -> tuple[list[Notification], dict[tuple[str, str], dt.datetime]]:
        sql = self._mail_sql()
        rows, _ = self.run(sql.pending, {"since": since})
        sent, _ = self.run(sql.last_sent, {"since": since})
        return [_row(r) for r in rows], {(r["user_email"], r["item_id"]): utc(r["last"]) for r in sent}

    def record_mail(self: SqlStore, rows: list[MailRecord]) -> None:
        for row in rows:
            self.run(self._mail_sql().record, dataclasses.asdict(row))
