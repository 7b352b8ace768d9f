"""Per-type workflows as data: one table per item type (states, the initial one, the closed ones, the
transitions and who may take each). Domain vocabulary, so every layer reads it: the services enforce it
(app/services/state_machines.py), the stores order the triage queue by it, the docs print it."""

from __future__ import annotations

import dataclasses

from app.models.identity import Role
from app.models.work_item import ItemType


@dataclasses.dataclass(frozen=True, slots=True)
class Transition:
    from_state: str
    to_state: str
    min_role: Role = Role.TRIAGER
    author_may: bool = False
    note_label: str | None = None  # e.g. "Reason"; set when a note is required

    @property
    def note_required(self) -> bool:
        return self.note_label is not None


def _t(src: str, dst: str, *, author: bool = False, note: str | None = None) -> Transition:
    return Transition(src, dst, author_may=author, note_label=note)


WORKFLOWS: dict[str, dict] = {
    ItemType.INCIDENT: {
        "initial": "new",
        "states": ["new", "triaged", "investigating", "mitigated", "resolved", "closed"],
        "closed": {"closed"},
        "transitions": [
            _t("new", "triaged"),
            _t("new", "closed", note="Reason"),
            _t("triaged", "investigating"),
            _t("investigating", "mitigated"),
            _t("investigating", "resolved", note="Resolution note"),
            _t("mitigated", "resolved", note="Resolution note"),
            _t("resolved", "closed"),
            _t("resolved", "investigating", author=True),
        ],
    },
    ItemType.IMPROVEMENT: {
        "initial": "proposed",
        "states": ["proposed", "under_review", "planned", "in_progress", "done", "declined"],
        "closed": {"done", "declined"},
        "transitions": [
            _t("proposed", "under_review"),
            _t("proposed", "declined", note="Reason"),
            _t("under_review", "planned"),
            _t("under_review", "declined", note="Reason"),
            _t("planned", "in_progress"),
            _t("in_progress", "done"),
            _t("declined", "under_review"),
        ],
    },
    ItemType.PLATFORM_REQUEST: {
        "initial": "submitted",
        "states": ["submitted", "triaged", "approved", "in_progress", "fulfilled", "rejected", "cancelled"],
        "closed": {"fulfilled", "rejected", "cancelled"},
        "transitions": [
            _t("submitted", "triaged"),
            _t("submitted", "rejected", note="Reason"),
            _t("submitted", "cancelled", author=True),
            _t("triaged", "approved"),
            _t("triaged", "rejected", note="Reason"),
            _t("approved", "in_progress"),
            _t("in_progress", "fulfilled"),
            _t("rejected", "triaged"),
        ],
    },
}


def initial_state(item_type: str) -> str:
    return WORKFLOWS[item_type]["initial"]


def states(item_type: str) -> list[str]:
    return list(WORKFLOWS[item_type]["states"])


def all_states() -> list[str]:
    """Every state of every type, without duplicates, in workflow order."""
    seen: dict[str, None] = {}
    for wf in WORKFLOWS.values():
        seen.update(dict.fromkeys(wf["states"]))
    return list(seen)


def is_closed(item_type: str, state: str) -> bool:
    """Closed items are finished: reporters can no longer edit them and they leave open lists."""
    return state in WORKFLOWS[item_type]["closed"]


def open_states(item_type: str) -> list[str]:
    wf = WORKFLOWS[item_type]
    return [s for s in wf["states"] if s not in wf["closed"]]


def transitions_from(item_type: str, state: str) -> list[Transition]:
    return [t for t in WORKFLOWS[item_type]["transitions"] if t.from_state == state]


def find_transition(item_type: str, state: str, to_state: str) -> Transition | None:
    for t in transitions_from(item_type, state):
        if t.to_state == to_state:
            return t
    return None


def initial_states() -> frozenset[str]:
    """The states new items start in, of every type: what the triage queue puts first."""
    return frozenset(wf["initial"] for wf in WORKFLOWS.values())

