"""GET /events/stream over a real server and real Delta tables: what an open page receives."""

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


def _item(app: Flask, title: str = "Disk full on the jobs cluster") -> str:
    return services(app).work_items.create(BOB, {"item_type": "incident", "title": title, "severity": "sev2",
                                                  "platform": "jobs"}).id


def _wait_for_streams(app: Flask, count: int) -> None:
    deadline = time.monotonic() + 5
    while services(app).live.hub.open_streams() != count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert services(app).live.hub.open_streams() == count


def test_a_comment_appears_on_an_open_detail_page_stream(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    item_id = _item(app)
    with served(app) as address:
        stream = Stream(address, f"item:{item_id}")
        assert stream.response.status == 200
        assert stream.response.getheader("Content-Type").startswith("text/event-stream")
        assert stream.response.getheader("Cache-Control").startswith("no-cache")
        assert stream.response.getheader("X-Accel-Buffering") == "no"
        assert stream.next().retry == "3000"
        _wait_for_streams(app, 1)
        services(app).work_items.comment(ALICE, item_id, "Freed **20 GB**, watching it")

        message = stream.until("Freed")
        stream.close()
    assert message.id.isdigit()
    assert '<ol id="timeline" class="timeline" hx-swap-oob="true">' in message.data
    assert "<strong>20 GB</strong>" in message.data  # the timeline partial, markdown rendered and sanitized
    assert 'hx-target="#item-main dl.meta"' in message.data


def test_a_transition_sends_the_version_notice_for_open_forms(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    item_id = _item(app)
    with served(app) as address:
        stream = Stream(address, f"item:{item_id}")
        _wait_for_streams(app, 1)
        services(app).work_items.transition(ALICE, item_id, "triaged", "1", "")
        message = stream.until("live-version-notice")
        stream.close()
    assert 'data-version="2"' in message.data
    assert "changed:</strong> moved to triaged by alice@example.com" in message.data
    assert "state-triaged" in message.data  # the state badge is swapped too


def test_a_list_stream_replaces_changed_rows_and_counts_new_items(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    item_id = _item(app)
    with served(app) as address:
        stream = Stream(address, "list")
        _wait_for_streams(app, 1)
        services(app).work_items.vote(ALICE, item_id, True)
        row = stream.until(f'id="row-{item_id}"')
        _item(app, "A brand new problem")
        _item(app, "And another one")
        bar = stream.until("2 new items")
        stream.close()
    assert f'hx-target="#row-{item_id}" hx-swap="outerHTML"' in row.data
    assert '<td data-label="Votes" class="num">1</td>' in row.data
    assert 'hx-target="#live-new-items"' in bar.data


def test_quiet_streams_send_heartbeats(make_app: Callable[..., Flask]) -> None:
    app = make_app(LIVE_HEARTBEAT_SECONDS="0.2")
    with served(app) as address:
        stream = Stream(address, "list")
        stream.next()  # retry hint
        started = time.monotonic()
        beat = stream.next()
        stream.close()
    assert beat.comments == ["hb"] and not beat.data
    assert time.monotonic() - started < 2


def test_a_reconnect_with_last_event_id_replays_what_it_missed(make_app: Callable[..., Flask]) -> None:
    app = make_app(LIVE_HEARTBEAT_SECONDS="0.3")
    item_id = _item(app)
    with served(app) as address:
        first = Stream(address, f"item:{item_id}")
        _wait_for_streams(app, 1)
        services(app).work_items.comment(ALICE, item_id, "First look")
        seen = first.until("First look")
        first.close()
        _wait_for_streams(app, 0)  # the server noticed the client went away (at its next write)
        services(app).work_items.comment(BOB, item_id, "Said while you were away")

        again = Stream(address, f"item:{item_id}", headers={"Last-Event-ID": seen.id})
        replayed = again.until("Said while you were away")
        again.close()
        by_query = Stream(address, f"item:{item_id}", query=f"&last_event_id={seen.id}")
        also = by_query.until("Said while you were away")
        by_query.close()
    assert int(replayed.id) > int(seen.id) and also.id == replayed.id


def test_streams_of_one_item_share_one_render_of_its_timeline(make_app: Callable[..., Flask]) -> None:
    from flask import template_rendered

    app = make_app(LIVE_HEARTBEAT_SECONDS="0.3")
    item_id = _item(app)
    renders: list[str] = []
    record = lambda sender, template, context, **extra: renders.append(template.name)  # noqa: E731
    template_rendered.connect(record, app)
    try:
        with served(app) as address:
            streams = [Stream(address, f"item:{item_id}") for _ in range(5)]
            _wait_for_streams(app, 5)
            services(app).work_items.comment(ALICE, item_id, "One render for all")
            for stream in streams:
                stream.until("One render for all")
                stream.close()
    finally:
        template_rendered.disconnect(record, app)
    assert renders.count("work_items/_live_item_shared.html") == 1
    assert renders.count("work_items/_live_update.html") == 5  # each viewer's own vote button


def test_a_stream_ends_after_its_lifetime_and_frees_its_place(make_app: Callable[..., Flask]) -> None:
    app = make_app(LIVE_HEARTBEAT_SECONDS="0.2", LIVE_STREAM_SECONDS="0.6")
    with served(app) as address:
        stream = Stream(address, "list")
        started = time.monotonic()
        try:
            while True:
                stream.next()
        except EOFError:
            ended = time.monotonic() - started
        stream.close()
        _wait_for_streams(app, 0)
    assert 0.5 < ended < 3.0  # the browser's hx-sse reconnects from here with Last-Event-ID


def test_a_triagers_queue_stream_keeps_the_assign_to_me_cell_of_a_changed_row(
        make_app: Callable[..., Flask]) -> None:
    """The triage queue's rows carry an "Assign to me" cell; a row replaced live must keep it (a plain list row
    would drop the cell and shift the queue's columns), and a reporter's list gets the plain row."""
    app = make_app()
    item_id = _item(app)
    client = sign_in(app.test_client(), ALICE.id)
    queue = client.get("/work-items?view=triage").get_data(as_text=True)
    assert "view=triage" in queue.split('id="live-list"')[1].split(">")[0]  # the queue's stream says so
    cookie = f"session={client.get_cookie('session').value}"
    with served(app) as address:
        triager = Stream(address, "list", headers={"Cookie": cookie}, query="&view=triage")
        reporter = Stream(address, "list", query="&view=triage")
        _wait_for_streams(app, 2)
        services(app).work_items.vote(BOB, item_id, True)
        row, plain = triager.until(f'id="row-{item_id}"'), reporter.until(f'id="row-{item_id}"')
        triager.close()
        reporter.close()
    assert 'class="assign-cell"' in row.data and 'aria-label="Assign to me: INC-1"' in row.data
    assert 'class="assign-cell"' not in plain.data
