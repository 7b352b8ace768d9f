"""The HTML write routes (the UI's forms) × every role: the same service rules as the JSON API."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import ADMIN, OTHER, REPORTER, TRIAGER, VIEWER
from flask import Flask
from flask.testing import FlaskClient

from app.core.context import services
from app.models import Actor, Role

ROLES = {"anonymous": None, "viewer": VIEWER, "author": REPORTER, "other_reporter": OTHER,
         "triager": TRIAGER, "admin": ADMIN}
TOKEN = "csrf-test-token"
MATRIX: dict[str, tuple[str, dict[str, str], tuple[int, ...]]] = {
    "create": ("/work-items/new", {"item_type": "improvement", "title": "Faster clusters"},
               (401, 403, 303, 303, 303, 303)),
    "comment": ("/comments", {"body": "Same here"}, (401, 403, 303, 303, 303, 303)),
    "vote": ("/vote", {"voted": "1"}, (401, 403, 303, 303, 303, 303)),
    "unvote": ("/vote", {"voted": "0"}, (401, 403, 303, 303, 303, 303)),
    "edit_own_text": ("/edit", {"expected_version": "1", "title": "Better title"}, (401, 403, 303, 403, 303, 303)),
    "edit_priority": ("/edit", {"expected_version": "1", "priority": "p1"}, (401, 403, 403, 403, 303, 303)),
    "triage_transition": ("/transition", {"to_state": "triaged", "expected_version": "1"},
                          (401, 403, 403, 403, 303, 303)),
    "author_transition": ("/transition", {"to_state": "cancelled", "expected_version": "1", "note": "x"},
                          (401, 403, 303, 403, 303, 303)),
}


def _html_app(make_app: Any) -> Flask:
    return make_app(AUTH_MODE="dev")


def _client(app: Flask, user: str | None) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        session["csrf_token"] = TOKEN
        if user:
            session["user"] = user
    return client


def _seed(app: Flask) -> str:
    item = services(app).work_items.create(Actor(REPORTER, Role.REPORTER), {
        "item_type": "platform_request", "title": "Catalog for team X", "platform": "unity-catalog"})
    return item.id


@pytest.mark.parametrize("route", list(MATRIX))
@pytest.mark.parametrize("role", list(ROLES))
def test_html_write_route_by_role(make_app: Any, route: str, role: str) -> None:
    app = _html_app(make_app)
    item_id = _seed(app)
    suffix, form, expected = MATRIX[route]
    path = suffix if route == "create" else f"/work-items/{item_id}{suffix}"
    if route == "unvote":
        services(app).work_items.vote(Actor(TRIAGER, Role.TRIAGER), item_id, True)
    response = _client(app, ROLES[role]).post(path, data={**form, "csrf_token": TOKEN})
    want = expected[list(ROLES).index(role)]
    assert response.status_code == want, (route, role, response.get_data(as_text=True)[:300])
    if want >= 400:
        view = services(app).work_items.get(item_id, None)
        assert view.item.version == 1 and view.comment_count == 0
        assert view.vote_count == (1 if route == "unvote" else 0)
        assert services(app).work_items.list(None, {}).total == 1


def test_html_write_without_csrf_token_is_rejected(make_app: Any) -> None:
    app = _html_app(make_app)
    item_id = _seed(app)
    client = _client(app, REPORTER)
    refused = client.post(f"/work-items/{item_id}/comments", data={"body": "forged"})
    assert refused.status_code == 400
    forged = client.post(f"/work-items/{item_id}/comments", data={"body": "forged", "csrf_token": "guess"})
    assert forged.status_code == 400
    assert services(app).work_items.get(item_id, None).comment_count == 0
    accepted = client.post(f"/work-items/{item_id}/comments", data={"body": "real", "csrf_token": TOKEN})
    assert accepted.status_code == 303
