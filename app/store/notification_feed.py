"""The embedded store's events feed for the notifier: what the events table's commits after a version appended.

The position is the events table's Delta version: `feed_after` reads the commits after it straight from the
log (or the change data feed), exactly the rows other processes' followers fold. When the log was trimmed past
the position (the notifier was down through a maintenance run), the events created since the cursor last moved
are read from the table itself; notification ids derived from (event, user) make re-reading some harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from app.models import Event
from app.store.delta_tables import read_table
from app.store.event_checks import BadEvent, decode
from app.store.event_registry import EventRow, kind_of

if TYPE_CHECKING:
    from app.store.delta_store import DeltaStore

log = logging.getLogger(__name__)
NOTIFIER, CURSOR, EVENTS = "inbox", "work_item_notifier_cursor", "work_item_events"
REPLAY_MARGIN = dt.timedelta(minutes=1)


def _events(rows: list[tuple[Any, ...]]) -> list[Event]:
    out = []
    for values in rows:
        row = EventRow._make(values)
        try:
            kind_of(row)
            out.append(Event(*row[:4], decode(row), *row[5:]))
        except BadEvent:
            continue  # quarantined by the read model; nobody is told about a row nobody can see
    return out


class DeltaEventsFeed:
    """Mixed into DeltaStore (through DeltaInbox): feed_after and notifier_position."""

    def feed_after(self: DeltaStore, position: str | None) -> tuple[list[Event], str]:
        handle = self.tables[EVENTS]
        if position is None:
            return [], str(handle.refresh().version())
        start = int(position)
        if not handle.has_commit(start + 1):
            if handle.has_commit(start) or handle.refresh().version() <= start:
                return [], position  # two stats: nothing new
            log.warning("events after version %s are no longer in the log; replaying by time", start)
            return self._replay_since_cursor()  # the log was trimmed past the cursor while no notifier ran
        found = handle.appended_since(start)
        try:
            rows, end = found[:2] if found is not None else handle.changes_since(start)
        except Exception:  # the log was trimmed past the cursor (the notifier was down through a maintenance)
            log.warning("events after version %s are no longer in the log; replaying by time", start)
            return self._replay_since_cursor()
        return _events(rows), str(end)

    def _replay_since_cursor(self: DeltaStore) -> tuple[list[Event], str]:
        """Every event created since the cursor last moved (minus a minute for clock skew between processes),
        from the table itself; the ids of notifications already stored make re-reading some harmless."""
        cursor = read_table(self.tables[CURSOR].refresh()).to_pylist()
        moved = max((r["created_at"] for r in cursor if r["name"] == NOTIFIER), default=None)
        handle = self.tables[EVENTS]
        table = handle.refresh()
        since = None if moved is None else pa.scalar(moved - REPLAY_MARGIN, handle.schema.field("created_at").type)
        where = None if since is None else pc.field("created_at") >= since
        order = [("created_at", "ascending"), ("seq", "ascending")]
        rows = read_table(table, handle.schema.names, where).sort_by(order)
        return _events([tuple(r.values()) for r in rows.to_pylist()]), str(table.version())

    def notifier_position(self: DeltaStore) -> str | None:
        table = read_table(self.tables[CURSOR].refresh())
        positions = [p for n, p in zip(table["name"].to_pylist(), table["position"].to_pylist(), strict=True)
                     if n == NOTIFIER]
        return positions[-1] if positions else None

