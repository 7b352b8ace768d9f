"""The workflows as specified: every listed transition exists, nothing else does."""

from __future__ import annotations

import pytest

from app.models import Role
from app.services import state_machines as sm

SPEC = {
    "incident": {("new", "triaged"), ("new", "closed"), ("triaged", "investigating"),
                 ("investigating", "mitigated"), ("investigating", "resolved"), ("mitigated", "resolved"),
                 ("resolved", "closed"), ("resolved", "investigating")},
    "improvement": {("proposed", "under_review"), ("proposed", "declined"), ("under_review", "planned"),
                    ("under_review", "declined"), ("planned", "in_progress"), ("in_progress", "done"),
                    ("declined", "under_review")},
    "platform_request": {("submitted", "triaged"), ("submitted", "rejected"), ("submitted", "cancelled"),
                         ("triaged", "approved"), ("triaged", "rejected"), ("approved", "in_progress"),
                         ("in_progress", "fulfilled"), ("rejected", "triaged")},
}
NOTES = {("incident", "new", "closed"), ("incident", "investigating", "resolved"),
         ("incident", "mitigated", "resolved"), ("improvement", "proposed", "declined"),
         ("improvement", "under_review", "declined"), ("platform_request", "submitted", "rejected"),
         ("platform_request", "triaged", "rejected")}
AUTHOR = {("incident", "resolved", "investigating"), ("platform_request", "submitted", "cancelled")}


@pytest.mark.parametrize("item_type", list(SPEC))
def test_transition_table_matches_the_spec(item_type: str) -> None:
    got = {(t.from_state, t.to_state) for t in sm.WORKFLOWS[item_type]["transitions"]}
    assert got == SPEC[item_type]


@pytest.mark.parametrize("item_type", list(SPEC))
def test_notes_and_author_rights_match_the_spec(item_type: str) -> None:
    for t in sm.WORKFLOWS[item_type]["transitions"]:
        key = (item_type, t.from_state, t.to_state)
        assert t.note_required == (key in NOTES), key
        assert t.author_may == (key in AUTHOR), key


def test_initial_states() -> None:
    assert [sm.initial_state(t) for t in SPEC] == ["new", "proposed", "submitted"]


def test_every_state_is_reachable_from_the_initial_state() -> None:
    for item_type in SPEC:
        seen, frontier = {sm.initial_state(item_type)}, [sm.initial_state(item_type)]
        while frontier:
            for t in sm.transitions_from(item_type, frontier.pop()):
                if t.to_state not in seen:
                    seen.add(t.to_state)
                    frontier.append(t.to_state)
        assert seen == set(sm.states(item_type))


def test_roles_and_authors() -> None:
    reopen = sm.find_transition("incident", "resolved", "investigating")
    triage = sm.find_transition("incident", "new", "triaged")
    assert reopen and triage
    assert sm.may_take(reopen, Role.REPORTER, is_author=True)
    assert not sm.may_take(reopen, Role.REPORTER, is_author=False)
    assert not sm.may_take(reopen, Role.VIEWER, is_author=True)
    assert not sm.may_take(triage, Role.REPORTER, is_author=True)
    assert sm.may_take(triage, Role.TRIAGER, is_author=False)
    assert sm.may_take(triage, Role.ADMIN, is_author=False)
