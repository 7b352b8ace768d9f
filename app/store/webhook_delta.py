"""Webhooks in the embedded store: three small Delta tables, each read whole and cached in memory.

Every write of these tables holds `.webhooks.lock` (all processes) and is one merge keyed on the row id, so a
compare-and-set (the lease, the cursor) reads the fresh table under the lock and writes in the same hold.
A merge that meets a background compaction of the same table is retried on the new version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deltalake.exceptions import CommitFailedError

from app.models.webhook import DISPATCHER, PENDING, Delivery, DispatchState, Webhook
from app.store.ddl import table_def
from app.store.delta_tables import DeltaTableHandle, read_table
from app.store.intents import FileLock

TABLES = {"webhooks": "id", "webhook_deliveries": "delivery_id", "webhook_dispatch": "name"}
MERGE_TRIES = 5


class CachedTable:
    """One table's rows by key, re-read when its Delta version moves (a stat per read)."""

    def __init__(self, root: Path, name: str, key: str) -> None:
        self.handle = DeltaTableHandle(root, table_def(name))
        self.key = key
        self._rows: dict[str, dict[str, Any]] = {}
        self._version = -2
        self._mutex = threading.Lock()

    def rows(self) -> dict[str, dict[str, Any]]:
        with self._mutex:
            if self._version < 0 or self.handle.has_commit(self._version + 1):
                table = self.handle.refresh()
                self._version = table.version()
                self._rows = {r[self.key]: r for r in read_table(table).to_pylist()}
            return self._rows

    def upsert(self, rows: list[dict[str, Any]]) -> None:
        """Insert or replace rows by key in one commit (callers hold the webhooks lock)."""
        updates = {c: f"s.{c}" for c in self.handle.schema.names}
        self._merge(rows, lambda merge: merge.when_matched_update(updates=updates)
                    .when_not_matched_insert(updates=updates), lambda cached: {**cached, **self._keyed(rows)})

    def delete(self, rows: list[dict[str, Any]]) -> None:
        """Delete these stored rows (matched by key) in one commit (callers hold the webhooks lock)."""
        gone = self._keyed(rows)
        self._merge(rows, lambda merge: merge.when_matched_delete(),
                    lambda cached: {k: r for k, r in cached.items() if k not in gone})

    def _keyed(self, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {r[self.key]: r for r in rows}

    def _merge(self, rows: list[dict[str, Any]], clauses: Callable[[Any], Any],
               applied: Callable[[dict[str, dict[str, Any]]], dict[str, dict[str, Any]]]) -> None:
        """One merge commit. When it is the only commit since the cached version, the cache takes the change
        itself (a new dict: readers may be iterating the old one) instead of re-reading the whole table."""
        for attempt in range(MERGE_TRIES):
            try:
                with self._mutex:
                    clauses(self.handle._merge(rows, f"t.{self.key} = s.{self.key}")).execute()
                    new = self.handle.table.version()
                    if self._version >= 0 and new == self._version + 1:
                        self._rows, self._version = applied(self._rows), new
                    else:
                        self._version = -2
                return
            except CommitFailedError:  # a compaction committed first: merge again on its version
                if attempt == MERGE_TRIES - 1:
                    raise
                time.sleep(0.02 * (attempt + 1))


class DeltaWebhooks:
    """WebhookStore over the embedded tables."""

    def __init__(self, root: Path) -> None:
        self._tables = {name: CachedTable(root, name, key) for name, key in TABLES.items()}
        self._lock = FileLock(root / ".webhooks.lock")
        self.on_close: list[Callable[[], None]] = []  # the dispatcher's stop: it ends before the store does

    def close(self) -> None:
        for stop in self.on_close:
            stop()

    def ensure(self) -> None:
        for table in self._tables.values():
            table.handle.ensure()

    def _rows(self, name: str) -> dict[str, dict[str, Any]]:
        return self._tables[name].rows()

    # ---- registrations ------------------------------------------------------------------
    def add_webhook(self, webhook: Webhook) -> None:
        with self._lock.held():
            self._tables["webhooks"].upsert([webhook.to_row()])

    def list_webhooks(self) -> list[Webhook]:
        hooks = [Webhook.from_row(r) for r in self._rows("webhooks").values() if r["deleted_at"] is None]
        return sorted(hooks, key=lambda w: (w.created_at, w.id))

    def delete_webhook(self, webhook_id: str, deleted_by: str, at: dt.datetime) -> bool:
        with self._lock.held():
            row = self._rows("webhooks").get(webhook_id)
            if row is None or row["deleted_at"] is not None:
                return False
            self._tables["webhooks"].upsert([{**row, "deleted_at": at, "deleted_by": deleted_by}])
            return True

    # ---- deliveries ---------------------------------------------------------------------
    def add_deliveries(self, deliveries: list[Delivery]) -> int:
        with self._lock.held():
            known = self._rows("webhook_deliveries")
            new = [d.to_row() for d in deliveries if d.delivery_id not in known]
            if new:
                self._tables["webhook_deliveries"].upsert(new)
            return len(new)

    def delivery_ids(self, ids: list[str]) -> set[str]:
        known = self._rows("webhook_deliveries")
        return {i for i in ids if i in known}

    def pending_deliveries(self, limit: int) -> list[Delivery]:
        rows = [r for r in self._rows("webhook_deliveries").values() if r["status"] == PENDING]
        rows.sort(key=lambda r: (r["event_at"], r["item_id"], r["seq"], r["webhook_id"]))
        return [Delivery.from_row(r) for r in rows[:limit]]

    def pending_lanes(self, limit: int, per_lane: int) -> list[Delivery]:
        lanes: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for row in self._rows("webhook_deliveries").values():
            if row["status"] == PENDING:
                lanes.setdefault((row["webhook_id"], row["item_id"]), []).append(row)
        ranked = []
        for lane in lanes.values():
            lane.sort(key=lambda r: (r["seq"], r["event_at"]))
            ranked += [(n, r) for n, r in enumerate(lane[:per_lane])]
        ranked.sort(key=lambda p: (p[0], p[1]["event_at"], p[1]["item_id"], p[1]["seq"], p[1]["webhook_id"]))
        return [Delivery.from_row(r) for _, r in ranked[:limit]]

    def save_delivery(self, delivery: Delivery) -> None:
        self.save_deliveries([delivery])

    def save_deliveries(self, deliveries: list[Delivery]) -> None:
        if deliveries:
            with self._lock.held():
                self._tables["webhook_deliveries"].upsert([d.to_row() for d in deliveries])

    def prune_deliveries(self, before: dt.datetime, keep: int) -> int:
        with self._lock.held():
            by_hook: dict[str, list[dict[str, Any]]] = {}
            for row in self._rows("webhook_deliveries").values():
                by_hook.setdefault(row["webhook_id"], []).append(row)
            old = []
            for rows in by_hook.values():
                rows.sort(key=lambda r: (r["created_at"], r["event_at"], r["seq"]), reverse=True)
                old += [r for r in rows[keep:] if r["status"] != PENDING and r["updated_at"] < before]
            if old:
                self._tables["webhook_deliveries"].delete(old)
            return len(old)

    def deliveries_for(self, webhook_id: str, limit: int) -> list[Delivery]:
        rows = [r for r in self._rows("webhook_deliveries").values() if r["webhook_id"] == webhook_id]
        rows.sort(key=lambda r: (r["created_at"], r["event_at"], r["seq"]), reverse=True)
        return [Delivery.from_row(r) for r in rows[:limit]]

    # ---- lease and cursor ---------------------------------------------------------------
    def dispatch_state(self) -> DispatchState | None:
        row = self._rows("webhook_dispatch").get(DISPATCHER)
        return DispatchState(**row) if row else None

    def take_lease(self, owner: str, now: dt.datetime, until: dt.datetime) -> bool:
        with self._lock.held():
            state = self.dispatch_state()
            if state is not None and state.owner not in (None, owner) and state.lease_until and state.lease_until > now:
                return False
            first = state or DispatchState(DISPATCHER, None, None, None, 0, now, owner)
            row = {**dataclasses.asdict(first), "owner": owner, "lease_until": until, "version": first.version + 1}
            self._tables["webhook_dispatch"].upsert([row])
            return True

    def save_cursor(self, owner: str, cursor_at: dt.datetime) -> bool:
        with self._lock.held():
            state = self.dispatch_state()
            if state is None or state.owner != owner:
                return False
            row = {**dataclasses.asdict(state), "cursor_at": cursor_at, "version": state.version + 1}
            self._tables["webhook_dispatch"].upsert([row])
            return True
