"""What people write and change on a generated item, chosen by where the item stands when they do it: the
reason or resolution note of a transition, a comment (asking before triage, working notes and the finding
while it is worked on, thanks after), and field updates (assignment when taken on, hand-overs, re-rating)."""

from __future__ import annotations

import random
from typing import Any

from app.models import WorkItem
from app.seed.bulk_stories import PRIORITY_OF_SEVERITY
from app.seed.bulk_texts import COMMENTS, IDEA_COMMENTS, NOTES, REQUEST_COMMENTS, TEAMS, fill
from app.services import state_machines as sm

TALK = {"incident": COMMENTS, "improvement": IDEA_COMMENTS, "platform_request": REQUEST_COMMENTS}
LEVELS = ["p1", "p2", "p3", "p4"]
SEVERITIES = list(PRIORITY_OF_SEVERITY)
Story = dict[str, str]


REFUSED = {"declined", "rejected", "cancelled"}


def phase(item_type: str, state: str) -> str:
    """opening (not taken on yet), refused (declined, rejected, cancelled), done (resolved or closed) or working."""
    if state == sm.initial_state(item_type):
        return "opening"
    if state in REFUSED:
        return "refused"
    return "done" if state == "resolved" or sm.is_closed(item_type, state) else "working"


PHASES = {(t, s): phase(t, s) for t in TALK for s in sm.states(t)}


class Talk:
    """Texts and changes for one data set, drawn from one random generator."""

    def __init__(self, rng: random.Random, people: Any) -> None:
        self.rng, self.people = rng, people

    def mover(self, item: WorkItem, step: sm.Transition) -> str:
        """The author takes the steps the workflow leaves to them (cancel, reopen) most of the time."""
        if step.author_may and self.rng.random() < 0.8:
            return item.created_by
        return self.rng.choice(self.people.triagers)

    def note(self, item: WorkItem, step: sm.Transition, story: Story) -> str | None:
        """The transition's note when the workflow asks for one: the incident's own fix, or a fitting reason."""
        if not step.note_label:
            return None
        if step.to_state == "resolved":
            return story.get("resolution") or "Fixed."
        reasons = NOTES.get((item.item_type, step.to_state), ["Closed after review."])
        return fill(self.rng, self.rng.choice(reasons), **story)

    def comment(self, item: WorkItem, story: Story) -> tuple[str, str]:
        """(author, body) of a comment written now."""
        rng, people = self.rng, self.people
        stage = PHASES[(item.item_type, item.state)]
        if stage == "working" and "finding" in story and "found" not in story and rng.random() < 0.3:
            story["found"] = "yes"  # the finding is reported once
            return item.assignee or rng.choice(people.triagers), story["finding"]
        if stage == "opening":
            author = rng.choice((item.created_by, rng.choice(people.reporters)))
        elif stage == "working":
            author = rng.choice((item.created_by, item.assignee or rng.choice(people.triagers)))
        else:  # thanks, or the last word on a refusal, from the reporter
            author = item.created_by
        body = fill(rng, rng.choice(TALK[item.item_type][stage]), other=rng.choice(TEAMS), **story)
        return author, body

    def update(self, item: WorkItem) -> tuple[str, dict[str, Any]]:
        """(actor, changes) of a field update: assign when taken on, else hand over or re-rate."""
        rng, owners = self.rng, self.people.owners(item.platform)
        if item.assignee is None and PHASES[(item.item_type, item.state)] != "opening":
            return rng.choice(self.people.triagers), _change(item, "assignee", rng.choice(owners))
        if item.assignee is not None and rng.random() < 0.4:
            others = [o for o in owners if o != item.assignee] or self.people.engineers
            return item.assignee, _change(item, "assignee", rng.choice(others))
        actor = rng.choice(self.people.triagers)
        if item.item_type == "incident" and item.severity in PRIORITY_OF_SEVERITY:
            severity = _step(rng, SEVERITIES, item.severity)
            return actor, {**_change(item, "severity", severity),
                           **_change(item, "priority", PRIORITY_OF_SEVERITY[severity])}
        return actor, _change(item, "priority", _step(rng, LEVELS, item.priority))


def _change(item: WorkItem, field: str, new: Any) -> dict[str, Any]:
    return {field: {"from": getattr(item, field), "to": new}}


def _step(rng: random.Random, levels: list[str], current: str) -> str:
    """One level up or down (whichever exists), so a re-rating never jumps."""
    k = levels.index(current) if current in levels else 2
    options = [levels[j] for j in (k - 1, k + 1) if 0 <= j < len(levels)]
    return rng.choice(options)
