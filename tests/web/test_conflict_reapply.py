"""The re-apply rule after a version conflict (app.services.conflicts), without any request or template."""

from __future__ import annotations

import datetime as dt

from app.models import Event, EventType
from app.services.conflicts import plan_reapply

AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _updated(version: int, **changes: tuple[object, object]) -> Event:
    payload = {"changes": {name: {"from": old, "to": new} for name, (old, new) in changes.items()}}
    return Event(f"e{version}", "item", version, EventType.UPDATED.value, payload, version, AT, "bob@example.com")


def test_a_field_submitted_with_the_value_the_user_saw_is_left_as_the_other_person_set_it() -> None:
    since = [_updated(2, priority=("p3", "p1"))]
    plan = plan_reapply({"title": "Mine", "priority": "p3", "expected_version": "1"}, since)
    assert plan.reapply == {"title": "Mine"}
    assert plan.untouched == ["priority"]
    assert plan.change == {"title": "Mine", "priority": "p3"}


def test_a_field_the_user_changed_too_is_re_applied_and_the_first_value_before_counts() -> None:
    since = [_updated(2, priority=("p3", "p2")), _updated(3, priority=("p2", "p1"))]
    assert plan_reapply({"priority": "p4"}, since).reapply == {"priority": "p4"}
    assert plan_reapply({"priority": "p3"}, since).untouched == ["priority"]


def test_blank_and_none_are_the_same_value_and_transitions_always_re_apply() -> None:
    since = [_updated(2, assignee=(None, "erin@example.com")),
             Event("e3", "item", 3, EventType.STATE_CHANGED.value, {"from": "new", "to": "triaged"}, 3, AT, "b")]
    plan = plan_reapply({"assignee": "", "to_state": "closed", "note": "done"}, since)
    assert plan.untouched == ["assignee"]
    assert plan.reapply == {"to_state": "closed", "note": "done"}
