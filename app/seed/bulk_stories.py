"""What each generated item is about: a distinct title naming its platform, the fields that go with it, and
the context (platform name, the team's thing, the incident's finding and fix) its later comments and notes
reuse, so an item reads the same story from its title to its resolution note."""

from __future__ import annotations

import random
from typing import Any

from app.seed.bulk_incidents import CASES, GENERIC_CASES, GENERIC_THINGS, LABELS, SUBJECTS, THINGS
from app.seed.bulk_roadmap import CROSS_PLATFORM, GENERIC_IMPROVEMENTS, GENERIC_REQUESTS, IMPROVEMENTS, REQUESTS
from app.seed.bulk_texts import DESCRIPTIONS, IMPACTS, TEAM_IDS, TEAMS, fill

PRIORITY_OF_SEVERITY = {"sev1": "p1", "sev2": "p2", "sev3": "p3", "sev4": "p4"}
SEVERITY_WEIGHTS = {"sev1": 3, "sev2": 15, "sev3": 50, "sev4": 32}
PRIORITY_WEIGHTS = {"p1": 4, "p2": 30, "p3": 46, "p4": 20}
TRIES = 8  # fresh draws before a repeated title gets a number


class Stories:
    """Draws items' texts; a title already used is drawn again, and numbered only when draws keep repeating."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: dict[str, int] = {}

    def compose(self, item_type: str, platform: str | None) -> tuple[str, str, dict[str, Any], dict[str, str]]:
        """(title, description, type fields with priority, story context) of one new item."""
        cases = _cases(item_type, platform)
        title, case, story = self._draw(cases, platform)
        rng = self.rng
        if item_type == "incident":
            severity = rng.choices(list(SEVERITY_WEIGHTS), weights=list(SEVERITY_WEIGHTS.values()))[0]
            impact = fill(rng, rng.choice(IMPACTS[severity]), **story)
            fields = {"severity": severity, "impact": impact, "priority": PRIORITY_OF_SEVERITY[severity]}
            story.update(finding=case[1], resolution=case[2], impact=impact)
        elif item_type == "improvement":
            fields = {"problem": fill(rng, case[1], **story), "proposed_benefit": fill(rng, case[2], **story)}
            story.update(problem=fields["problem"], benefit=fields["proposed_benefit"].lower())
        else:
            fields = {"justification": fill(rng, case[1], **story)}
            story.update(why=fields["justification"])
        if item_type != "incident":
            fields["priority"] = rng.choices(list(PRIORITY_WEIGHTS), weights=list(PRIORITY_WEIGHTS.values()))[0]
        description = fill(rng, rng.choice(DESCRIPTIONS[item_type]), title=title, **story)
        return title, description, fields, story

    def _draw(self, cases: list[tuple[str, ...]], platform: str | None) -> tuple[str, tuple[str, ...], dict]:
        rng, things = self.rng, THINGS.get(platform or "", GENERIC_THINGS)
        label = LABELS.get(platform or "", platform or "platform")
        for _ in range(TRIES):
            case, team, subject = rng.choice(cases), rng.choice(TEAMS), rng.choice(SUBJECTS)
            story = {"P": label, "x": rng.choice(things).format(t=TEAM_IDS[team], s=subject), "team": team,
                     "s": subject}
            title = fill(rng, case[0], **story)
            if title not in self.seen:
                self.seen[title] = 1
                return title, case, story
        self.seen[title] += 1
        return f"{title} (#{self.seen[title]})", case, story


def _cases(item_type: str, platform: str | None) -> list[tuple[str, ...]]:
    """The material for the type on the platform: its own, or the generic one for unknown platforms."""
    if item_type == "incident":
        return CASES.get(platform or "", GENERIC_CASES)
    if item_type == "improvement":
        return IMPROVEMENTS.get(platform, GENERIC_IMPROVEMENTS) if platform else CROSS_PLATFORM
    return REQUESTS.get(platform or "", GENERIC_REQUESTS)
