"""The Databricks statements of the dispatcher's batch work on webhook_deliveries: due lanes, outcomes saved many
at a time, old rows pruned. Values are always bound parameters; only row counts and limits are formatted in."""

from __future__ import annotations

from typing import Any

from app.models.webhook import Delivery

# Columns an attempt changes, and their SQL types (a NULL parameter is untyped, so each is CAST).
OUTCOME = {"status": "STRING", "attempts": "BIGINT", "status_code": "BIGINT", "next_attempt_at": "TIMESTAMP",
           "last_error": "STRING", "updated_at": "TIMESTAMP"}
CHUNK = 25  # rows per MERGE: 7 markers each, 175 in all (native parameters allow at most 255 per statement)


def pending_lanes(deliveries: str, columns: str, limit: int, per_lane: int) -> str:
    """The first `per_lane` pending rows of each (webhook, item) lane, every lane's head first."""
    return (f"SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY webhook_id, item_id "
            f"ORDER BY seq, event_at) AS lane_n FROM {deliveries} WHERE status = 'pending') AS lanes "
            f"WHERE lane_n <= {int(per_lane)} ORDER BY lane_n, event_at, item_id, seq, webhook_id LIMIT {int(limit)}")


def save_outcomes(deliveries: str, chunk: list[Delivery]) -> tuple[str, dict[str, Any]]:
    """One MERGE recording the outcomes of `chunk` (matched rows only: a row is never re-created)."""
    params: dict[str, Any] = {}
    selects = []
    for n, delivery in enumerate(chunk):
        row = delivery.to_row()
        params[f"id{n}"] = row["delivery_id"]
        params.update({f"{col}{n}": row[col] for col in OUTCOME})
        casts = ", ".join(f"CAST(:{col}{n} AS {kind}) AS {col}" for col, kind in OUTCOME.items())
        selects.append(f"SELECT CAST(:id{n} AS STRING) AS delivery_id, {casts}")
    sets = ", ".join(f"{col} = s.{col}" for col in OUTCOME)
    sql = (f"MERGE INTO {deliveries} AS t USING ({' UNION ALL '.join(selects)}) AS s "
           f"ON t.delivery_id = s.delivery_id WHEN MATCHED THEN UPDATE SET {sets}")
    return sql, params


def prune(deliveries: str, keep: int) -> str:
    """Delete finished rows updated before :before, except each webhook's newest `keep` (deliveries_for's order)."""
    return (f"DELETE FROM {deliveries} WHERE status IN ('delivered', 'failed') "
            f"AND updated_at < CAST(:before AS TIMESTAMP) AND delivery_id NOT IN (SELECT delivery_id FROM "
            f"{deliveries} QUALIFY ROW_NUMBER() OVER (PARTITION BY webhook_id "
            f"ORDER BY created_at DESC, event_at DESC, seq DESC) <= {int(keep)})")
