"""Re-applying a change after a version conflict: what the user really changed and what still applies.

A stale write (VersionConflict) carries the item as it is now and the events saved since the user's version.
The user's submitted change is split here, once for every adapter (the HTML conflict modal today, the API
tomorrow), into the fields to re-apply and the fields the user never touched. "Changed" means "differs from
the version the user loaded": the edit form sends every field, so comparing with the current value would
list fields nobody touched, and re-applying a field the other person changed would silently revert them.
A transition to the state the item is already in was made by someone else: nothing is left to re-apply.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from app.models import Event, EventType

NOT_A_CHANGE = ("expected_version",)  # sent with every write; the re-apply form carries the new one


@dataclasses.dataclass(frozen=True, slots=True)
class ReapplyPlan:
    """`change` as submitted, `reapply` what to send again, `untouched` fields left as the other person set them;
    `already_done_by` names who already made the requested move (then nothing is re-applied)."""

    change: dict[str, str]
    reapply: dict[str, str]
    untouched: list[str]
    already_done_by: str | None = None


def values_before(events_since: list[Event]) -> dict[str, Any]:
    """Each field's value before the first of `events_since` changed it (the value the user last saw)."""
    before: dict[str, Any] = {}
    for event in events_since:
        if event.event_type == EventType.UPDATED:
            for name, diff in (event.payload.get("changes") or {}).items():
                before.setdefault(name, diff.get("from"))
    return before


def same_value(submitted: Any, stored: Any) -> bool:
    """Whether a submitted form value equals a stored one: blank is None, and a textarea's CRLF line ends
    and surrounding spaces (which the browser adds and validation strips) do not count."""
    return _plain(submitted) == _plain(stored)


def _plain(value: Any) -> str:
    return str(value if value is not None else "").replace("\r\n", "\n").strip()


def mover(events_since: list[Event], state: str) -> str | None:
    """Who last moved the item to `state` among the events since (None when none of them did)."""
    moves = [e for e in events_since if e.event_type == EventType.STATE_CHANGED and e.payload.get("to") == state]
    return moves[-1].created_by if moves else None


def plan_reapply(submitted: dict[str, str], events_since: list[Event],
                 current: Mapping[str, Any] | None = None) -> ReapplyPlan:
    """Split a stale write into what the user really changed, fields they left alone, or a move already made.

    `current` is the item now (its to_dict()): a field the events since did not change was loaded with its
    current value. Without it only the events since tell what the user loaded.
    """
    change = {name: value for name, value in submitted.items() if name not in NOT_A_CHANGE}
    now = dict(current or {})
    target = change.get("to_state")
    if target is not None and "state" in now and target == now["state"]:
        return ReapplyPlan(change, {}, [], mover(events_since, target) or str(now.get("updated_by") or "someone"))
    before = values_before(events_since)
    loaded = {**now, **before}
    mine = {n: v for n, v in change.items() if n not in loaded or not same_value(v, loaded[n])}
    untouched = [n for n in change if n in before and n not in mine]
    return ReapplyPlan(change, mine, untouched)
