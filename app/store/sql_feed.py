"""The Databricks store's feed of events for live pages: one statement per call, bound parameters only.

The live hub (app/services/live_hub.py) calls it once per interval for every open stream of the process, and
once per reconnect that asks to replay what it missed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from app.models import Event
from app.store.delta_tables import from_micros, to_micros
from app.store.sql_rows import readable_events, utc
from app.store.sql_statements import EVENT_COLUMNS, select_list

if TYPE_CHECKING:
    from app.store.sql_store import SqlStore


def events_after_sql(events_table: str) -> str:
    """Events created after :after, oldest first, at most :limit (the table name is a checked identifier)."""
    return (f"SELECT {select_list(EVENT_COLUMNS, 'e')} FROM {events_table} AS e WHERE e.created_at > :after "
            f"ORDER BY e.created_at, e.event_id LIMIT :limit")


def newest_sql(events_table: str) -> str:
    return f"SELECT max(e.created_at) AS last FROM {events_table} AS e"


def events_after(store: SqlStore, cursor: int, limit: int) -> tuple[list[Event], int]:
    """Store.events_after: never cached (the hub already shares one call between every stream)."""
    if cursor < 0:
        last = utc(store.run(newest_sql(store.sql.events))[0][0]["last"])
        return [], (to_micros(last) if isinstance(last, dt.datetime) else 0)
    rows, _ = store.run(events_after_sql(store.sql.events), {"after": from_micros(cursor), "limit": int(limit)})
    events = readable_events(rows, store.quarantined_rows)
    last = utc(rows[-1]["created_at"]) if rows else None
    return events, (to_micros(last) if isinstance(last, dt.datetime) else cursor)
