"""The triage order and the priority rank as SQL ORDER BY keys, from the same tables the embedded store uses
(app/models/triage.py), so both stores list the triage queue in one order.

The tier of an item depends on its type and state together, so the statement compares `item_type/state`
with the pairs of each tier; those pairs travel as bound parameters. The rank CASEs hold only the
severity and priority enum names (code, not input), each checked to be a plain word.
"""

from __future__ import annotations

from app.models.triage import (
    CLOSED,
    INITIAL,
    NO_PRIORITY,
    NO_SEVERITY,
    OPEN,
    PRIORITY_RANK,
    SEVERITY_RANK,
    tier_pairs,
)


def _rank_case(column: str, ranks: dict[str, int], missing: int) -> str:
    """CASE column WHEN 'name' THEN rank ... ELSE missing END; names are enum values, checked to be words."""
    if not all(name.isascii() and name.isalnum() for name in ranks):
        raise ValueError(f"rank names must be plain words: {sorted(ranks)}")
    whens = " ".join(f"WHEN '{name}' THEN {rank}" for name, rank in ranks.items())
    return f"CASE {column} {whens} ELSE {missing} END"


PRIORITY_SQL = _rank_case("w.priority", PRIORITY_RANK, NO_PRIORITY)
SEVERITY_SQL = _rank_case("w.severity", SEVERITY_RANK, NO_SEVERITY)


def _pairs_in(name: str, wanted: int, params: dict[str, object]) -> str:
    """`concat(type, '/', state) IN (...)` for one tier's pairs, each pair a bound parameter."""
    markers = []
    for n, (item_type, state) in enumerate(tier_pairs(wanted)):
        params[f"{name}_{n}"] = f"{item_type}/{state}"
        markers.append(f":{name}_{n}")
    return f"concat(w.item_type, '/', w.state) IN ({', '.join(markers)})"


def triage_keys(params: dict[str, object]) -> list[str]:
    """ORDER BY keys (ascending) of the triage order: tier, severity, priority, age; the caller appends the id.
    Adds the tier pairs to `params`."""
    tier = (f"CASE WHEN {_pairs_in('triage_initial', INITIAL, params)} THEN {INITIAL} "
            f"WHEN {_pairs_in('triage_closed', CLOSED, params)} THEN {CLOSED} ELSE {OPEN} END")
    return [tier, SEVERITY_SQL, PRIORITY_SQL, "w.created_at"]
