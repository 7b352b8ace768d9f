"""The triage tiers come from the workflow tables, and the SQL store's triage order sends the workflow's
(type, state) pairs as bound parameters, never as literals (issue #12, item 6)."""

from __future__ import annotations

import re

from app.models.triage import CLOSED, INITIAL, OPEN, queue_states, tier, tier_pairs
from app.models.workflows import WORKFLOWS, initial_state, is_closed, open_states
from app.store.base import ItemQuery
from app.store.sql_statements import Statements


def test_every_workflow_state_has_the_tier_its_workflow_gives_it() -> None:
    for item_type, workflow in WORKFLOWS.items():
        for state in workflow["states"]:
            wanted = CLOSED if is_closed(item_type, state) else INITIAL if state == initial_state(item_type) else OPEN
            assert tier(item_type, state) == wanted, (item_type, state)
    assert tier_pairs(INITIAL) == [("incident", "new"), ("improvement", "proposed"), ("platform_request", "submitted")]


def test_the_queue_holds_every_open_state_and_no_closed_one() -> None:
    states = set(queue_states())
    assert states == {s for item_type in WORKFLOWS for s in open_states(item_type)}
    closed = {s for workflow in WORKFLOWS.values() for s in workflow["closed"]}
    assert closed and not states & closed


def test_the_sql_triage_order_binds_every_state_it_names() -> None:
    sql, params = Statements("main", "deltadesk").list_items(ItemQuery(sort="triage", states=queue_states()))
    assert set(re.findall(r":(\w+)", sql)) == set(params)
    names = {s for workflow in WORKFLOWS.values() for s in workflow["states"]}
    assert not [name for name in names if f"'{name}'" in sql], "workflow states must travel as parameters"
    pairs = {value for key, value in params.items() if key.startswith("triage_")}
    assert pairs == {f"{t}/{s}" for wanted in (INITIAL, CLOSED) for t, s in tier_pairs(wanted)}
    assert sql.index("concat(w.item_type, '/', w.state)") < sql.index("CASE w.severity") < sql.index("CASE w.priority")
