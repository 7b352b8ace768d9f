"""The JSON API over real Delta tables: create, read, list, edit, transitions, comments, votes, events."""

from __future__ import annotations

from api_helpers import OTHER, REPORTER, TRIAGER, Api, error_of


def test_create_returns_201_with_location_and_the_full_item(api: Api) -> None:
    response = api.call("POST", "/work-items", REPORTER, json={
        "item_type": "incident", "title": "Warehouse down", "platform": "sql-warehouse", "severity": "sev1",
        "impact": "Dashboards blank", "priority": "p1"})
    assert response.status_code == 201
    item = response.get_json()
    assert response.headers["Location"] == f"/api/v1/work-items/{item['id']}"
    assert item["key"] == "INC-1" and item["state"] == "new" and item["version"] == 1
    assert item["created_by"] == REPORTER and item["severity"] == "sev1" and item["impact"] == "Dashboards blank"
    assert item["vote_count"] == 0 and item["comment_count"] == 0 and item["my_vote"] is False
    fetched = api.call("GET", response.headers["Location"].removeprefix("/api/v1"))
    assert fetched.status_code == 200
    expected_keys = {"id", "key", "item_type", "title", "description", "state", "priority", "platform", "assignee",
                     "severity", "impact", "created_at", "created_by", "updated_at", "updated_by", "version",
                     "vote_count", "comment_count", "my_vote", "allowed_transitions"}
    assert expected_keys <= set(fetched.get_json())
    assert fetched.get_json()["title"] == "Warehouse down"


def test_read_shows_the_callers_allowed_transitions(api: Api) -> None:
    item = api.create()
    as_triager = api.call("GET", f"/work-items/{item['id']}", TRIAGER).get_json()
    assert as_triager["allowed_transitions"] == ["triaged", "closed"]
    assert api.call("GET", f"/work-items/{item['id']}").get_json()["allowed_transitions"] == []


def test_unknown_item_is_404(api: Api) -> None:
    for path in ("/work-items/nope", "/work-items/nope/comments", "/work-items/nope/events"):
        assert error_of(api.call("GET", path))["code"] == "not_found"


def test_list_paginates_filters_and_sorts(api: Api) -> None:
    ids = [api.create(title=f"Incident number {n}")["id"] for n in range(5)]
    api.create(item_type="improvement", title="Faster notebooks", platform=None, severity=None)
    page = api.call("GET", "/work-items?type=incident&page=2&page_size=2").get_json()
    assert (page["page"], page["page_size"], page["total"]) == (2, 2, 5)
    assert [i["id"] for i in page["items"]] == [ids[2], ids[1]]  # newest first by default
    oldest = api.call("GET", "/work-items?type=incident&sort=created_at&page_size=1").get_json()
    assert oldest["items"][0]["id"] == ids[0]
    found = api.call("GET", "/work-items?q=notebooks").get_json()
    assert [i["title"] for i in found["items"]] == ["Faster notebooks"]
    assert api.call("GET", "/work-items?state=new,proposed").get_json()["total"] == 6
    assert {"vote_count", "comment_count"} <= set(page["items"][0])


def test_list_rejects_bad_parameters_per_field(api: Api) -> None:
    err = error_of(api.call("GET", "/work-items?page_size=101&sort=colour&page=0&type=bug"))
    assert err["code"] == "validation_error"
    assert set(err["details"]) == {"page_size", "sort", "page", "type"}


def test_patch_changes_fields_and_bumps_the_version(api: Api) -> None:
    item = api.create()
    response = api.call("PATCH", f"/work-items/{item['id']}", TRIAGER,
                        json={"expected_version": 1, "priority": "p1", "assignee": "Ops@Example.com"})
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert (changed["priority"], changed["assignee"], changed["version"]) == ("p1", "ops@example.com", 2)
    assert changed["updated_by"] == TRIAGER


def test_stale_patch_is_409_with_the_current_item(api: Api) -> None:
    item = api.create()
    first = api.call("PATCH", f"/work-items/{item['id']}", TRIAGER, json={"expected_version": 1, "priority": "p2"})
    assert first.status_code == 200
    stale = api.call("PATCH", f"/work-items/{item['id']}", REPORTER, json={"expected_version": 1, "title": "Mine!"})
    assert stale.status_code == 409
    err = error_of(stale)
    assert err["code"] == "version_conflict"
    assert err["details"]["current_version"] == 2
    assert err["details"]["current"]["priority"] == "p2" and err["details"]["current"]["title"] == item["title"]
    assert [e["event_type"] for e in err["details"]["events_since"]] == ["updated"]


def test_allowed_and_blocked_transitions(api: Api) -> None:
    item = api.create()
    path = f"/work-items/{item['id']}/transition"
    blocked = api.call("POST", path, TRIAGER, json={"to_state": "resolved", "expected_version": 1})
    assert blocked.status_code == 400
    err = error_of(blocked)
    assert err["code"] == "invalid_transition" and err["details"]["allowed_transitions"] == ["triaged", "closed"]
    no_note = api.call("POST", path, TRIAGER, json={"to_state": "closed", "expected_version": 1})
    assert no_note.status_code == 422 and "note" in error_of(no_note)["details"]
    reporter = api.call("POST", path, REPORTER, json={"to_state": "triaged", "expected_version": 1})
    assert reporter.status_code == 403 and error_of(reporter)["code"] == "forbidden"
    moved = api.call("POST", path, TRIAGER, json={"to_state": "triaged", "expected_version": 1})
    assert moved.status_code == 200
    assert (moved.get_json()["state"], moved.get_json()["version"]) == ("triaged", 2)
    stale = api.call("POST", path, TRIAGER, json={"to_state": "investigating", "expected_version": 1})
    assert stale.status_code == 409 and error_of(stale)["details"]["current_version"] == 2


def test_author_only_transition(api: Api) -> None:
    item = api.create(item_type="platform_request", title="New catalog", platform="unity-catalog",
                      severity=None, justification="Team X needs it")
    path = f"/work-items/{item['id']}/transition"
    other = api.call("POST", path, OTHER, json={"to_state": "cancelled", "expected_version": 1})
    assert other.status_code == 403
    mine = api.call("POST", path, REPORTER, json={"to_state": "cancelled", "expected_version": 1, "note": "Solved"})
    assert mine.status_code == 200 and mine.get_json()["state"] == "cancelled"


def test_comments_are_created_and_listed(api: Api) -> None:
    item = api.create()
    path = f"/work-items/{item['id']}/comments"
    created = api.call("POST", path, OTHER, json={"body": "Seeing this **too**"})
    assert created.status_code == 201
    assert created.get_json()["body"] == "Seeing this **too**" and created.get_json()["created_by"] == OTHER
    api.call("POST", path, REPORTER, json={"body": "Thanks"})
    listed = api.call("GET", path).get_json()["items"]
    assert [c["body"] for c in listed] == ["Seeing this **too**", "Thanks"]
    assert api.call("GET", f"/work-items/{item['id']}").get_json()["comment_count"] == 2
    empty = api.call("POST", path, OTHER, json={"body": "   "})
    assert empty.status_code == 422 and "body" in error_of(empty)["details"]


def test_duplicate_votes_count_once_and_unvote_is_idempotent(api: Api) -> None:
    item = api.create()
    path = f"/work-items/{item['id']}/vote"
    for _ in range(3):
        response = api.call("POST", path, OTHER, json={})
        assert response.status_code == 200
        assert response.get_json() == {"voted": True, "vote_count": 1}
    assert api.call("POST", path, TRIAGER, json={}).get_json() == {"voted": True, "vote_count": 2}
    assert api.call("GET", f"/work-items/{item['id']}", OTHER).get_json()["my_vote"] is True
    for _ in range(2):
        assert api.call("DELETE", path, OTHER, json={}).get_json() == {"voted": False, "vote_count": 1}


def test_events_are_chronological_with_actor_and_version(api: Api) -> None:
    item = api.create()
    api.call("POST", f"/work-items/{item['id']}/comments", OTHER, json={"body": "Me too"})
    api.call("POST", f"/work-items/{item['id']}/transition", TRIAGER,
             json={"to_state": "triaged", "expected_version": 1})
    events = api.call("GET", f"/work-items/{item['id']}/events").get_json()["items"]
    assert [(e["event_type"], e["actor"], e["version"]) for e in events] == [
        ("created", REPORTER, 1), ("commented", OTHER, 1), ("state_changed", TRIAGER, 2)]
    assert events[2]["payload"]["from"] == "new" and events[2]["payload"]["to"] == "triaged"
    assert [e["created_at"] for e in events] == sorted(e["created_at"] for e in events)
