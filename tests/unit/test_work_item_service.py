"""Service rules over a real embedded store: validation, permissions, workflows, concurrency, audit."""

from __future__ import annotations

import pytest

from app.services.errors import (
    Forbidden,
    InvalidTransition,
    NotFound,
    Unauthenticated,
    ValidationError,
    VersionConflict,
)
from app.services.work_items import WorkItemService
from tests.unit.conftest import ADMIN, OTHER, REPORTER, TRIAGER, VIEWER, incident


def test_create_sets_initial_state_key_version_and_created_event(service: WorkItemService) -> None:
    item = service.create(REPORTER, incident(description="**bold**"))
    assert (item.key, item.state, item.version, item.priority) == ("INC-1", "new", 1, "p3")
    events = service.events(item.id, None)
    assert [(e.event_type, e.version, e.actor) for e in events] == [("created", 1, REPORTER.id)]
    assert events[0].payload["item"]["key"] == "INC-1"
    second = service.create(REPORTER, {"item_type": "improvement", "title": "Faster builds"})
    assert second.key == "IMP-1" and second.state == "proposed" and second.platform is None


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"title": "ab"}, "title", "at least 3"),
        ({"title": "x" * 201}, "title", "at most 200"),
        ({"description": "d" * 20_001}, "description", "at most"),
        ({"severity": None}, "severity", "required"),
        ({"severity": "sev9"}, "severity", "sev1"),
        ({"platform": "mainframe"}, "platform", "spark, kafka, airflow"),
        ({"platform": None}, "platform", "required"),
        ({"priority": "urgent"}, "priority", "p1"),
        ({"assignee": "not-an-email"}, "assignee", "email"),
        ({"problem": "x"}, "problem", "Does not apply"),
    ],
)
def test_create_rejects_bad_fields_with_per_field_messages(service: WorkItemService, data: dict, field: str,
                                                           text: str) -> None:
    with pytest.raises(ValidationError) as err:
        service.create(REPORTER, incident(**data))
    assert text in err.value.fields[field]
    assert service.list(None, {}).total == 0, "a rejected create writes nothing"


def test_platform_request_needs_a_valid_date(service: WorkItemService) -> None:
    with pytest.raises(ValidationError) as err:
        service.create(REPORTER, {"item_type": "platform_request", "title": "Schema", "platform": "kafka",
                                  "needed_by": "next week"})
    assert "YYYY-MM-DD" in err.value.fields["needed_by"]
    ok = service.create(REPORTER, {"item_type": "platform_request", "title": "Schema", "platform": "kafka",
                                   "needed_by": "2027-01-31"})
    assert ok.needed_by.isoformat() == "2027-01-31"


def test_writes_need_identity_and_role(service: WorkItemService) -> None:
    with pytest.raises(Unauthenticated):
        service.create(None, incident())
    with pytest.raises(Forbidden):
        service.create(VIEWER, incident())
    item = service.create(REPORTER, incident())
    with pytest.raises(Forbidden):
        service.comment(VIEWER, item.id, "hi")
    with pytest.raises(Forbidden):
        service.vote(VIEWER, item.id)


def test_anonymous_reads_follow_the_setting(store) -> None:
    closed = WorkItemService(store, ["spark"], allow_anonymous_read=False)
    with pytest.raises(Unauthenticated):
        closed.list(None, {})
    assert closed.list(VIEWER, {}).total == 0


def test_transition_rules(service: WorkItemService) -> None:
    item = service.create(REPORTER, incident())
    with pytest.raises(Forbidden):
        service.transition(REPORTER, item.id, "triaged", 1)
    with pytest.raises(InvalidTransition) as err:
        service.transition(TRIAGER, item.id, "resolved", 1)
    assert set(err.value.allowed) == {"triaged", "closed"}
    with pytest.raises(ValidationError) as verr:
        service.transition(TRIAGER, item.id, "closed", 1)
    assert "Reason is required" in verr.value.fields["note"]
    item = service.transition(TRIAGER, item.id, "triaged", 1)
    item = service.transition(TRIAGER, item.id, "investigating", item.version)
    item = service.transition(TRIAGER, item.id, "resolved", item.version, "Restarted the driver")
    assert (item.state, item.version) == ("resolved", 4)
    reopened = service.transition(REPORTER, item.id, "investigating", 4)  # the author may reopen
    assert reopened.state == "investigating"
    last = service.events(item.id, None)[-1]
    assert (last.event_type, last.payload["from"], last.payload["to"]) == ("state_changed", "resolved",
                                                                           "investigating")
    assert service.events(item.id, None)[-2].payload["note"] == "Restarted the driver"


def test_other_reporters_cannot_reopen_or_cancel(service: WorkItemService) -> None:
    req = service.create(REPORTER, {"item_type": "platform_request", "title": "Topic", "platform": "kafka"})
    with pytest.raises(Forbidden):
        service.transition(OTHER, req.id, "cancelled", 1)
    assert service.transition(REPORTER, req.id, "cancelled", 1).state == "cancelled"


def test_stale_version_is_a_conflict_with_the_events_since(service: WorkItemService) -> None:
    item = service.create(REPORTER, incident())
    service.transition(TRIAGER, item.id, "triaged", 1)
    service.comment(OTHER, item.id, "me too")
    with pytest.raises(VersionConflict) as err:
        service.transition(TRIAGER, item.id, "closed", 1, "dup")
    conflict = err.value
    assert conflict.current.version == 2 and conflict.current.state == "triaged"
    assert [e.event_type for e in conflict.events_since] == ["state_changed"]
    assert service.get(item.id, None).item.state == "triaged", "the stale write changed nothing"


def test_update_permissions_and_audit(service: WorkItemService) -> None:
    item = service.create(REPORTER, incident())
    updated = service.update(REPORTER, item.id, 1, {"title": "Warehouse down in EU"})
    assert updated.version == 2
    event = service.events(item.id, None)[-1]
    assert event.payload["changes"] == {"title": {"from": "Warehouse down", "to": "Warehouse down in EU"}}
    with pytest.raises(Forbidden):
        service.update(REPORTER, item.id, 2, {"priority": "p1"})
    with pytest.raises(Forbidden):
        service.update(OTHER, item.id, 2, {"title": "Mine now"})
    with pytest.raises(ValidationError) as err:
        service.update(TRIAGER, item.id, 2, {"state": "closed"})
    assert "transition" in err.value.fields["state"]
    changed = service.update(TRIAGER, item.id, 2, {"priority": "p1", "assignee": "Tess@Example.com"})
    assert (changed.priority, changed.assignee, changed.version) == ("p1", "tess@example.com", 3)
    assert service.update(TRIAGER, item.id, 3, {"priority": "p1"}).version == 3, "no change, no new version"
    assert len(service.events(item.id, None)) == 3


def test_reporters_cannot_edit_closed_items(service: WorkItemService) -> None:
    item = service.create(REPORTER, incident())
    service.transition(TRIAGER, item.id, "closed", 1, "duplicate of INC-0")
    with pytest.raises(Forbidden):
        service.update(REPORTER, item.id, 2, {"title": "edited later"})
    assert service.update(ADMIN, item.id, 2, {"title": "edited by admin"}).title == "edited by admin"


def test_comments_are_validated_and_audited(service: WorkItemService) -> None:
    item = service.create(REPORTER, incident())
    with pytest.raises(ValidationError):
        service.comment(OTHER, item.id, "   ")
    with pytest.raises(ValidationError):
        service.comment(OTHER, item.id, "x" * 10_001)
    comment = service.comment(OTHER, item.id, "Seeing this *too*")
    detail = service.detail(item.id, OTHER)
    assert [c.body for c in detail.comments] == ["Seeing this *too*"]
    assert detail.view.comment_count == 1 and detail.item.version == 1
    assert detail.events[-1].event_id == comment.id and detail.events[-1].event_type == "commented"


def test_votes_are_idempotent_per_user(service: WorkItemService) -> None:
    item = service.create(REPORTER, {"item_type": "improvement", "title": "Cost dashboard"})
    assert service.vote(OTHER, item.id) == (True, 1)
    assert service.vote(OTHER, item.id) == (True, 1)
    assert service.vote(TRIAGER, item.id) == (True, 2)
    assert service.get(item.id, OTHER).my_vote and not service.get(item.id, REPORTER).my_vote
    assert service.vote(OTHER, item.id, voted=False) == (False, 1)
    assert service.vote(OTHER, item.id, voted=False) == (False, 1)
    kinds = [e.event_type for e in service.events(item.id, None)]
    assert kinds == ["created", "voted", "voted", "unvoted"]


def test_unknown_item_is_not_found(service: WorkItemService) -> None:
    for call in (lambda: service.get("nope", None), lambda: service.comment(REPORTER, "nope", "x"),
                 lambda: service.vote(REPORTER, "nope"), lambda: service.transition(TRIAGER, "nope", "x", 1)):
        with pytest.raises(NotFound):
            call()


def test_list_filters_sorts_and_pages(service: WorkItemService) -> None:
    a = service.create(REPORTER, incident(title="Kafka lag", platform="kafka", priority="p1"))
    b = service.create(OTHER, incident(title="Spark OOM", priority="p4"))
    c = service.create(OTHER, {"item_type": "improvement", "title": "Lag alerts", "description": "about kafka"})
    service.vote(TRIAGER, c.id)
    service.vote(REPORTER, c.id)
    service.vote(TRIAGER, b.id)
    keys = lambda page: [i.key for i in page.items]  # noqa: E731
    assert keys(service.list(None, {"sort": "-votes"})) == ["IMP-1", "INC-2", "INC-1"]
    assert keys(service.list(None, {"sort": "-priority"}))[0] == "INC-1", "descending = most urgent first"
    assert keys(service.list(None, {"sort": "priority"}))[0] == "INC-2"
    assert keys(service.list(None, {"type": "incident", "platform": "kafka"})) == ["INC-1"]
    assert keys(service.list(None, {"q": "KAFKA"})) == ["IMP-1", "INC-1"]
    assert keys(service.list(OTHER, {"mine": "1"})) == ["IMP-1", "INC-2"]
    assert keys(service.list(REPORTER, {"voted": "1"})) == ["IMP-1"]
    page = service.list(None, {"page_size": 2, "page": 2, "sort": "created_at"})
    assert (keys(page), page.total, page.pages) == (["IMP-1"], 3, 2)
    assert a.id in {i.id for i in service.list(None, {"state": "new"}).items}
    with pytest.raises(ValidationError) as err:
        service.list(None, {"sort": "bogus", "page_size": "500", "page": "0", "state": "nope"})
    assert set(err.value.fields) == {"sort", "page_size", "page", "state"}
