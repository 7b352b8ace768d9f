"""Webhooks end to end in one process: an admin registers a real receiver, items change, and the receiver
gets signed deliveries; failures are retried with backoff and recorded in the delivery log."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures import sign_in
from tests.webhooks.receiver import Receiver

FAST = {"WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", "WEBHOOK_POLL_SECONDS": "0.1", "WEBHOOK_RETRY_BASE_SECONDS": "0.2",
        "WEBHOOK_LEASE_SECONDS": "2", "RATELIMIT_ENABLED": "0"}
ADMIN, REPORTER = "admin@example.com", "reporter@example.com"
NEW_ITEM = {"item_type": "improvement", "title": "Faster builds", "description": "please"}


def register(client: FlaskClient, url: str, **extra: object) -> dict:
    answer = client.post("/api/v1/webhooks", json={"url": url, "events": ["*"], **extra})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def wait_until(check: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def admin(make_app: Callable[..., Flask]) -> FlaskClient:
    return sign_in(make_app(**FAST).test_client(), ADMIN)


def test_a_receiver_answering_500_twice_gets_the_delivery_on_the_third_try(admin: FlaskClient) -> None:
    with Receiver(fail_first=2) as receiver:
        hook = register(admin, receiver.url)
        receiver.secret = hook["secret"]
        item = admin.post("/api/v1/work-items", json=NEW_ITEM).get_json()
        assert receiver.wait_for(1, 15), receiver.received
        attempts = [r for r in receiver.received if r.event == "created"]
        assert [r.status for r in attempts] == [500, 500, 200]
        assert all(r.signature_ok for r in attempts), "every attempt is signed with the secret"
        assert len({r.delivery_id for r in attempts}) == 1, "the delivery id is stable across retries"
        body = attempts[-1].body
        assert body["delivery_id"] == attempts[-1].delivery_id
        assert body["event"]["event_type"] == "created" and body["event"]["actor"] == ADMIN
        assert body["item"]["id"] == item["id"] and body["item"]["title"] == "Faster builds"
        assert wait_until(lambda: _log(admin, hook["id"])[0]["status"] == "delivered")
        logged = _log(admin, hook["id"])[0]
        assert logged["attempts"] == 3 and logged["status_code"] == 200 and logged["next_retry_at"] is None


def _log(client: FlaskClient, hook_id: str) -> list[dict]:
    answer = client.get(f"/api/v1/webhooks/{hook_id}/deliveries")
    assert answer.status_code == 200
    return answer.get_json()["items"] or [{"status": None}]


def test_events_of_one_item_arrive_in_order_and_filters_apply(admin: FlaskClient) -> None:
    with Receiver(fail_first=1) as receiver:
        hook = register(admin, receiver.url, item_types=["improvement"])
        receiver.secret = hook["secret"]
        item = admin.post("/api/v1/work-items", json=NEW_ITEM).get_json()
        admin.post(f"/api/v1/work-items/{item['id']}/comments", json={"body": "first"})
        admin.post(f"/api/v1/work-items/{item['id']}/comments", json={"body": "second"})
        admin.post("/api/v1/work-items", json={"item_type": "incident", "title": "Down", "severity": "sev2",
                                               "platform": "jobs"})
        assert receiver.wait_for(3, 15)
        time.sleep(0.5)
        ok = [r for r in receiver.received if r.status == 200]
        assert [r.event for r in ok] == ["created", "commented", "commented"], "incident filtered out, in order"
        assert [r.body["event"]["payload"].get("body") for r in ok[1:]] == ["first", "second"]


def test_a_redirect_is_not_followed_and_the_delivery_fails(admin: FlaskClient) -> None:
    with Receiver(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data"}) as receiver:
        hook = register(admin, receiver.url)
        admin.post("/api/v1/work-items", json=NEW_ITEM)
        assert wait_until(lambda: _log(admin, hook["id"])[0]["status"] == "failed")
        logged = _log(admin, hook["id"])[0]
        assert logged["status_code"] == 302 and "not followed" in logged["error"] and logged["attempts"] == 1
        assert len(receiver.received) == 1, "nothing retried, and the redirect target was never called"


def test_slack_format_posts_a_text_linking_the_item(admin: FlaskClient) -> None:
    with Receiver() as receiver:
        hook = register(admin, receiver.url, format="slack", events=["created"])
        receiver.secret = hook["secret"]
        item = admin.post("/api/v1/work-items", json=NEW_ITEM).get_json()
        assert receiver.wait_for(1, 15)
        text = receiver.received[0].body["text"]
        assert f"/work-items/{item['id']}|{item['key']} Faster builds>" in text and ADMIN in text


def test_only_admins_manage_webhooks_and_bad_input_is_422(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST)
    reporter = sign_in(app.test_client(), REPORTER)
    assert reporter.get("/api/v1/webhooks").status_code == 403
    assert reporter.post("/api/v1/webhooks", json={"url": "https://example.com", "events": ["*"]}).status_code == 403
    admin = sign_in(app.test_client(), ADMIN)
    bad = admin.post("/api/v1/webhooks", json={"url": "ftp://x", "events": ["nope"], "format": "xml",
                                               "platforms": ["mars"]})
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["details"]
    assert set(fields) == {"url", "events", "format", "platforms"}
    metadata = admin.post("/api/v1/webhooks", json={"url": "http://169.254.169.254/", "events": ["*"]})
    assert metadata.status_code == 422 and "link-local" in metadata.get_json()["error"]["details"]["url"]


def test_the_secret_is_shown_once_and_delete_stops_deliveries(admin: FlaskClient) -> None:
    with Receiver() as receiver:
        hook = register(admin, receiver.url)
        listed = admin.get("/api/v1/webhooks").get_json()["items"]
        assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]
        assert hook["secret"] not in admin.get("/api/v1/webhooks").get_data(as_text=True)
        assert admin.delete(f"/api/v1/webhooks/{hook['id']}", json={}).status_code == 204
        assert admin.delete(f"/api/v1/webhooks/{hook['id']}", json={}).status_code == 404
        assert admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries").status_code == 404
        admin.post("/api/v1/work-items", json=NEW_ITEM)
        time.sleep(0.6)
        assert receiver.received == []
