"""GET /events/stream?topics=...: one server-sent events stream per live page.

Each message's data is HTML the page already knows how to show: htmx 4's hx-sse extension swaps an unnamed
message like any htmx answer, so every part is an `<hx-partial>` or an out-of-band element aimed at a stable
id of the page (templates/work_items/_live_update.html); there is no JSON-to-DOM code. Named SSE events
would only be dispatched as DOM events by htmx 4, not swapped, hence unnamed messages. Every message carries
`id:` (a cursor the store understands), so a reconnect sends Last-Event-ID and gets what it missed. A comment
line every LIVE_HEARTBEAT_SECONDS keeps proxies from closing a quiet stream, and tells the server when the
client has gone (the write fails) so its thread and queue are freed. An idle stream holds no connection and
no lock: it waits on its own queue."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from flask import Blueprint, Response, render_template, request, stream_with_context
from markupsafe import Markup

from app.bounded_cache import BoundedCache
from app.core.context import current_actor, services
from app.services.assignment import triage_assigner
from app.services.live import LiveStream, Update
from app.services.work_items import DetailView
from app.web.stream_boards import board_html
from app.web.timeline import entry_parts, merge_timeline

bp = Blueprint("stream", __name__)
RETRY_MS = 3000  # how long a browser waits before reconnecting (the hx-sse extension backs off from there)
SHARED: BoundedCache[Markup] = BoundedCache(512)  # item state -> its shared live parts (never stale under the key)
_RENDERING = threading.Lock()
HEADERS = {"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no", "Vary": "Cookie"}


@bp.get("/events/stream")
def events() -> Response:
    """The stream of `topics` (item:<id>, list, status, roadmap, inbox) for the caller, resumed from
    Last-Event-ID when given."""
    last = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    stream = services().live.open(current_actor(), request.args.get("topics", ""), last,
                                  request.remote_addr or "")
    body = stream_with_context(_messages(stream, services().live.heartbeat, services().live.lifetime))
    return Response(body, mimetype="text/event-stream", headers=HEADERS)


def _messages(stream: LiveStream, heartbeat: float, lifetime: float) -> Iterator[str]:
    """The retry hint, then one message per batch of changes, a heartbeat comment in quiet periods."""
    new_items = 0
    try:
        yield f"retry: {RETRY_MS}\n: connected\n\n"
        for batch in stream.batches(heartbeat, lifetime):
            if not batch:
                yield ": hb\n\n"
                continue
            new_items += sum(1 for update in batch if update.created and update.row is not None)
            yield message(max(u.cursor for u in batch), _render(batch, new_items))
    finally:
        stream.close()


def _render(batch: list[Update], new_items: int) -> str:
    signed_in = current_actor() is not None
    return render_template("work_items/_live_update.html", updates=batch, new_items=new_items,
                           actor=current_actor(), shared=shared_parts, board=lambda b: board_html(b, signed_in),
                           assign_as=triage_assigner(current_actor(), {"view": request.args.get("view", "")}))


def shared_parts(detail: DetailView) -> Markup:
    """Facts and timeline of the item as it is now, rendered once for every stream showing it: with 200 open
    pages a write costs one timeline render, not 200. The key names everything these parts show."""
    view = detail.view
    key = (detail.item.id, detail.item.version, view.vote_count, len(detail.events), len(detail.comments))
    html = SHARED.get(key)
    if html is not None:
        return html
    with _RENDERING:  # the streams woken by one write all miss at once: the first renders, the others wait
        html = SHARED.get(key)
        if html is None:
            html = SHARED.put(key, Markup(render_template(
                "work_items/_live_item_shared.html", item=detail.item, view=view, entry_parts=entry_parts,
                timeline=merge_timeline(detail.events, detail.comments))))
    return html


def message(cursor: int, html: str) -> str:
    """One SSE message: its id, then the HTML as data lines (a line break in the HTML starts a data line).
    A message no event caused (an unread count) has no id, so the browser's Last-Event-ID stays put."""
    lines = html.strip().splitlines() or [""]
    return (f"id: {cursor}\n" if cursor > 0 else "") + "".join(f"data: {line}\n" for line in lines) + "\n"
