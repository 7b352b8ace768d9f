"""The embedded store's feed of events for live pages: pushed as the read model folds them, and read back
from memory after a reconnect (`Last-Event-ID`). Neither touches the disk: the follower thread already folds
other processes' commits each second, and this process's writes are folded when they commit."""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable

from app.models import Event
from app.store.delta_tables import to_micros
from app.store.event_checks import BadEvent, decode
from app.store.event_registry import EventRow
from app.store.read_model import ReadModel

log = logging.getLogger(__name__)

LATE_MICROS = 60_000_000  # an item's events may be folded slightly out of created_at order: look this far back


def as_event(row: EventRow) -> Event | None:
    """The row as an Event, None when its payload cannot be read (it is quarantined elsewhere)."""
    try:
        return Event(*row[:4], decode(row), *row[5:])
    except BadEvent:
        return None


def listen(model: ReadModel, callback: Callable[[Event], None]) -> None:
    """Call `callback` with every event the model folds from now on (from the folding thread)."""

    def forward(row: EventRow) -> None:
        event = as_event(row)
        if event is None:
            return
        try:
            callback(event)
        except Exception:  # a listener's failure must never fail a write or the follower
            log.exception("a live-page listener failed")

    model.on_fold.append(forward)


def events_after(model: ReadModel, cursor: int, limit: int) -> tuple[list[Event], int]:
    """Store.events_after from the read model: each item's history is walked from its newest event back
    (seq order is creation order, give or take LATE_MICROS), so the cost is one step per item plus the
    events returned."""
    with model.lock:
        if cursor < 0:
            newest = (to_micros(rows[-1].created_at) for rows in model.events.values() if rows)
            return [], max(newest, default=0)
        found = [row for rows in model.events.values() for row in _newer(rows, cursor)]
    chosen = heapq.nsmallest(limit, found, key=lambda r: (to_micros(r.created_at), r.event_id))
    events = [e for e in map(as_event, chosen) if e is not None]
    return events, (to_micros(chosen[-1].created_at) if chosen else cursor)


def _newer(rows: list[EventRow], cursor: int) -> list[EventRow]:
    """The rows of one history created after `cursor`."""
    out: list[EventRow] = []
    for row in reversed(rows):
        at = to_micros(row.created_at)
        if at <= cursor - LATE_MICROS:
            break
        if at > cursor:
            out.append(row)
    return out
