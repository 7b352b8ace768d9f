"""Live pages: who may open a stream, on which topics, what it replays after a reconnect, and what each
change means to the pages showing it. The fan-out itself is live_hub.py; the stream's wire format and the
HTML it carries are the adapter's (app/web/stream.py).

A stream reads nothing while idle: it waits on its queue. For each batch of changes it reads the changed
items once through the same service calls the pages use, so the caller's read permission applies to every
update, and a deleted or hidden item simply stops updating."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator

from app.models import Actor, Event
from app.models.errors import DomainError
from app.services.live_boards import ROADMAP, STATUS, BoardUpdate, LiveBoards, follow_votes
from app.services.live_hub import INBOX, OVERLAP_MICROS, LiveHub, micros, topics_of
from app.services.live_subscription import Busy, Change, InboxNudge, Subscription, TooMany
from app.services.work_items import DetailView, ItemView, WorkItemService

TOPIC = re.compile(r"item:[0-9A-Za-z-]{1,64}|list|status|roadmap|inbox")
MAX_TOPICS = 20
REPLAY_LIMIT = 200  # events replayed after a reconnect; a client further behind reloads the page anyway
VERSION_MOVES = ("state_changed", "updated")  # the events that bump an item's version


class BadTopics(DomainError):
    code = "bad_topics"
    status = 400


class TooManyStreams(DomainError):
    code = "too_many_streams"
    status = 429


class StreamsBusy(DomainError):
    """The worker's threads for streams are taken; pages still work, they just do not update."""

    code = "live_busy"
    status = 503


@dataclasses.dataclass(frozen=True, slots=True)
class Notice:
    """What moved an item's version, for the person whose form is on an older one."""

    key: str
    version: int
    what: str  # "moved to investigating", "edited"
    by: str


@dataclasses.dataclass(slots=True)
class Update:
    """One changed item as this stream's viewer sees it now; `cursor` is the stream's event id."""

    cursor: int
    item_id: str
    created: bool = False  # the batch holds the item's creation (a list shows "new items")
    detail: DetailView | None = None  # for a stream of the item's page
    row: ItemView | None = None  # for a stream of a list
    notice: Notice | None = None
    board: BoardUpdate | None = None  # for a stream of the status page or the roadmap
    inbox: bool = False  # the viewer's unread count changed


def parse_topics(text: str) -> frozenset[str]:
    """`item:<id>,list` as a set; BadTopics names what is not a topic."""
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    if not names:
        raise BadTopics("Say which topics to follow: topics=item:<id> or topics=list.")
    bad = [name for name in names if not TOPIC.fullmatch(name)]
    if bad or len(names) > MAX_TOPICS:
        raise BadTopics(f"Unknown topic {bad[0][:80]!r}: use item:<id>, list, status, roadmap or inbox." if bad
                        else f"At most {MAX_TOPICS} topics per stream.")
    return frozenset(names)


def parse_cursor(text: str | None) -> int | None:
    """A Last-Event-ID as we send them (epoch microseconds), None when absent or not ours."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 20 else None


class LiveService:
    """Opens streams for callers and turns the hub's events into what their pages show."""

    def __init__(self, work_items: WorkItemService, hub: LiveHub, boards: LiveBoards, max_streams: int = 10,
                 heartbeat: float = 15.0, lifetime: float = 600.0) -> None:
        self.work_items = work_items
        self.hub = hub
        self.boards = boards
        self.max_streams = max_streams
        self.heartbeat = heartbeat  # seconds of quiet before a stream sends a comment line
        self.lifetime = lifetime  # seconds before a stream ends and its browser reconnects

    def open(self, actor: Actor | None, topics: str, last_event_id: str | None, client: str) -> LiveStream:
        """A stream of `topics` for the caller (the pages' read rule; at most max_streams each), with what
        happened since `last_event_id` queued first."""
        self.work_items._require_read(actor)  # the one read rule of the pages, applied to streams too
        wanted = parse_topics(topics) - ({INBOX} if actor is None else set())  # an inbox is someone's own
        owner = actor.id if actor else f"anonymous:{client}"
        try:
            sub = self.hub.subscribe(wanted, owner, self.max_streams)
        except TooMany:
            raise TooManyStreams(f"At most {self.max_streams} live pages per person: close some tabs.") from None
        except Busy:
            raise StreamsBusy("Live updates are busy right now; the page works, reload it later to follow it "
                              "live.") from None
        cursor = parse_cursor(last_event_id)
        missed = self.hub.store.events_after(max(cursor - OVERLAP_MICROS, 0), REPLAY_LIMIT)[0] if cursor else []
        stream = LiveStream(self, actor, sub, [e for e in missed if sub.topics & topics_of(e) and _news(e, cursor)])
        stream.my_votes = self.boards.my_votes(actor) if ROADMAP in wanted else set()
        return stream

    def updates(self, actor: Actor | None, topics: frozenset[str], events: list[Event]) -> list[Update]:
        """One Update per changed item of the batch, read once as `actor` sees it now (items the caller
        cannot see any more are left out)."""
        out: list[Update] = []
        for item_id, group in _by_item(events).items():
            update = Update(max(map(micros, group)), item_id, created=any(e.event_type == "created" for e in group))
            try:
                if f"item:{item_id}" in topics:
                    update.detail = self.work_items.detail(item_id, actor)
                    update.notice = _notice(update.detail, group)
                if "list" in topics:
                    update.row = update.detail.view if update.detail else self.work_items.get(item_id, actor)
            except DomainError:  # gone, or no longer readable by this caller
                continue
            if update.detail or update.row:  # a stream of a board only needs the board
                out.append(update)
        return out


class LiveStream:
    """An open subscription as its adapter iterates it; close() when the client goes away."""

    def __init__(self, service: LiveService, actor: Actor | None, sub: Subscription, missed: list[Event]) -> None:
        self.service, self.actor, self.sub, self.missed = service, actor, sub, missed
        self.my_votes: set[str] = set()  # the roadmap cards the viewer voted for, followed from vote events

    def batches(self, heartbeat: float, lifetime: float = 600.0) -> Iterator[list[Update]]:
        """What was missed, then each batch of changes as it comes; an empty batch every `heartbeat` seconds
        of quiet. Ends when the hub drops the stream (its client stopped reading) or after `lifetime` seconds:
        the browser reconnects with Last-Event-ID, possibly to another worker, and a stopping worker is never
        held open by its streams for longer than that."""
        ends = time.monotonic() + lifetime
        if self.missed:
            yield self._read(list(self.missed))
        while not self.sub.dropped.is_set() and time.monotonic() < ends:
            changes = self.sub.take(heartbeat)
            if self.sub.dropped.is_set():  # the hub closed or gave up on this client: end now, no last heartbeat
                return
            yield self._read(changes) if changes else []

    def _read(self, changes: list[Change]) -> list[Update]:
        """The batch's item updates, then the boards this stream shows and the viewer's unread count."""
        events = [change for change in changes if isinstance(change, Event)]
        out = self.service.updates(self.actor, self.sub.topics, events)
        cursor = max(map(micros, events), default=0)
        follow_votes(self.my_votes, self.actor, events)
        for topic in (STATUS, ROADMAP):
            if events and topic in self.sub.topics and self.service.boards.shows(topic, events):
                board = self.service.boards.board(topic, self.actor, self.service.hub.generation)
                out.append(Update(cursor, "", board=board.for_viewer(self.actor, self.my_votes)))
        if any(isinstance(change, InboxNudge) for change in changes):
            out.append(Update(cursor, "", inbox=True))
        return out

    def close(self) -> None:
        self.service.hub.unsubscribe(self.sub)


def _news(event: Event, cursor: int | None) -> bool:
    """Replayed from the overlap before the client's cursor: changes again, but no creation it already counted."""
    return event.event_type != "created" or cursor is None or micros(event) > cursor


def _by_item(events: list[Event]) -> dict[str, list[Event]]:
    grouped: dict[str, list[Event]] = {}
    for event in events:
        grouped.setdefault(event.item_id, []).append(event)
    return grouped


def _notice(detail: DetailView, events: list[Event]) -> Notice | None:
    """Who moved the version last in this batch, and how; None when nothing did (a comment, a vote)."""
    moves = [e for e in events if e.event_type in VERSION_MOVES]
    if not moves:
        return None
    last = max(moves, key=lambda e: e.version)
    what = f"moved to {str(last.payload.get('to', '')).replace('_', ' ')}" if last.event_type == "state_changed" \
        else "edited"
    return Notice(detail.item.key, detail.item.version, what, last.created_by)
