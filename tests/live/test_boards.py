"""Status and Roadmap pages over GET /events/stream (real server, real Delta tables): a change swaps the
board on every open page, the board is read and rendered once per change however many pages show it, and
each viewer's roadmap shows their own votes and carries their own CSRF token only."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from flask import Flask

from app.core.context import services
from app.models import Actor, Role
from tests.fixtures import sign_in
from tests.live.sse import Stream, served

BOB = Actor("bob@example.com", Role.REPORTER)
RITA = Actor("rita@example.com", Role.REPORTER)
ALICE = Actor("alice@example.com", Role.TRIAGER)


def _cookie(app: Flask, email: str, token: str) -> dict[str, str]:
    cookie = sign_in(app.test_client(), email, token).get_cookie("session")
    assert cookie is not None
    return {"Cookie": f"session={cookie.value}"}


def _wait_for_streams(app: Flask, count: int) -> None:
    deadline = time.monotonic() + 5
    while services(app).live.hub.open_streams() != count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert services(app).live.hub.open_streams() == count


def _incident(app: Flask, severity: str = "sev1") -> str:
    return services(app).work_items.create(BOB, {"item_type": "incident", "title": "Jobs stuck in pending",
                                                  "severity": severity, "platform": "jobs"}).id


def test_a_transition_swaps_the_status_board_of_every_open_status_page(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    item_id = _incident(app)
    reads = []
    portal = services(app).live.boards.portal
    status = portal.status
    portal.status = lambda actor: reads.append(actor) or status(actor)  # type: ignore[method-assign]
    with served(app) as address:
        pages = [Stream(address, "status") for _ in range(3)]
        _wait_for_streams(app, 3)
        services(app).work_items.transition(ALICE, item_id, "triaged", "1", "")
        services(app).work_items.transition(ALICE, item_id, "investigating", "2", "")
        boards = [page.until("investigating") for page in pages]
        for page in pages:
            page.close()
    for message in boards:
        assert 'hx-target="#status-board" hx-swap="outerHTML"' in message.data
        assert re.search(r'<tr id="platform-jobs" data-condition="major_outage">', message.data)
        assert message.id.isdigit()  # a board message resumes like any other
    assert len(reads) <= 2  # two changes, three pages: each change read once for all of them


def test_the_status_page_follows_its_stream_instead_of_polling(make_app: Callable[..., Flask]) -> None:
    page = make_app().test_client().get("/status").get_data(as_text=True)
    assert 'data-live-stream="/events/stream?topics=status"' in page
    assert "every 60s" not in page
    assert '<noscript><meta http-equiv="refresh" content="60"></noscript>' in page  # without JavaScript
    roadmap = make_app().test_client().get("/roadmap").get_data(as_text=True)
    assert 'data-live-stream="/events/stream?topics=roadmap"' in roadmap


def _improvement(app: Flask, title: str) -> str:
    return services(app).work_items.create(RITA, {"item_type": "improvement", "title": title}).id


def _card(data: str, item_id: str) -> str:
    start = data.index(f'id="card-{item_id}"')
    return data[start:data.index("</li>", start)]


def test_each_roadmap_viewer_sees_their_own_votes_and_token(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    first, second = _improvement(app, "Faster CI runs"), _improvement(app, "Dark mode for dashboards")
    services(app).work_items.vote(BOB, first)
    with served(app) as address:
        bob = Stream(address, "roadmap", headers=_cookie(app, BOB.id, "bob-token-1234"))
        alice = Stream(address, "roadmap", headers=_cookie(app, ALICE.id, "alice-token-5678"))
        anonymous = Stream(address, "roadmap")
        viewer = Stream(address, "roadmap", headers=_cookie(app, "vic@example.com", "vic-token-9012"))
        _wait_for_streams(app, 4)
        services(app).work_items.vote(ALICE, second)
        seen = {name: stream.until("Dark mode").data for name, stream in
                (("bob", bob), ("alice", alice), ("anonymous", anonymous), ("viewer", viewer))}
        for stream in (bob, alice, anonymous, viewer):
            stream.close()
    assert 'aria-pressed="true"' in _card(seen["bob"], first)  # voted before the stream opened
    assert 'aria-pressed="false"' in _card(seen["bob"], second)
    assert 'aria-pressed="true"' in _card(seen["alice"], second)  # the vote that caused the update
    assert 'aria-pressed="false"' in _card(seen["alice"], first)
    assert "bob-token-1234" in seen["bob"] and "alice-token-5678" not in seen["bob"]
    assert "alice-token-5678" in seen["alice"] and "bob-token-1234" not in seen["alice"]
    assert "<form" not in seen["anonymous"] and "Sign in to vote" in seen["anonymous"]
    assert 'hx-target="#roadmap-board"' in seen["anonymous"]
    assert "<form" not in seen["viewer"] and "Reporters and above can vote" in seen["viewer"]  # a viewer's role


def test_a_status_page_hears_only_of_incidents(make_app: Callable[..., Flask]) -> None:
    app = make_app(LIVE_HEARTBEAT_SECONDS="0.3")
    improvement, incident = _improvement(app, "Faster CI runs"), _incident(app, "sev3")
    with served(app) as address:
        page = Stream(address, "status")
        _wait_for_streams(app, 1)
        services(app).work_items.comment(ALICE, improvement, "Not an outage")
        quiet = [page.next() for _ in range(4)]  # a second of heartbeats: the board did not change
        services(app).work_items.comment(ALICE, incident, "Cluster restarted")
        board = page.until("Cluster restarted")
        page.close()
    assert all(not message.data for message in quiet)
    assert 'data-condition="degraded"' in board.data
