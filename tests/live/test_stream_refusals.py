"""Who may open a live stream, and how bad requests are answered (never a 500, never a hanging stream)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from tests.fixtures import sign_in
from tests.live.sse import Stream, served


def _session_cookie(app: Flask, email: str) -> str:
    client = sign_in(app.test_client(), email)
    cookie = client.get_cookie("session")
    assert cookie is not None
    return f"session={cookie.value}"


def test_without_anonymous_read_a_stream_needs_an_identity(make_app: Callable[..., Flask]) -> None:
    app = make_app(ALLOW_ANONYMOUS_READ="0")
    with served(app) as address:
        anonymous = Stream(address, "list")
        refused = anonymous.response.status, anonymous.response.getheader("Content-Type")
        anonymous.close()
        signed_in = Stream(address, "list", headers={"Cookie": _session_cookie(app, "bob@example.com")})
        accepted, first = signed_in.response.status, signed_in.next()
        signed_in.close()
    assert refused[0] in (401, 303) and not refused[1].startswith("text/event-stream")
    assert accepted == 200 and first.retry == "3000"


def test_unknown_or_missing_topics_are_a_400(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()

    unknown = client.get("/events/stream?topics=list,secrets")
    missing = client.get("/events/stream")
    odd = client.get("/events/stream?topics=item:../../etc")

    assert unknown.status_code == missing.status_code == odd.status_code == 400
    assert "Unknown topic &#39;secrets&#39;" in unknown.get_data(as_text=True)
    assert "topics=item:" in missing.get_data(as_text=True)


def test_a_person_holds_a_limited_number_of_streams(make_app: Callable[..., Flask]) -> None:
    app = make_app(LIVE_MAX_STREAMS="2", LIVE_HEARTBEAT_SECONDS="0.2")
    with served(app) as address:
        open_ones = [Stream(address, "list") for _ in range(2)]
        for stream in open_ones:
            stream.next()
        third = Stream(address, "list")
        status, text = third.response.status, third.response.read().decode()
        third.close()
        for stream in open_ones:
            stream.close()
    assert status == 429
    assert "At most 2 live pages per person" in text


def test_a_full_worker_refuses_new_streams_but_still_serves_pages(make_app: Callable[..., Flask]) -> None:
    app = make_app(LIVE_WORKER_STREAMS="2", LIVE_HEARTBEAT_SECONDS="0.2")
    with served(app) as address:
        held = [Stream(address, "list", headers={"Cookie": _session_cookie(app, email)})
                for email in ("bob@example.com", "rita@example.com")]
        for stream in held:
            stream.next()
        extra = Stream(address, "list", headers={"Cookie": _session_cookie(app, "otto@example.com")})
        status, text = extra.response.status, extra.response.read().decode()
        extra.close()
        page = app.test_client().get("/work-items")
        for stream in held:
            stream.close()
    assert status == 503 and "Live updates are busy" in text
    assert page.status_code == 200
