"""One item's event rows in seq order: finding a row by event id, dropping repeats, inserting in order.

Event ids are unique; seq numbers are unique only among our own writes (another writer may number an event
like one of ours), so every check is by event id among the rows of the same or a later seq."""

from __future__ import annotations

from collections.abc import Iterable

from app.store.event_registry import EventRow


def holds(history: list[EventRow], row: EventRow) -> bool:
    """Whether the history already has this event (looked for among rows of the same or a later seq)."""
    return any(r.event_id == row.event_id for r in _from_seq(history, row.seq))


def without_repeats(rows: list[EventRow]) -> tuple[list[EventRow], int]:
    """The rows (sorted by seq) without repeated event ids, and how many repeats were dropped."""
    out: list[EventRow] = []
    for row in rows:
        if out and out[-1].seq == row.seq and holds(out, row):
            continue
        out.append(row)
    return out, len(rows) - len(out)


def insert_in_order(history: list[EventRow], row: EventRow) -> None:
    """Append, or insert before the first row of a higher seq (another writer's event numbered below ours)."""
    if not history or history[-1].seq <= row.seq:
        history.append(row)
        return
    at = next(i for i, r in enumerate(history) if r.seq > row.seq)
    history.insert(at, row)


def _from_seq(history: list[EventRow], seq: int) -> Iterable[EventRow]:
    for row in reversed(history):
        if row.seq < seq:
            return
        yield row
