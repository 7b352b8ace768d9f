"""One-way moves between the embedded store and Databricks, table by table (`flask export` / `import`).

Every table is copied row for row, so ids, keys, versions, event sequence numbers and the whole
history survive. The folder holds one JSON-lines file per table and a manifest with row counts.
Import refuses a target that already holds items or events (a move, not a merge). The outbox
column is cleared: an export is taken from a store whose events are all stored.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from app.store.ddl import table_defs

MANIFEST = "manifest.json"
MAX_MARKERS = 250  # the warehouse accepts at most 255 parameter markers per statement
MAX_BATCH_BYTES = 800_000  # and at most 1 MB of parameter values


def coerce_row(row: dict[str, Any], schema: pa.Schema) -> dict[str, Any]:
    """Turn ISO strings back into dates and timestamps where the schema wants them."""
    out = dict(row)
    for field in schema:
        value = out.get(field.name)
        if isinstance(value, str) and pa.types.is_timestamp(field.type):
            out[field.name] = dt.datetime.fromisoformat(value)
        elif isinstance(value, str) and pa.types.is_date(field.type):
            out[field.name] = dt.date.fromisoformat(value)
    return out


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def read_tables(store: Any) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(table, rows) for every table of either kind of store."""
    if hasattr(store, "flush"):  # embedded DeltaStore: project pending writes first
        store.flush()
    for name, definition in table_defs().items():
        if hasattr(store, "tables"):  # embedded DeltaStore
            rows = store.tables[name].read_all().to_pylist()
        else:
            columns = ", ".join(definition.columns)
            rows = store.run(f"SELECT {columns} FROM {store.sql.catalog}.{store.sql.schema}.`{name}`")[0]
        yield name, rows


def export_store(store: Any, folder: Path) -> dict[str, int]:
    """Write every table to folder/<table>.jsonl; returns row counts (also in manifest.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, rows in read_tables(store):
        with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps({k: _plain(v) for k, v in row.items()}, sort_keys=True) + "\n")
        counts[name] = len(rows)
    (folder / MANIFEST).write_text(json.dumps({"format": "deltadesk-export/1", "tables": counts}, indent=2))
    return counts


def load_folder(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """The exported rows per table, typed like the table schema (timestamps, dates), outbox cleared."""
    manifest = json.loads((folder / MANIFEST).read_text())
    out: dict[str, list[dict[str, Any]]] = {}
    for name, definition in table_defs().items():
        path = folder / f"{name}.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        rows = [coerce_row(json.loads(line), definition.schema) for line in lines if line.strip()]
        if len(rows) != manifest["tables"].get(name, 0):
            raise ValueError(f"{path} has {len(rows)} rows, the manifest says {manifest['tables'].get(name, 0)}")
        for row in rows:
            if "pending_event" in row:
                row["pending_event"] = None
        out[name] = rows
    return out


def import_store(store: Any, folder: Path) -> dict[str, int]:
    """Copy an export into an empty store; returns row counts written per table."""
    data = load_folder(folder)
    existing = dict(read_tables(store))
    if existing["work_items"] or existing["work_item_events"]:
        raise ValueError("The target store already holds work items or events; import needs an empty store.")
    for name, rows in data.items():
        if rows and hasattr(store, "tables"):
            store.tables[name].append(rows)
        elif rows:
            _insert_sql(store, name, rows)
    if hasattr(store, "cache"):
        store.cache.clear()
    return {name: len(rows) for name, rows in data.items()}


KEYS = {"work_items": ["id"], "work_item_events": ["event_id"], "work_item_comments": ["id"],
        "work_item_votes": ["item_id", "voter"], "api_tokens": ["id"]}


def _insert_sql(store: Any, name: str, rows: list[dict[str, Any]]) -> None:
    """Multi-row MERGEs (insert when the key is absent) within the warehouse's parameter limits, so a
    re-run, or a reconciler of a running app filling in the same rows, never duplicates one."""
    from app.store.sql_statements import param

    columns = table_defs()[name].columns
    per_batch = max(1, MAX_MARKERS // len(columns))
    target = f"{store.sql.catalog}.{store.sql.schema}.`{name}`"
    on = " AND ".join(f"t.{k} = s.{k}" for k in KEYS[name])
    insert = f"INSERT ({', '.join(columns)}) VALUES ({', '.join('s.' + c for c in columns)})"
    for batch in _batches(rows, per_batch):
        values, params = [], {}
        for i, row in enumerate(batch):
            values.append("(" + ", ".join(param(c).replace(f":{c}", f":r{i}_{c}") for c in columns) + ")")
            params.update({f"r{i}_{c}": row.get(c) for c in columns})
        source = f"SELECT * FROM VALUES {', '.join(values)} AS v({', '.join(columns)})"
        store.run(f"MERGE INTO {target} AS t USING ({source}) AS s ON {on} WHEN NOT MATCHED THEN {insert}", params)


def _batches(rows: list[dict[str, Any]], per_batch: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        row_size = len(json.dumps(row, default=str))
        if batch and (len(batch) >= per_batch or size + row_size > MAX_BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(row)
        size += row_size
    if batch:
        yield batch
