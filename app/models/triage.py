"""The triage order, derived from the workflow tables: what a triager should look at first.

Every (type, state) of app/models/workflows.py falls in one tier:

    0  the type's initial state (new, proposed, submitted): nobody has decided anything yet
    1  any other open state: triaged, but a triager may still have to re-rank, reopen or close it
    2  a closed state: finished, never in the queue

Within a tier the most urgent comes first: severity (sev1 first; items without one, which is every
improvement and platform request, after sev4), then priority (p1 first), then age (oldest first), then
the id, so ties break the same way on both stores. The embedded store sorts by `triage_key`; the SQL
store builds the same order from `tier_pairs` and the two rank tables (app/store/sql_triage.py). The
triage queue (`?view=triage`) holds tiers 0 and 1: `queue_states`.
"""

from __future__ import annotations

import datetime as dt

from app.models.work_item import Priority, Severity, WorkItem
from app.models.workflows import WORKFLOWS

INITIAL, OPEN, CLOSED = 0, 1, 2
SEVERITY_RANK: dict[str, int] = {s.value: n for n, s in enumerate(Severity, start=1)}  # sev1 -> 1 ... sev4 -> 4
NO_SEVERITY = len(SEVERITY_RANK) + 1
PRIORITY_RANK: dict[str, int] = {p.value: n for n, p in enumerate(Priority, start=1)}  # p1 -> 1 ... p4 -> 4
NO_PRIORITY = 9

TriageKey = tuple[int, int, int, dt.datetime, str]


def _tiers() -> dict[tuple[str, str], int]:
    """(item type, state) -> tier for every state of every workflow."""
    tiers: dict[tuple[str, str], int] = {}
    for item_type, workflow in WORKFLOWS.items():
        for state in workflow["states"]:
            closed = state in workflow["closed"]
            tiers[(str(item_type), state)] = CLOSED if closed else INITIAL if state == workflow["initial"] else OPEN
    return tiers


_TIERS = _tiers()


def tier(item_type: str, state: str) -> int:
    """The item's tier; a state no workflow names counts as open (it is not known to be finished)."""
    return _TIERS.get((item_type, state), OPEN)


def tier_pairs(wanted: int) -> list[tuple[str, str]]:
    """The (item type, state) pairs of one tier, in workflow order (what the SQL order names)."""
    return [pair for pair, found in _TIERS.items() if found == wanted]


def queue_states() -> tuple[str, ...]:
    """The states of the triage queue (tiers 0 and 1) of every type, without repeats, in workflow order.

    The queue filters by state name alone, which is right only while no name is open in one workflow and
    closed in another; that is checked here, so a workflow change that breaks it fails loudly."""
    open_names = {state for (_, state), found in _TIERS.items() if found != CLOSED}
    closed_names = {state for (_, state), found in _TIERS.items() if found == CLOSED}
    if open_names & closed_names:
        raise ValueError(f"states open in one workflow and closed in another: {sorted(open_names & closed_names)}")
    return tuple(dict.fromkeys(state for (_, state), found in _TIERS.items() if found != CLOSED))


def triage_key(item: WorkItem) -> TriageKey:
    """Ascending sort key of the triage order: tier, severity, priority, age, id."""
    return (tier(item.item_type, item.state), SEVERITY_RANK.get(item.severity or "", NO_SEVERITY),
            PRIORITY_RANK.get(item.priority or "", NO_PRIORITY), item.created_at, item.id)
