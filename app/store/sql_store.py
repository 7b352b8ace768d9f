"""The Databricks store: Unity Catalog Delta tables through a SQL warehouse (STORE=databricks).

Round trips are the cost, so a list page is one statement (two when the page lies past the end),
a detail page two, and each write four (one of them a compare-and-set of the counter row that keeps key
numbers and event seq unique under concurrent writers: sql_claims.py); repeated reads within a short
window come from a small cache that this instance's writes clear. Writes are in sql_writes.py, crash
recovery in sql_reconcile.py, the statements in sql_statements.py and sql_counters.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from typing import Any

from app.bounded_cache import BoundedCache
from app.models import ApiToken, Event, Page, QuarantinedRow, WorkItem, WorkItemDetail
from app.models.errors import DomainError
from app.store import sql_feed
from app.store.base import ItemQuery, StoreConflict
from app.store.errors import StoreUnavailable
from app.store.sql_cache import TtlCache
from app.store.sql_connection import Connect, ConnectionPool, is_concurrency_error
from app.store.sql_mail import SqlMail
from app.store.sql_notifications import SqlInbox
from app.store.sql_reconcile import BackgroundReconciler, reconcile
from app.store.sql_rows import comment_from_row, item_from_row, readable_events, token_from_row, token_params, utc
from app.store.sql_statements import Statements
from app.store.sql_webhooks import SqlWebhooks
from app.store.sql_writes import ItemWrites

log = logging.getLogger(__name__)
ATTEMPTS = 6
ACTORS_TTL = 30.0  # seconds the people directory's actors are kept (known_actors scans every table)
RECONCILE_EVERY = 300.0  # seconds between background reconciliations (sooner after a failed step)


class SqlStore(ItemWrites, SqlInbox, SqlMail):
    """Store and TokenStore over a DB-API connection factory (the Databricks connector, or an emulator)."""

    def __init__(self, connect: Connect, catalog: str, schema: str, cache_ttl: float = 2.0,
                 recover: bool = True, reconcile_every: float = 0) -> None:
        self.sql = Statements(catalog, schema)
        self.pool = ConnectionPool(connect)
        self.cache = TtlCache(cache_ttl)
        self.seq_taken: BoundedCache[int | None] = BoundedCache(10_000)  # item id -> last seq we took and stored
        self.quarantined_rows: dict[str, QuarantinedRow] = {}  # event rows met that cannot be shown
        self.reconciler = BackgroundReconciler(self, reconcile_every) if reconcile_every > 0 else None
        self.webhooks = SqlWebhooks(self)  # WebhookStore (sql_webhooks.py)
        if recover:
            try:
                reconcile(self)
            except StoreUnavailable:
                log.warning("could not reconcile at start (warehouse down, or tables not created: "
                            "run `flask --app wsgi db-init`); requests will retry")

    # ---- running statements -------------------------------------------------------------
    def run(self, sql: str, params: dict[str, Any] | None = None,
            conflict_is_zero: bool = False) -> tuple[list[dict[str, Any]], int]:
        """One statement, retried on Delta concurrent-modification errors and once on a fresh connection
        after any other failure (an idle session the warehouse expired); else StoreUnavailable. Every
        statement is safe to re-run: reads, MERGEs keyed on ids, guarded DELETEs and compare-and-set
        UPDATEs whose outcome the writers check (see sql_writes.py). For a compare-and-set of a counter
        (conflict_is_zero) a concurrent-modification error means another writer changed the row: it
        answers "0 rows" at once, and the caller re-reads instead of re-running a stale statement."""
        reconnected = False
        for attempt in range(ATTEMPTS):
            try:
                return self.pool.run(sql, params)
            except (DomainError, StoreConflict, LookupError):
                raise
            except Exception as exc:
                if is_concurrency_error(exc) and conflict_is_zero:
                    return [], 0
                if is_concurrency_error(exc) and attempt < ATTEMPTS - 1:
                    time.sleep(random.uniform(0, 0.05 * 2 ** attempt))
                    continue
                if not is_concurrency_error(exc) and not reconnected:
                    reconnected = True
                    log.warning("SQL statement failed (%s); retrying once on a new connection", exc)
                    continue
                log.exception("SQL store statement failed")
                raise StoreUnavailable("The ticket database did not accept the request; try again.") from exc
        raise AssertionError("unreachable")

    # ---- reads --------------------------------------------------------------------------
    def list_items(self, query: ItemQuery) -> Page:
        return self.cache.get(("list", query), lambda: self._list(query))

    def _list(self, query: ItemQuery) -> Page:
        sql, params = self.sql.list_items(query)
        rows, _ = self.run(sql, params)
        if rows:
            total = int(rows[0]["total_count"])
        elif query.page == 1:
            total = 0
        else:
            count_sql, count_params = self.sql.count_items(query)
            total = int(self.run(count_sql, count_params)[0][0]["n"])
        items = [item_from_row(r) for r in rows]
        return Page(items=items, vote_counts={r["id"]: int(r["vote_count"]) for r in rows},
                    comment_counts={r["id"]: int(r["comment_count"]) for r in rows},
                    page=query.page, page_size=query.page_size, total=total)

    def get_item(self, item_id: str) -> WorkItem | None:
        """Always fresh (never cached): the services read it right before a write to check the version
        the caller saw, and a stale copy from before another worker's write would be a false conflict."""
        rows, _ = self.run(self.sql.get_item, {"id": item_id})
        return item_from_row(rows[0]) if rows else None

    def get_item_by_key(self, key: str) -> WorkItem | None:
        """Never cached either: a key pasted right after another worker created the item must be found."""
        rows, _ = self.run(self.sql.get_item_by_key, {"key": key})
        return item_from_row(rows[0]) if rows else None

    def get_detail(self, item_id: str, viewer: str | None) -> WorkItemDetail | None:
        return self.cache.get(("detail", item_id, viewer), lambda: self._detail(item_id, viewer))

    def _detail(self, item_id: str, viewer: str | None) -> WorkItemDetail | None:
        rows, _ = self.run(self.sql.detail_head, {"id": item_id, "viewer": viewer or ""})
        if not rows:
            return None
        head = rows[0]
        history, _ = self.run(self.sql.detail_history, {"id": item_id})
        events = readable_events([r for r in history if r["kind"] == "event"], self.quarantined_rows)
        events.sort(key=lambda e: (e.seq, e.created_at, e.event_id))
        comments = [comment_from_row({**r, "id": r["event_id"], "body": r["payload"]})
                    for r in history if r["kind"] == "comment"]
        comments.sort(key=lambda c: (c.created_at, c.id))
        return WorkItemDetail(item=item_from_row(head), vote_count=int(head["vote_count"]),
                              comment_count=int(head["comment_count"]), my_vote=bool(head["my_vote"]),
                              events=events, comments=comments)

    def events_for(self, item_id: str, after_version: int = 0) -> list[Event]:
        return self.cache.get(("events", item_id, after_version), lambda: readable_events(
            self.run(self.sql.events_for, {"id": item_id, "after": after_version})[0], self.quarantined_rows))

    def events_after(self, cursor: int, limit: int = 500) -> tuple[list[Event], int]:
        return sql_feed.events_after(self, cursor, limit)

    def quarantined(self) -> list[QuarantinedRow]:
        """Event rows this instance met that cannot be shown (another writer's), left out of every timeline."""
        rows = list(self.quarantined_rows.values())
        return sorted(rows, key=lambda r: (r.created_at is not None, r.created_at or 0), reverse=True)

    def known_actors(self) -> frozenset[str]:
        """One statement over every table, so kept ACTORS_TTL seconds rather than the usual 2 (this
        instance's writes still clear it at once; other instances' new actors show within that time)."""
        return self.cache.get(("known_actors",), lambda: frozenset(
            str(r["who"]) for r in self.run(self.sql.known_actors)[0] if r["who"]), ttl=ACTORS_TTL)

    def data_version(self) -> str:
        def load() -> str:
            row = self.run(self.sql.data_version)[0][0]
            last = utc(row["last"])
            return f"s{int(row['n'])}-{last.timestamp() if last else 0}"

        return self.cache.get(("data_version",), load)

    # ---- tokens (TokenStore) -------------------------------------------------------------
    def add_token(self, token: ApiToken) -> None:
        self.run(self.sql.insert_token, token_params(token))
        self.cache.clear()

    def find_token(self, token_hash: str) -> ApiToken | None:
        """Never cached: a token revoked through any worker must stop working at once everywhere."""
        rows, _ = self.run(self.sql.find_token, {"token_hash": token_hash})
        return token_from_row(rows[0]) if rows else None

    def list_tokens(self) -> list[ApiToken]:
        return [token_from_row(r) for r in self.run(self.sql.list_tokens)[0]]

    def revoke_token(self, token_id: str, revoked_by: str, at: dt.datetime) -> bool:
        _, count = self.run(self.sql.revoke_token, {"id": token_id, "revoked_by": revoked_by, "revoked_at": at})
        self.cache.clear()
        return count == 1

    def unfinished(self) -> None:
        """A write left a step for the reconciler (its event or projection failed after the commit)."""
        if self.reconciler:
            self.reconciler.dirty.set()

    def close(self) -> None:
        self.run_close_hooks()  # the notifier stops first (sql_notifications.py)
        self.webhooks.close()
        if self.reconciler:
            self.reconciler.stop()
        self.pool.close()


def open_databricks_store(settings: dict[str, str]) -> SqlStore:
    """The store for STORE=databricks, connected with the DATABRICKS_* settings."""
    from app.store.sql_connection import databricks_connector

    return SqlStore(databricks_connector(settings), settings["DATABRICKS_CATALOG"], settings["DATABRICKS_SCHEMA"],
                    recover=False, reconcile_every=RECONCILE_EVERY)
