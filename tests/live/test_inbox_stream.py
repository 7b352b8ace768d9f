"""The inbox count on live pages: a notification stored for someone updates their own open pages' badge, and
nobody else's (real server, real Delta tables, the notifier thread of the app)."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask

from app.core.context import services
from app.models import Actor, Role
from tests.fixtures import sign_in
from tests.live.sse import Stream, served

BOB = Actor("bob@example.com", Role.REPORTER)
ALICE = Actor("alice@example.com", Role.TRIAGER)


def _cookie(app: Flask, email: str) -> dict[str, str]:
    cookie = sign_in(app.test_client(), email).get_cookie("session")
    assert cookie is not None
    return {"Cookie": f"session={cookie.value}"}


def test_a_comment_on_my_item_updates_my_inbox_badge_only(make_app: Callable[..., Flask]) -> None:
    app = make_app(LIVE_HEARTBEAT_SECONDS="0.5")  # a quiet stream still answers, so waiting ends on time
    item_id = services(app).work_items.create(BOB, {"item_type": "improvement", "title": "Faster CI runs"}).id
    services(app).notifier.drain()  # the creation is fanned out (to nobody: bob is the actor)
    with served(app) as address:
        bob = Stream(address, f"item:{item_id},inbox", headers=_cookie(app, BOB.id))
        rita = Stream(address, f"item:{item_id},inbox", headers=_cookie(app, "rita@example.com"))
        deadline = time.monotonic() + 5
        while services(app).live.hub.open_streams("inbox") != 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        services(app).work_items.comment(ALICE, item_id, "Could we cache the wheels?")
        badge = bob.until('id="inbox-count"', seconds=8)
        rita_saw = [rita.until("wheels").data]
        try:
            rita_saw.append(rita.until('id="inbox-count"', seconds=3).data)
        except (AssertionError, TimeoutError):
            pass
        bob.close()
        rita.close()
    assert 'hx-swap-oob="true"' in badge.data and 'aria-label="1 unread"' in badge.data
    assert not any('id="inbox-count"' in data for data in rita_saw)  # her stream carries her count only when hers moves


def test_an_anonymous_stream_has_no_inbox(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    with served(app) as address:
        stream = Stream(address, "list,inbox")
        assert stream.response.status == 200
        deadline = time.monotonic() + 5
        while services(app).live.hub.open_streams("list") != 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert services(app).live.hub.open_streams("inbox") == 0
        stream.close()
