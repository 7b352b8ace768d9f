"""The re-apply rule measured against the version the user loaded (issue #12, items 3 and 4), without requests.

`plan_reapply` is given the item as it is now: a field counts as the user's change only when it differs from
the value they loaded (the value before the first event since, else the value now), and a transition to the
state the item is already in was made by someone else, so nothing is re-applied.
"""

from __future__ import annotations

import datetime as dt

from app.models import Event, EventType
from app.services.conflicts import plan_reapply

AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
NOW = {"title": "Warehouse queue is slow", "description": "Line one\nLine two", "priority": "p1",
       "severity": "sev2", "platform": "jobs", "assignee": None, "impact": None, "state": "planned"}


def _updated(version: int, actor: str = "bob@example.com", **changes: tuple[object, object]) -> Event:
    payload = {"changes": {name: {"from": old, "to": new} for name, (old, new) in changes.items()}}
    return Event(f"e{version}", "item", version, EventType.UPDATED.value, payload, version, AT, actor)


def _moved(version: int, old: str, new: str, actor: str = "root@example.com") -> Event:
    payload = {"from": old, "to": new, "note": None}
    return Event(f"e{version}", "item", version, EventType.STATE_CHANGED.value, payload, version, AT, actor)


def _whole_form(**typed: str) -> dict[str, str]:
    """What the edit form posts: every field as the user loaded it (version 1), with what they typed."""
    loaded = {"title": "Warehouse queue is slow", "description": "Line one\r\nLine two", "priority": "p3",
              "severity": "sev2", "platform": "jobs", "assignee": "", "impact": "", "expected_version": "1"}
    return {**loaded, **typed}


def test_fields_submitted_as_loaded_are_not_the_users_change_even_when_nobody_else_touched_them() -> None:
    plan = plan_reapply(_whole_form(title="Warehouse queue is very slow"), [_updated(2, priority=("p3", "p1"))],
                        NOW)
    assert plan.reapply == {"title": "Warehouse queue is very slow"}
    assert plan.untouched == ["priority"]
    assert plan.already_done_by is None


def test_a_textarea_sent_back_with_crlf_line_ends_is_unchanged() -> None:
    plan = plan_reapply(_whole_form(assignee="dave@example.com"), [_updated(2, priority=("p3", "p1"))], NOW)
    assert plan.reapply == {"assignee": "dave@example.com"}


def test_an_edit_that_changes_nothing_the_user_loaded_has_nothing_to_reapply() -> None:
    plan = plan_reapply(_whole_form(), [_updated(2, priority=("p3", "p1"))], NOW)
    assert plan.reapply == {} and plan.untouched == ["priority"]


def test_the_same_transition_made_by_someone_else_is_already_done_with_nothing_to_reapply() -> None:
    since = [_moved(2, "proposed", "under_review", "tess@example.com"), _moved(3, "under_review", "planned")]
    plan = plan_reapply({"to_state": "planned", "note": "", "expected_version": "2"}, since, NOW)
    assert plan.already_done_by == "root@example.com"
    assert plan.reapply == {} and plan.untouched == []
    assert plan.change == {"to_state": "planned", "note": ""}


def test_a_transition_to_another_state_still_reapplies_with_its_note() -> None:
    plan = plan_reapply({"to_state": "declined", "note": "Out of scope", "expected_version": "2"},
                        [_moved(3, "under_review", "planned")], NOW)
    assert plan.already_done_by is None
    assert plan.reapply == {"to_state": "declined", "note": "Out of scope"}
