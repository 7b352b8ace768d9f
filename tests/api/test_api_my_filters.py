"""#12: the JSON list has the page's "Reported by me" and "Assigned to me" filters, and its errors name labels."""

from __future__ import annotations

from api_helpers import OTHER, REPORTER, TRIAGER, Api, error_of


def keys(page: dict) -> list[str]:
    return sorted(item["key"] for item in page["items"])


def test_reported_and_assigned_filter_by_the_caller(api: Api) -> None:
    mine = api.create(REPORTER, title="Reported by the reporter")
    given = api.create(OTHER, title="Assigned to the reporter", assignee=REPORTER)
    api.create(OTHER, title="Someone else's")
    reported = api.call("GET", "/work-items?reported=1", REPORTER).get_json()
    assigned = api.call("GET", "/work-items?assigned=1", REPORTER).get_json()
    assert keys(reported) == [mine["key"]] and keys(assigned) == [given["key"]]
    signed_out = error_of(api.call("GET", "/work-items?assigned=1"))
    assert signed_out["details"]["assigned"] == "Sign in to see the items assigned to you."


def test_list_and_transition_errors_name_labels_and_keep_the_ids_in_details(api: Api) -> None:
    err = error_of(api.call("GET", "/work-items?type=platform_request&state=closed"))
    assert err["details"]["state"].startswith("Platform request items are never Closed: choose Submitted, Triaged")
    item = api.create()
    blocked = error_of(api.call("POST", f"/work-items/{item['id']}/transition", TRIAGER,
                                json={"to_state": "in_progress", "expected_version": 1}))
    assert blocked["message"] == "INC-1: an incident in New cannot move to In progress. Allowed now: Triaged or Closed."
    assert blocked["details"]["allowed_transitions"] == ["triaged", "closed"]
