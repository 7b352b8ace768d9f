"""Webhooks in the Databricks store: the same three tables, through bound-parameter statements.

Only the lease holder queues deliveries and moves the cursor, so the insert-only MERGE of a delivery (which
does not conflict with a concurrent one under row-level concurrency) never races another writer's. The lease
is a compare-and-set UPDATE of the dispatch row on its `version`, decided by num_affected_rows; a
concurrent-modification error means another process changed the row first, which is the same as 0 rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.models.webhook import DISPATCHER, Delivery, DispatchState, Webhook
from app.store import webhook_sql
from app.store.ddl import table_def
from app.store.sql_rows import utc

if TYPE_CHECKING:
    from app.store.sql_store import SqlStore

_TYPES = {"STRING": "STRING", "BIGINT": "BIGINT", "TIMESTAMP": "TIMESTAMP"}
_TIMES = ("created_at", "deleted_at", "event_at", "next_attempt_at", "updated_at", "lease_until", "cursor_at")


def _columns(name: str) -> list[str]:
    return table_def(name).columns


def _casts(name: str) -> str:
    """`CAST(:col AS type) AS col` for every column of the table (a NULL parameter is untyped)."""
    schema = table_def(name).schema
    kinds = {f.name: ("TIMESTAMP" if "timestamp" in str(f.type) else "BIGINT" if "int" in str(f.type) else "STRING")
             for f in schema}
    return ", ".join(f"CAST(:{c} AS {_TYPES[kinds[c]]}) AS {c}" for c in schema.names)


def _insert_missing(table: str, name: str, key: str) -> str:
    cols = _columns(name)
    return (f"MERGE INTO {table} AS t USING (SELECT {_casts(name)}) AS s ON t.{key} = s.{key} "
            f"WHEN NOT MATCHED THEN INSERT ({', '.join(cols)}) VALUES ({', '.join('s.' + c for c in cols)})")


class WebhookStatements:
    """Every statement of the webhook tables for one catalog.schema (names already checked identifiers)."""

    def __init__(self, prefix: str, events: str) -> None:
        hooks, deliveries = f"{prefix}.`webhooks`", f"{prefix}.`webhook_deliveries`"
        self.dispatch_table = dispatch = f"{prefix}.`webhook_dispatch`"
        self.deliveries, self.delivery_columns = deliveries, ", ".join(_columns("webhook_deliveries"))
        hook_cols, del_cols = ", ".join(_columns("webhooks")), ", ".join(_columns("webhook_deliveries"))
        self.insert_webhook = _insert_missing(hooks, "webhooks", "id")
        self.list_webhooks = f"SELECT {hook_cols} FROM {hooks} WHERE deleted_at IS NULL ORDER BY created_at, id"
        self.delete_webhook = (f"UPDATE {hooks} SET deleted_at = CAST(:at AS TIMESTAMP), deleted_by = :by "
                               f"WHERE id = :id AND deleted_at IS NULL")
        self.insert_delivery = _insert_missing(deliveries, "webhook_deliveries", "delivery_id")
        self.pending = (f"SELECT {del_cols} FROM {deliveries} WHERE status = 'pending' "
                        f"ORDER BY event_at, item_id, seq, webhook_id LIMIT {{limit}}")
        self.save_delivery = (
            f"UPDATE {deliveries} SET status = :status, attempts = CAST(:attempts AS BIGINT), "
            f"status_code = CAST(:status_code AS BIGINT), next_attempt_at = CAST(:next_attempt_at AS TIMESTAMP), "
            f"last_error = CAST(:last_error AS STRING), updated_at = CAST(:updated_at AS TIMESTAMP) "
            f"WHERE delivery_id = :delivery_id")
        self.deliveries_for = (f"SELECT {del_cols} FROM {deliveries} WHERE webhook_id = :id "
                               f"ORDER BY created_at DESC, event_at DESC, seq DESC LIMIT {{limit}}")
        self.dispatch_state = (f"SELECT {', '.join(_columns('webhook_dispatch'))} FROM {dispatch} "
                               f"WHERE name = :name ORDER BY version DESC")
        self.add_dispatch = (f"MERGE INTO {dispatch} AS t USING (SELECT :name AS name) AS s ON t.name = s.name "
                             f"WHEN NOT MATCHED THEN INSERT (name, owner, lease_until, cursor_at, version, created_at, "
                             f"created_by) "
                             f"VALUES (s.name, NULL, NULL, NULL, 0, CAST(:now AS TIMESTAMP), :owner)")
        self.take_lease = (f"UPDATE {dispatch} SET owner = :owner, lease_until = CAST(:until AS TIMESTAMP), "
                           f"version = version + 1 WHERE name = :name AND version = CAST(:seen AS BIGINT)")
        self.save_cursor = (f"UPDATE {dispatch} SET cursor_at = CAST(:cursor_at AS TIMESTAMP), version = version + 1 "
                            f"WHERE name = :name AND owner = :owner AND version = CAST(:seen AS BIGINT)")


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (utc(v) if k in _TIMES else v) for k, v in row.items()}


class SqlWebhooks:
    """WebhookStore over the SqlStore's connection pool (its retries and error mapping)."""

    def __init__(self, store: SqlStore) -> None:
        self._store = store
        prefix = f"{store.sql.catalog}.{store.sql.schema}"
        self.sql = WebhookStatements(prefix, store.sql.events)
        self.on_close: list[Callable[[], None]] = []  # the dispatcher's stop: it ends before the store does

    def close(self) -> None:
        for stop in self.on_close:
            stop()

    def add_webhook(self, webhook: Webhook) -> None:
        self._store.run(self.sql.insert_webhook, webhook.to_row())

    def list_webhooks(self) -> list[Webhook]:
        return [Webhook.from_row(_row(r)) for r in self._store.run(self.sql.list_webhooks)[0]]

    def delete_webhook(self, webhook_id: str, deleted_by: str, at: dt.datetime) -> bool:
        _, count = self._store.run(self.sql.delete_webhook, {"id": webhook_id, "by": deleted_by, "at": at})
        return count >= 1

    def add_deliveries(self, deliveries: list[Delivery]) -> int:
        known = self.delivery_ids([d.delivery_id for d in deliveries])
        new = [d for d in deliveries if d.delivery_id not in known]
        for delivery in new:
            self._store.run(self.sql.insert_delivery, delivery.to_row())
        return len(new)

    def delivery_ids(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 200):
            chunk = ids[start:start + 200]
            marks = ", ".join(f":d{i}" for i in range(len(chunk)))
            sql = f"SELECT delivery_id FROM {self.sql.deliveries} WHERE delivery_id IN ({marks})"
            rows, _ = self._store.run(sql, {f"d{i}": v for i, v in enumerate(chunk)})
            found.update(r["delivery_id"] for r in rows)
        return found

    def pending_deliveries(self, limit: int) -> list[Delivery]:
        rows, _ = self._store.run(self.sql.pending.format(limit=int(limit)))
        return [Delivery.from_row(_row(r)) for r in rows]

    def pending_lanes(self, limit: int, per_lane: int) -> list[Delivery]:
        sql = webhook_sql.pending_lanes(self.sql.deliveries, self.sql.delivery_columns, limit, per_lane)
        return [Delivery.from_row(_row(r)) for r in self._store.run(sql)[0]]

    def save_delivery(self, delivery: Delivery) -> None:
        self._store.run(self.sql.save_delivery, delivery.to_row())

    def save_deliveries(self, deliveries: list[Delivery]) -> None:
        for start in range(0, len(deliveries), webhook_sql.CHUNK):
            self._store.run(*webhook_sql.save_outcomes(self.sql.deliveries,
                                                       deliveries[start:start + webhook_sql.CHUNK]))

    def prune_deliveries(self, before: dt.datetime, keep: int) -> int:
        return self._store.run(webhook_sql.prune(self.sql.deliveries, keep), {"before": before})[1]

    def deliveries_for(self, webhook_id: str, limit: int) -> list[Delivery]:
        rows, _ = self._store.run(self.sql.deliveries_for.format(limit=int(limit)), {"id": webhook_id})
        return [Delivery.from_row(_row(r)) for r in rows]

    def dispatch_state(self) -> DispatchState | None:
        rows, _ = self._store.run(self.sql.dispatch_state, {"name": DISPATCHER})
        return DispatchState(**_row(rows[0])) if rows else None

    def _state(self, owner: str, now: dt.datetime) -> DispatchState:
        state = self.dispatch_state()
        if state is None:
            self._store.run(self.sql.add_dispatch, {"name": DISPATCHER, "now": now, "owner": owner})
            state = self.dispatch_state()
        assert state is not None
        return state

    def take_lease(self, owner: str, now: dt.datetime, until: dt.datetime) -> bool:
        state = self._state(owner, now)
        if state.owner not in (None, owner) and state.lease_until and state.lease_until > now:
            return False
        _, count = self._store.run(self.sql.take_lease, {"owner": owner, "until": until, "name": DISPATCHER,
                                                         "seen": state.version}, conflict_is_zero=True)
        return count >= 1

    def save_cursor(self, owner: str, cursor_at: dt.datetime) -> bool:
        state = self.dispatch_state()
        if state is None or state.owner != owner:
            return False
        _, count = self._store.run(self.sql.save_cursor, {"cursor_at": cursor_at, "name": DISPATCHER, "owner": owner,
                                                          "seen": state.version}, conflict_is_zero=True)
        return count >= 1
