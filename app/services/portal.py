"""Status and Roadmap: read-only views derived from work items, so they change the moment an item does.

Status: each configured platform's condition comes from its active incidents (every incident state except
resolved and closed) by the worst severity among them:

    none -> operational, sev4 or sev3 -> degraded, sev2 -> partial outage, sev1 -> major outage.

Resolved incidents leave the condition at once; they are listed for RESOLVED_DAYS after their last move to
"resolved" (a reopened incident is active again).

Roadmap: improvements and platform requests in four columns by state, sorted by votes (then oldest first):
under review (proposed, under_review / submitted, triaged), planned (planned / approved), in progress
(in_progress) and done recently (done / fulfilled within DONE_DAYS). Declined, rejected and cancelled items
are not on the roadmap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from app.models import Actor, Event, EventType, ItemType, WorkItem
from app.services.clock import utcnow
from app.services.excerpts import entry_excerpt
from app.services.permissions import permissions
from app.services.work_items import WorkItemService

RESOLVED_DAYS = 14
DONE_DAYS = 30
COLUMN_LIMIT = 50
ACTIVE_INCIDENT_STATES = ("new", "triaged", "investigating", "mitigated")
RESOLVED_INCIDENT_STATES = ("resolved", "closed")
OTHER_PLATFORM = "other"

# condition key -> (label, rank); rank orders conditions from best to worst.
CONDITIONS: dict[str, tuple[str, int]] = {
    "operational": ("Operational", 0),
    "degraded": ("Degraded", 1),
    "partial_outage": ("Partial outage", 2),
    "major_outage": ("Major outage", 3),
}
SEVERITY_CONDITION = {"sev1": "major_outage", "sev2": "partial_outage", "sev3": "degraded", "sev4": "degraded"}
SEVERITY_RANK = {"sev1": 1, "sev2": 2, "sev3": 3, "sev4": 4}

# column key -> (label, {item type: states}); "done" also needs the state reached within DONE_DAYS.
ROADMAP_COLUMNS: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {
    "under_review": ("Under review", {ItemType.IMPROVEMENT: ("proposed", "under_review"),
                                      ItemType.PLATFORM_REQUEST: ("submitted", "triaged")}),
    "planned": ("Planned", {ItemType.IMPROVEMENT: ("planned",), ItemType.PLATFORM_REQUEST: ("approved",)}),
    "in_progress": ("In progress", {ItemType.IMPROVEMENT: ("in_progress",),
                                    ItemType.PLATFORM_REQUEST: ("in_progress",)}),
    "done": ("Done recently", {ItemType.IMPROVEMENT: ("done",), ItemType.PLATFORM_REQUEST: ("fulfilled",)}),
}


def condition_for(severities: list[str | None]) -> str:
    """The platform condition for the severities of its active incidents (missing severity counts as sev4)."""
    conditions = [SEVERITY_CONDITION.get(s or "sev4", "degraded") for s in severities]
    return max(conditions, key=lambda c: CONDITIONS[c][1], default="operational")


@dataclasses.dataclass(slots=True)
class IncidentEntry:
    """An incident with the newest entry of its timeline (state change, comment or edit)."""

    item: WorkItem
    latest: Event | None
    resolved_at: dt.datetime | None = None

    @property
    def excerpt(self) -> str:
        """The latest entry's note or comment as one line of plain text ("" when it has none): see excerpts.py."""
        return entry_excerpt(self.latest)


@dataclasses.dataclass(slots=True)
class PlatformStatus:
    platform: str
    condition: str
    incidents: list[IncidentEntry]

    @property
    def label(self) -> str:
        return CONDITIONS[self.condition][0]


@dataclasses.dataclass(slots=True)
class StatusBoard:
    platforms: list[PlatformStatus]
    resolved: list[IncidentEntry]
    generated_at: dt.datetime

    @property
    def overall(self) -> str:
        return max((p.condition for p in self.platforms), key=lambda c: CONDITIONS[c][1], default="operational")

    @property
    def overall_label(self) -> str:
        return CONDITIONS[self.overall][0]


@dataclasses.dataclass(slots=True)
class RoadmapCard:
    item: WorkItem
    votes: int
    my_vote: bool
    can_vote: bool  # the caller's role may vote (viewers and anonymous readers see the count only)


@dataclasses.dataclass(slots=True)
class RoadmapColumn:
    key: str
    label: str
    cards: list[RoadmapCard]
    total: int


class PortalService:
    """Status board, roadmap and the data version that embeds use as their ETag."""

    def __init__(self, work_items: WorkItemService, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.work_items = work_items
        self.clock = clock

    def data_version(self, actor: Actor | None = None) -> str:
        """Changes whenever any item, comment or vote changes (and per viewer when one is signed in)."""
        version = self.work_items.store.data_version()
        if actor is not None:
            version += "-" + hashlib.sha256(f"{actor.id}:{actor.role.label}".encode()).hexdigest()[:12]
        return version

    # ---- status -------------------------------------------------------------------------
    def status(self, actor: Actor | None) -> StatusBoard:
        """One row per configured platform (plus 'other' if needed) and the recently resolved incidents."""
        now = self.clock()
        active: dict[str, list[IncidentEntry]] = {p: [] for p in self.work_items.platforms}
        for item in self._all(actor, type=ItemType.INCIDENT, state=list(ACTIVE_INCIDENT_STATES)):
            platform = item.platform if item.platform in active else OTHER_PLATFORM
            active.setdefault(platform, []).append(IncidentEntry(item, self._latest(item.id, actor)))
        rows = []
        for platform, entries in active.items():
            entries.sort(key=lambda e: (SEVERITY_RANK.get(e.item.severity or "sev4", 4), e.item.created_at))
            rows.append(PlatformStatus(platform, condition_for([e.item.severity for e in entries]), entries))
        return StatusBoard(rows, self._resolved(actor, now), now)

    def _resolved(self, actor: Actor | None, now: dt.datetime) -> list[IncidentEntry]:
        cutoff = now - dt.timedelta(days=RESOLVED_DAYS)
        out = []
        for item in self._all(actor, type=ItemType.INCIDENT, state=list(RESOLVED_INCIDENT_STATES),
                              updated_since=cutoff):
            events = self.work_items.events(item.id, actor)
            resolved_at = entered_state_at(events, {"resolved"})
            if resolved_at is not None and resolved_at >= cutoff:
                out.append(IncidentEntry(item, latest_entry(events), resolved_at))
        out.sort(key=lambda e: e.resolved_at or now, reverse=True)
        return out

    def _latest(self, item_id: str, actor: Actor | None) -> Event | None:
        return latest_entry(self.work_items.events(item_id, actor))

    # ---- roadmap ------------------------------------------------------------------------
    def roadmap(self, actor: Actor | None) -> list[RoadmapColumn]:
        """The four roadmap columns, each sorted by votes, with the caller's own votes marked."""
        mine = {it.id for it in self._all(actor, voted="1")} if actor else set()
        return [self._column(key, actor, mine) for key in ROADMAP_COLUMNS]

    def _column(self, key: str, actor: Actor | None, mine: set[str]) -> RoadmapColumn:
        label, by_type = ROADMAP_COLUMNS[key]
        cutoff = self.clock() - dt.timedelta(days=DONE_DAYS)
        cards: list[RoadmapCard] = []
        total = 0
        for item_type, wanted in by_type.items():
            filters: dict[str, Any] = {"type": item_type, "state": list(wanted), "sort": "-votes"}
            if key == "done":  # few items: check each one's done date
                found = [(item, votes) for item, votes in self._all_with_votes(actor, updated_since=cutoff, **filters)
                         if (entered_state_at(self.work_items.events(item.id, actor), set(wanted)) or cutoff) >= cutoff]
                count = len(found)
            else:  # the most voted page of each type is enough for the top COLUMN_LIMIT of both
                page = self.work_items.list(actor, {**filters, "page_size": 100})
                found, count = [(it, page.vote_counts.get(it.id, 0)) for it in page.items], page.total
            total += count
            may_vote = permissions(actor).can_vote
            cards += [RoadmapCard(item, votes, item.id in mine, may_vote) for item, votes in found]
        cards.sort(key=lambda c: (-c.votes, c.item.created_at, c.item.key))
        return RoadmapColumn(key, label, cards[:COLUMN_LIMIT], total)

    # ---- helpers ------------------------------------------------------------------------
    def _all(self, actor: Actor | None, **params: Any) -> Iterator[WorkItem]:
        for item, _ in self._all_with_votes(actor, **params):
            yield item

    def _all_with_votes(self, actor: Actor | None, **params: Any) -> Iterator[tuple[WorkItem, int]]:
        """Every match of a list query, page by page (the service caps pages at 100 items)."""
        page_no = 1
        while True:
            page = self.work_items.list(actor, {**params, "page": page_no, "page_size": 100})
            for item in page.items:
                yield item, page.vote_counts.get(item.id, 0)
            if page_no >= page.pages:
                return
            page_no += 1


def latest_entry(events: list[Event]) -> Event | None:
    """The newest timeline entry, ignoring votes (they are counted, not told)."""
    shown = [e for e in events if e.event_type not in (EventType.VOTED, EventType.UNVOTED)]
    return max(shown, key=lambda e: (e.created_at, e.seq), default=None)


def entered_state_at(events: list[Event], states: set[str]) -> dt.datetime | None:
    """When the item last moved into one of `states` (None if it never did)."""
    moves = [e.created_at for e in events
             if e.event_type == EventType.STATE_CHANGED and e.payload.get("to") in states]
    return max(moves, default=None)
