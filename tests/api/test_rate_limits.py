"""Rate limits: per user (per IP when anonymous), one bucket per action, 429 JSON with Retry-After."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import OTHER, REPORTER, TRIAGER, Api, error_of
from flask import Flask, g
from limits import parse_many

from app.config import SETTINGS
from app.core.rate_limit import limit, limit_key
from app.models import Actor, Role

IDEA = {"item_type": "improvement", "title": "Spam idea"}


def test_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown rate-limited action"):
        limit("delete_everything")


def test_key_is_the_user_or_else_the_address(app: Flask) -> None:
    with app.test_request_context(environ_base={"REMOTE_ADDR": "10.1.2.3"}):
        g.actor = None
        assert limit_key() == "ip:10.1.2.3"
        g.actor = Actor(REPORTER, Role.REPORTER)
        assert limit_key() == f"user:{REPORTER}"


def _per(limit_text: str, unit: str) -> int:
    return next(item.amount for item in parse_many(limit_text) if item.GRANULARITY.name == unit)


def test_defaults_stop_a_spammer_but_not_a_busy_triager() -> None:
    """A person triaging flat out does a few actions a minute; a script spamming does hundreds."""
    assert _per(SETTINGS["RATELIMIT_CREATE"][0], "minute") <= 30
    assert _per(SETTINGS["RATELIMIT_CREATE"][0], "day") <= 500
    assert _per(SETTINGS["RATELIMIT_COMMENT"][0], "day") <= 2000
    assert _per(SETTINGS["RATELIMIT_TRANSITION"][0], "minute") >= 60
    assert _per(SETTINGS["RATELIMIT_TRANSITION"][0], "day") >= 2000
    assert _per(SETTINGS["RATELIMIT_VOTE"][0], "minute") >= 30


def test_create_limit_answers_429_json_with_retry_after(make_app: Any) -> None:
    app = make_app(RATELIMIT_ENABLED="1", RATELIMIT_CREATE="2/minute")
    app.register_error_handler(429, lambda e: ("<h1>Slow down</h1>", 429))  # the UI's HTML handler
    api = Api(app.test_client())
    for _ in range(2):
        assert api.call("POST", "/work-items", REPORTER, json=IDEA).status_code == 201
    blocked = api.call("POST", "/work-items", REPORTER, json=IDEA)
    assert blocked.status_code == 429
    err = error_of(blocked)
    assert err["code"] == "rate_limited" and "2 per 1 minute" in err["details"]["limit"]
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    assert api.call("POST", "/work-items", OTHER, json=IDEA).status_code == 201  # others have their own budget
    assert api.call("GET", "/work-items", REPORTER).status_code == 200  # reads are never limited
    assert api.call("GET", "/work-items").get_json()["total"] == 3


def test_edits_and_transitions_share_one_bucket(make_app: Any) -> None:
    api = Api(make_app(RATELIMIT_ENABLED="1", RATELIMIT_TRANSITION="2/minute").test_client())
    item = api.create()
    path = f"/work-items/{item['id']}"
    assert api.call("PATCH", path, TRIAGER, json={"expected_version": 1, "priority": "p2"}).status_code == 200
    assert api.call("POST", f"{path}/transition", TRIAGER,
                    json={"to_state": "triaged", "expected_version": 2}).status_code == 200
    blocked = api.call("PATCH", path, TRIAGER, json={"expected_version": 3, "priority": "p1"})
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    assert api.call("GET", path).get_json()["priority"] == "p2"  # the blocked edit changed nothing
    assert api.call("POST", f"{path}/comments", TRIAGER, json={"body": "still allowed"}).status_code == 201


def test_votes_and_comments_have_their_own_limits(make_app: Any) -> None:
    api = Api(make_app(RATELIMIT_ENABLED="1", RATELIMIT_VOTE="1/minute", RATELIMIT_COMMENT="1/minute").test_client())
    item = api.create()
    assert api.call("POST", f"/work-items/{item['id']}/vote", OTHER, json={}).status_code == 200
    assert api.call("DELETE", f"/work-items/{item['id']}/vote", OTHER, json={}).status_code == 429
    assert api.call("POST", f"/work-items/{item['id']}/comments", OTHER, json={"body": "one"}).status_code == 201
    assert api.call("POST", f"/work-items/{item['id']}/comments", OTHER, json={"body": "two"}).status_code == 429


def test_anonymous_callers_are_counted_by_address(make_app: Any) -> None:
    api = Api(make_app(RATELIMIT_ENABLED="1", RATELIMIT_CREATE="1/minute").test_client())
    assert api.call("POST", "/work-items", json=IDEA).status_code == 401
    assert api.call("POST", "/work-items", json=IDEA).status_code == 429


def test_limits_can_be_switched_off(make_app: Any) -> None:
    api = Api(make_app(RATELIMIT_ENABLED="0", RATELIMIT_CREATE="1/minute").test_client())
    assert [api.call("POST", "/work-items", REPORTER, json=IDEA).status_code for _ in range(3)] == [201] * 3
