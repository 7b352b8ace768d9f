"""Presentation helpers for the detail page: one timeline of events and comments, event summaries."""

from __future__ import annotations

import dataclasses
from typing import Any

from app.models import Comment, Event, EventType

FIELD_LABELS = {"title": "title", "description": "description", "priority": "priority", "platform": "platform",
                "assignee": "assignee", "severity": "severity", "impact": "impact", "problem": "problem",
                "proposed_benefit": "proposed benefit", "justification": "justification",
                "needed_by": "needed by"}


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """One line of the timeline: an event, with the comment's text when it is a comment."""

    event: Event | None
    comment: Comment | None
    also: tuple[str, ...] = ()  # further people whose consecutive votes are folded into this entry

    @property
    def kind(self) -> str:
        return "comment" if self.comment else (self.event.event_type if self.event else "event")

    @property
    def at(self) -> Any:
        return self.comment.created_at if self.comment else self.event.created_at  # type: ignore[union-attr]

    @property
    def cache_key(self) -> tuple[str, ...]:
        """Identifies everything this entry shows: events and comments never change once written."""
        if self.comment:
            return ("comment", self.comment.id)
        return ("event", self.event.event_id if self.event else "", *self.also)

    @property
    def actor(self) -> str:
        return self.comment.created_by if self.comment else self.event.created_by  # type: ignore[union-attr]


def entry_parts(timeline: list[Entry]) -> list[dict[str, Any]]:
    """The context of each timeline entry's partial, for the fragment cache's `each` (which keys it)."""
    return [{"entry": entry, "describe": describe} for entry in timeline]


def merge_timeline(events: list[Event], comments: list[Comment]) -> list[Entry]:
    """Events and comments in the order they happened; a comment replaces its `commented` event."""
    by_id = {c.id: c for c in comments}
    entries: list[tuple[Any, int, Entry]] = []
    used: set[str] = set()
    for event in events:
        if event.event_type == EventType.COMMENTED:
            comment = by_id.get(event.event_id) or Comment(event.event_id, event.item_id,
                                                           str(event.payload.get("body", "")),
                                                           event.created_at, event.created_by)
            used.add(comment.id)
            entries.append((event.created_at, event.seq, Entry(None, comment)))
        else:
            entries.append((event.created_at, event.seq, Entry(event, None)))
    for comment in comments:
        if comment.id not in used:
            entries.append((comment.created_at, 1 << 30, Entry(None, comment)))
    entries.sort(key=lambda e: (e[0], e[1]))
    return _fold_votes([e[2] for e in entries])


def _fold_votes(entries: list[Entry]) -> list[Entry]:
    """Consecutive votes become one line ('a, b and c voted for it') so they do not drown the comments."""
    out: list[Entry] = []
    for entry in entries:
        previous = out[-1] if out else None
        if (entry.kind == EventType.VOTED and previous is not None and previous.kind == EventType.VOTED):
            out[-1] = dataclasses.replace(previous, also=previous.also + (entry.actor,))
        else:
            out.append(entry)
    return out


def describe(event: Event, whole: bool = False) -> str:
    """A short sentence for an event, e.g. 'moved it from new to triaged'. Long values are cut for the
    timeline; `whole` keeps them (the conflict modal: two long titles cut to one prefix would read the same)."""
    payload = event.payload or {}
    kind = event.event_type
    if kind == EventType.CREATED:
        return "created it"
    if kind == EventType.STATE_CHANGED:
        return f"moved it from {_state(payload.get('from'))} to {_state(payload.get('to'))}"
    if kind == EventType.UPDATED:
        parts = [f"{FIELD_LABELS.get(name, name)} from {_value(c.get('from'), whole)} "
                 f"to {_value(c.get('to'), whole)}" for name, c in (payload.get("changes") or {}).items()]
        return "changed " + "; ".join(parts) if parts else "edited it"
    if kind == EventType.VOTED:
        return "voted for it"
    if kind == EventType.UNVOTED:
        return "withdrew their vote"
    if kind == EventType.COMMENTED:
        return "commented"
    return kind.replace("_", " ")


def _state(value: Any) -> str:
    return str(value or "?").replace("_", " ")


def _value(value: Any, whole: bool = False) -> str:
    if value in (None, ""):
        return "(none)"
    text = str(value)
    return text if whole or len(text) <= 60 else text[:57] + "…"


# Fields the conflict modal shows as a textarea (the others as an input or a select).
LONG_FIELDS = ("note", "body", "description", "impact", "problem", "proposed_benefit", "justification")

