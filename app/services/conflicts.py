"""Re-applying a change after a version conflict: what the user really changed and what still applies.

A stale write (VersionConflict) carries the events saved since the user's version. The user's submitted
change is split here, once for every adapter (the HTML conflict modal today, the API tomorrow), into the
fields to re-apply and the fields the user never touched, which must keep the other person's value.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from app.models import Event, EventType

NOT_A_CHANGE = ("expected_version",)  # sent with every write; the re-apply form carries the new one


@dataclasses.dataclass(frozen=True, slots=True)
class ReapplyPlan:
    """`change` as submitted, `reapply` what to send again, `untouched` fields left as the other person set them."""

    change: dict[str, str]
    reapply: dict[str, str]
    untouched: list[str]


def values_before(events_since: list[Event]) -> dict[str, Any]:
    """Each field's value before the first of `events_since` changed it (the value the user last saw)."""
    before: dict[str, Any] = {}
    for event in events_since:
        if event.event_type == EventType.UPDATED:
            for name, diff in (event.payload.get("changes") or {}).items():
                before.setdefault(name, diff.get("from"))
    return before


def plan_reapply(submitted: dict[str, str], events_since: list[Event]) -> ReapplyPlan:
    """Split a stale edit into what the user really changed and fields they left alone.

    A field another person changed since the user's version, and which the user submitted with its
    old value, was not touched by the user: re-applying it would silently revert the other change.
    """
    change = {name: value for name, value in submitted.items() if name not in NOT_A_CHANGE}
    before = values_before(events_since)
    untouched = [n for n, v in change.items() if n in before and str(v or "") == str(before[n] or "")]
    return ReapplyPlan(change, {n: v for n, v in change.items() if n not in untouched}, untouched)
