"""Watchers and notifications over JSON: idempotent watch/unwatch, the inbox page, marking read, bad bodies."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.core.context import services
from tests.api.api_helpers import OTHER, REPORTER, TRIAGER, VIEWER, Api, error_of


def drain(app: Flask) -> None:
    services(app).notifier.drain()


def test_watch_and_unwatch_are_idempotent_and_listed(api: Api) -> None:
    item = api.create()
    path = f"/work-items/{item['id']}"
    assert api.call("GET", f"{path}/watchers", OTHER).get_json() == {"watchers": [REPORTER], "watching": False}
    for _ in range(2):
        response = api.call("POST", f"{path}/watch", VIEWER, json={})
        assert response.status_code == 200 and response.get_json() == {"watching": True}
    assert api.call("GET", f"{path}/watchers", VIEWER).get_json() == {"watchers": [REPORTER, VIEWER],
                                                                       "watching": True}
    for _ in range(2):
        assert api.call("DELETE", f"{path}/watch", REPORTER, json={}).get_json() == {"watching": False}
    assert api.call("GET", f"{path}/watchers", VIEWER).get_json()["watchers"] == [VIEWER]
    assert api.call("POST", "/work-items/nope/watch", VIEWER, json={}).status_code == 404
    assert api.call("POST", f"{path}/watch", json={}).status_code == 401
    assert error_of(api.call("POST", f"{path}/watch", VIEWER, json={"x": 1}))["code"] == "validation_error"


def test_the_inbox_lists_unread_first_and_marks_read(app: Flask, api: Api) -> None:
    item = api.create()
    drain(app)
    for n in range(3):
        api.call("POST", f"/work-items/{item['id']}/comments", OTHER, json={"body": f"comment {n}"})
    api.call("POST", f"/work-items/{item['id']}/comments", REPORTER, json={"body": "my own"})
    drain(app)
    body = api.call("GET", "/notifications", REPORTER).get_json()
    assert (body["unread"], body["total"]) == (3, 3)
    first = body["items"][0]
    assert set(first) == {"id", "item_id", "item_key", "event_type", "summary", "actor", "reason", "created_at",
                          "read"}
    assert (first["item_key"], first["event_type"], first["actor"], first["reason"], first["read"]) == (
        item["key"], "commented", OTHER, "author", False)
    edit = api.call("PATCH", f"/work-items/{item['id']}", TRIAGER,
                    json={"expected_version": 1, "title": "A better title"})
    assert edit.status_code == 200, edit.get_json()
    drain(app)
    assert api.call("GET", "/notifications", REPORTER).get_json()["items"][0]["summary"] == "changed title"
    others = api.call("GET", "/notifications", OTHER).get_json()["items"]  # a commenter watches; never her own
    assert [(n["event_type"], n["actor"]) for n in others] == [("updated", TRIAGER), ("commented", REPORTER)]
    ok = api.call("POST", "/notifications/read", REPORTER, json={"ids": [first["id"]]})
    assert ok.status_code == 200 and ok.get_json() == {"unread": 3}
    assert api.call("POST", "/notifications/read", REPORTER, json={"ids": [first["id"]]}).get_json() == {"unread": 3}
    page = api.call("GET", "/notifications?unread=1&page=1&page_size=1", REPORTER).get_json()
    assert (len(page["items"]), page["total"], page["unread"]) == (1, 3, 3)
    assert api.call("GET", "/notifications", REPORTER).get_json()["items"][-1]["read"] is True
    assert api.call("POST", "/notifications/read", REPORTER, json={"all": True}).get_json() == {"unread": 0}


def test_bad_inbox_requests_are_clear_errors(api: Api) -> None:
    def status(method: str, path: str, **kwargs: Any) -> int:
        return api.call(method, path, REPORTER, **kwargs).status_code

    assert api.call("GET", "/notifications").status_code == 401
    assert status("GET", "/notifications?page_size=101") == 422
    assert status("GET", "/notifications?reason=bored") == 422
    assert status("GET", "/notifications?unread=maybe") == 422
    assert status("POST", "/notifications/read", data="[1", content_type="application/json") == 400
    assert status("POST", "/notifications/read", data="ids=1", content_type="text/plain") == 415
    assert status("POST", "/notifications/read", json={"ids": "abc"}) == 422
    assert status("POST", "/notifications/read", json={"all": "yes"}) == 422
    assert status("POST", "/notifications/read", json={"ids": ["a"], "all": True}) == 422
    assert status("POST", "/notifications/read", json={"everything": True}) == 422
    assert status("POST", "/notifications/read", json={}) == 422


def test_the_openapi_document_describes_the_new_endpoints(api: Api) -> None:
    doc = api.call("GET", "/openapi.json").get_json()
    assert {"post", "delete"} <= set(doc["paths"]["/work-items/{item_id}/watch"])
    assert "get" in doc["paths"]["/notifications"] and "post" in doc["paths"]["/notifications/read"]
    assert "NotificationPage" in doc["components"]["schemas"]
