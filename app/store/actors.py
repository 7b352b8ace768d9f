"""Who has acted on the embedded store's data (authors, last editors, assignees, commenters, voters).

The people directory asks for this on every autocomplete keystroke, and scanning a million votes each
time would cost far more than the answer is worth. So the set is built from the read model once, on
first use, and then kept current by the folds that add an item, a comment or a vote (a withdrawn vote
does not make its voter unknown again: they still acted).
"""

from __future__ import annotations

from typing import Any


class ActorSet:
    """Identities seen in the read model, lowercased; built lazily, then updated incrementally."""

    def __init__(self) -> None:
        self._seen: set[str] | None = None
        self._frozen: frozenset[str] | None = None  # handed out until someone new is seen

    def note(self, *identities: str | None) -> None:
        """Record identities met by a fold (ignored until the set is first built: the scan finds them)."""
        if self._seen is None:
            return
        for identity in identities:
            if identity and (low := identity.lower()) not in self._seen:
                self._seen.add(low)
                self._frozen = None

    def snapshot(self, model: Any) -> frozenset[str]:
        """Every identity seen so far, the same object while no one new was seen (callers compare it by
        identity); the first call scans the model (callers hold its lock)."""
        if self._seen is None:
            self._seen = set(_scan(model))
        if self._frozen is None:
            self._frozen = frozenset(self._seen)
        return self._frozen


def _scan(model: Any) -> set[str]:
    """Every identity in the model, lowercased. Unions of whole collections run in C: a million votes
    take a fraction of the time a Python loop over them would (the read-model lock is held meanwhile)."""
    raw: set[str | None] = set()
    items = model.items.values()
    raw.update([i.created_by for i in items], [i.updated_by for i in items], [i.assignee for i in items])
    raw.update(*([c.created_by for c in comments] for comments in model.comments.values()))
    raw.update(*model.votes.values())
    return {identity.lower() for identity in raw if identity}
