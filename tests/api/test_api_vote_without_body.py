"""Body-less API votes (issue #12, item 13): a bearer-token caller simply votes (votes have no body); any other
caller without a CSRF token is refused with 415 and told to send JSON, and the vote is not counted."""

from __future__ import annotations

from api_helpers import ADMIN, REPORTER, TRIAGER, Api, error_of
from flask import Flask

from app.core.context import services
from app.models import Actor, Role


def _token(app: Flask, user: str = TRIAGER) -> str:
    _, plain = services(app).tokens.create(Actor(ADMIN, Role.ADMIN), user, "vote script")
    return plain


def test_a_bearer_token_votes_and_unvotes_without_a_body(app: Flask) -> None:
    api = Api(app.test_client())
    item_id = api.create()["id"]
    plain = _token(app)
    voted = api.call("POST", f"/work-items/{item_id}/vote", token=plain)
    assert voted.status_code == 200 and voted.get_json() == {"voted": True, "vote_count": 1}
    withdrawn = api.call("DELETE", f"/work-items/{item_id}/vote", token=plain)
    assert withdrawn.status_code == 200 and withdrawn.get_json() == {"voted": False, "vote_count": 0}


def test_a_body_less_vote_without_a_token_is_415_and_says_to_send_json(app: Flask) -> None:
    api = Api(app.test_client())
    item_id = api.create()["id"]
    refused = api.call("POST", f"/work-items/{item_id}/vote", REPORTER)
    assert refused.status_code == 415
    error = error_of(refused)
    assert error["code"] == "unsupported_media_type" and error["details"] == {}
    assert "JSON" in error["message"] and "form expired" not in error["message"]
    assert api.call("GET", f"/work-items/{item_id}").get_json()["vote_count"] == 0
    sent_json = api.call("POST", f"/work-items/{item_id}/vote", REPORTER, json={})
    assert sent_json.status_code == 200 and sent_json.get_json()["vote_count"] == 1


def test_not_found_details_are_an_empty_object(app: Flask) -> None:
    api = Api(app.test_client())
    for response in (api.call("GET", "/work-items/no-such-item"), api.call("GET", "/no-such-route"),
                     api.call("POST", "/work-items/no-such-item/vote", REPORTER, json={})):
        assert response.status_code == 404 and response.get_json()["error"]["details"] == {}
