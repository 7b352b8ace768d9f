"""Every JSON write route × every role: who may do what (RBAC enforced in the services)."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import ADMIN, OTHER, REPORTER, TRIAGER, VIEWER, Api

ROLES = {"anonymous": None, "viewer": VIEWER, "author": REPORTER, "other_reporter": OTHER,
         "triager": TRIAGER, "admin": ADMIN}

# route -> (method, path suffix, body, expected status per role in ROLES order)
MATRIX: dict[str, tuple[str, str, dict[str, Any], tuple[int, ...]]] = {
    "create": ("POST", "", {"item_type": "improvement", "title": "Faster clusters"},
               (401, 403, 201, 201, 201, 201)),
    "comment": ("POST", "/comments", {"body": "Same here"}, (401, 403, 201, 201, 201, 201)),
    "vote": ("POST", "/vote", {}, (401, 403, 200, 200, 200, 200)),
    "unvote": ("DELETE", "/vote", {}, (401, 403, 200, 200, 200, 200)),
    "edit_own_text": ("PATCH", "", {"expected_version": 1, "title": "Better title"},
                      (401, 403, 200, 403, 200, 200)),
    "edit_priority": ("PATCH", "", {"expected_version": 1, "priority": "p1"}, (401, 403, 403, 403, 200, 200)),
    "triage_transition": ("POST", "/transition", {"to_state": "triaged", "expected_version": 1},
                          (401, 403, 403, 403, 200, 200)),
    "author_transition": ("POST", "/transition", {"to_state": "cancelled", "expected_version": 1, "note": "x"},
                          (401, 403, 200, 403, 200, 200)),
}


@pytest.mark.parametrize("route", list(MATRIX))
@pytest.mark.parametrize("role", list(ROLES))
def test_write_route_by_role(api: Api, route: str, role: str) -> None:
    method, suffix, body, expected = MATRIX[route]
    item = api.create(REPORTER, item_type="platform_request", title="Catalog for team X", platform="unity-catalog",
                      severity=None, justification="New team")
    path = "/work-items" if route == "create" else f"/work-items/{item['id']}{suffix}"
    response = api.call(method, path, ROLES[role], json=body)
    want = expected[list(ROLES).index(role)]
    assert response.status_code == want, (route, role, response.get_json())
    if want >= 400:
        assert response.get_json()["error"]["code"] == {401: "unauthenticated", 403: "forbidden"}[want]
        after = api.call("GET", f"/work-items/{item['id']}").get_json()
        assert after["version"] == 1 and after["vote_count"] == 0 and after["comment_count"] == 0


def test_author_may_not_edit_a_closed_item(api: Api) -> None:
    item = api.create(REPORTER, item_type="platform_request", title="Catalog for team Y", platform="unity-catalog",
                      severity=None)
    api.call("POST", f"/work-items/{item['id']}/transition", REPORTER,
             json={"to_state": "cancelled", "expected_version": 1})
    response = api.call("PATCH", f"/work-items/{item['id']}", REPORTER, json={"expected_version": 2, "title": "Again"})
    assert response.status_code == 403
    fixed = api.call("PATCH", f"/work-items/{item['id']}", TRIAGER, json={"expected_version": 2, "title": "Typo fix"})
    assert fixed.status_code == 200


def test_viewer_can_read(api: Api) -> None:
    item = api.create()
    for path in ("", f"/{item['id']}", f"/{item['id']}/comments", f"/{item['id']}/events"):
        assert api.call("GET", f"/work-items{path}", VIEWER).status_code == 200
