"""The inbox page, its badge and the watchers box, with and without htmx (CSRF on every post)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app.core.context import services
from tests.web.helpers import ALICE, BOB, post, sign_in


def commented_item(app: Flask, make_item: Any, comments: int = 2) -> Any:
    services(app).notifier.drain()
    item = make_item()
    for n in range(comments):
        services(app).work_items.comment(ALICE, item.id, f"comment {n}")
    services(app).notifier.drain()
    return item


def test_the_badge_counts_unread_and_the_inbox_lists_them(app: Flask, make_item: Any) -> None:
    item = commented_item(app, make_item)
    bob = sign_in(app.test_client(), BOB.id)
    page = bob.get("/work-items").get_data(as_text=True)
    assert 'id="inbox-count"' in page and 'aria-label="2 unread"' in page
    inbox = bob.get("/inbox").get_data(as_text=True)
    assert inbox.count('class="notification is-unread"') == 2 and item.key in inbox and "author" in inbox
    assert "2 unread of 2" in inbox
    assert 'aria-label="0 unread"' not in sign_in(app.test_client(), ALICE.id).get("/work-items").get_data(True)


def test_mark_one_read_without_js_redirects_and_mark_all_with_htmx_updates_the_badge(app: Flask,
                                                                                     make_item: Any) -> None:
    commented_item(app, make_item)
    bob = sign_in(app.test_client(), BOB.id)
    first = services(app).notifications.inbox(BOB, {}).items[0]
    response = post(bob, "/inbox/read", {"id": first.id})
    assert response.status_code == 303 and response.headers["Location"].endswith("/inbox")
    assert "1 unread of 2" in bob.get("/inbox").get_data(as_text=True)
    response = post(bob, "/inbox/read", {"all": "1", "reason": "author"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="inbox-list"' in html and "0 unread of 2" in html
    assert 'id="inbox-count"' in html and 'hx-swap-oob="true"' in html and 'class="badge"' not in html
    assert bob.post("/inbox/read", data={"all": "1"}).status_code == 400  # no CSRF token


def test_the_inbox_filters_by_reason_and_needs_a_sign_in(app: Flask, make_item: Any, anon: FlaskClient) -> None:
    commented_item(app, make_item, comments=1)
    bob = sign_in(app.test_client(), BOB.id)
    assert "Nothing here." in bob.get("/inbox?reason=mentioned").get_data(as_text=True)
    assert bob.get("/inbox?reason=bored").status_code == 422
    assert anon.get("/inbox").status_code in (302, 303, 401)


def test_the_watch_toggle_works_with_and_without_htmx(app: Flask, make_item: Any) -> None:
    item = make_item()
    alice = sign_in(app.test_client(), ALICE.id)
    detail = alice.get(f"/work-items/{item.id}").get_data(as_text=True)
    assert 'id="watchers"' in detail and "Watchers (1)" in detail and ">Watch<" in detail
    response = post(alice, f"/work-items/{item.id}/watch", {"watching": "1"})
    assert response.status_code == 303
    assert "Watchers (2)" in alice.get(f"/work-items/{item.id}").get_data(as_text=True)
    html = post(alice, f"/work-items/{item.id}/watch", {"watching": "0"}, htmx=True).get_data(as_text=True)
    assert 'id="watchers"' in html and ">Watch<" in html
    assert "Watchers (1)" in html
