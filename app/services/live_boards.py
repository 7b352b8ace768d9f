"""Status and Roadmap on live pages: each board is read once per change per process and shared by every
stream showing it, whoever opened them (reading needs only the pages' read rule, so the boards are the same
for every reader). The one thing a roadmap shows per person, which cards they voted for, each stream keeps
itself: read once when the stream opens, then followed from the vote events it receives."""

from __future__ import annotations

import dataclasses
import itertools
import threading
from typing import Any

from app.bounded_cache import BoundedCache
from app.models import Actor, Event, EventType, ItemType
from app.services.permissions import permissions
from app.services.portal import PortalService, RoadmapColumn, StatusBoard

STATUS, ROADMAP = "status", "roadmap"
_HUBS = itertools.count(1)  # numbers each LiveBoards: a generation counts changes of one app only
SHOWN_ON = {STATUS: {ItemType.INCIDENT}, ROADMAP: {ItemType.IMPROVEMENT, ItemType.PLATFORM_REQUEST}}


@dataclasses.dataclass(frozen=True, slots=True)
class BoardUpdate:
    """A board as every stream shows it after a change (LiveHub.generation counts them)."""

    topic: str  # "status" or "roadmap"
    generation: tuple[int, int]  # (which app's boards, its hub's change count): names the board's state
    status: StatusBoard | None = None
    roadmap: list[RoadmapColumn] | None = None  # every card's my_vote is False: see my_votes
    my_votes: frozenset[str] = frozenset()  # the cards this stream's viewer voted for
    can_vote: bool = False  # the viewer's role may vote (else the roadmap shows counts only)

    def for_viewer(self, actor: Actor | None, my_votes: set[str]) -> BoardUpdate:
        """The shared board with what this viewer sees differently: their votes, and whether they may vote."""
        return dataclasses.replace(self, my_votes=frozenset(my_votes), can_vote=permissions(actor).can_vote)


class LiveBoards:
    """The latest status board and roadmap, computed by the first stream that needs them after a change."""

    def __init__(self, portal: PortalService) -> None:
        self.portal = portal
        self._locks = {STATUS: threading.Lock(), ROADMAP: threading.Lock()}
        self._latest: dict[str, tuple[int, Any]] = {}
        self._number = next(_HUBS)
        self._types: BoundedCache[str] = BoundedCache(50_000)  # item id -> its type (which never changes)

    def shows(self, topic: str, events: list[Event]) -> bool:
        """Whether the board can change with these events: the status board shows incidents only, the
        roadmap improvements and platform requests (most changes then cost a board stream nothing)."""
        return any(self._type(event.item_id) in SHOWN_ON[topic] for event in events)

    def _type(self, item_id: str) -> str:
        known = self._types.get(item_id)
        if known is None:
            item = self.portal.work_items.store.get_item(item_id)
            known = self._types.put(item_id, str(item.item_type)) if item is not None else ""
        return known

    def board(self, topic: str, actor: Actor | None, generation: int) -> BoardUpdate:
        """`topic`'s board as of `generation`: the streams woken by one change wait for the first to read it."""
        with self._locks[topic]:
            known = self._latest.get(topic)
            if known is None or known[0] < generation:
                known = (generation, self._read(topic, actor))
                self._latest[topic] = known
        value = known[1]
        return BoardUpdate(topic, (self._number, known[0]), status=value if topic == STATUS else None,
                           roadmap=value if topic == ROADMAP else None)

    def _read(self, topic: str, actor: Actor | None) -> Any:
        if topic == STATUS:
            return self.portal.status(actor)
        return self.portal.roadmap(actor)  # shared: whose votes and permission it shows, for_viewer replaces

    def my_votes(self, actor: Actor | None) -> set[str]:
        """The items `actor` has voted for (none when signed out): once per stream, when it opens."""
        if actor is None:
            return set()
        found: set[str] = set()
        page_no, pages = 1, 1
        while page_no <= pages:
            page = self.portal.work_items.list(actor, {"voted": "1", "page": page_no, "page_size": 100})
            found.update(item.id for item in page.items)
            page_no, pages = page_no + 1, page.pages
        return found


def follow_votes(mine: set[str], actor: Actor | None, events: list[Event]) -> None:
    """Keep a stream's set of voted items current from the vote events it receives (oldest first)."""
    if actor is None:
        return
    for event in events:
        if event.created_by == actor.id and event.event_type in (EventType.VOTED, EventType.UNVOTED):
            (mine.add if event.event_type == EventType.VOTED else mine.discard)(event.item_id)
