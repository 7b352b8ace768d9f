"""List parameters (from a query string or a JSON client) turned into a store query, with per-field errors.

Everything a caller sends is checked here before it reaches a store: unknown names are ignored, a
repeated name counts once (its first value; `state` may repeat), numbers are ASCII digits within
bounds, `updated_since` is an ISO 8601 date or time, and free text is capped and must be storable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.models import Actor, ItemType, flags
from app.models.flags import parse_flag
from app.models.triage import queue_states
from app.services import state_machines as sm
from app.services.errors import ValidationError
from app.services.validation import FieldErrors, label, labels, unstorable, whole_number
from app.store.base import SORT_FIELDS, ItemQuery

MAX_PAGE = 100_000  # page x page_size stays a sane offset for the SQL store
TEXT_PARAMS = ("platform", "assignee", "author", "q")
MAX_TEXT = 200
SORT_LABELS = {"created_at": "Created", "updated_at": "Updated", "votes": "Votes", "priority": "Priority",
               "triage": "Triage order"}  # as the list's column headers and sort choices name them
ME_FLAGS = {"reported": "Sign in to see the items you reported.",  # flag -> why it needs a signed-in caller
            "assigned": "Sign in to see the items assigned to you.",
            "voted": "Sign in to see what you voted for."}


def parse_list_query(actor: Actor | None, params: dict[str, Any]) -> ItemQuery:
    """Filters (type, state, platform, assignee, author, q, reported, assigned, voted, updated_since), sort and
    page; `view=triage` is the triage queue: open items only, in triage order unless another sort is asked for."""
    errors = FieldErrors()
    values = {name: _first(value) for name, value in params.items() if name != "state"}
    item_type = errors.choice(values, "type", [t.value for t in ItemType])
    queue = _is_queue(values.get("view"), errors)
    states = _states(params.get("state"), item_type, errors)
    states = _queue_states(states, errors) if queue else states
    text = {name: _text(values.get(name), name, errors) for name in TEXT_PARAMS}
    sort = _sort(values.get("sort"), queue, errors)
    page = _positive_int(values.get("page"), 1, "page", errors, (MAX_PAGE, "At most page 100 000."))
    page_size = _positive_int(values.get("page_size"), 25, "page_size", errors, (100, "At most 100 items per page."))
    me = _me_filters(actor, values, errors)
    updated_since = _moment(values.get("updated_since"), errors)
    if errors:
        raise ValidationError(dict(errors), "Some list parameters are not valid.")
    return ItemQuery(
        item_type=item_type, states=tuple(states), platform=text["platform"],
        assignee=text["assignee"] or me["assigned"], author=text["author"] or me["reported"], q=text["q"],
        voted_by=me["voted"], sort=sort.lstrip("-"), descending=sort.startswith("-"), page=page,
        page_size=page_size, updated_since=updated_since,
    )


def _sort(value: Any, queue: bool, errors: FieldErrors) -> str:
    """The sort field, "-" first for descending; the message names the sorts as the headers show them."""
    sort = str(value or ("triage" if queue else "-created_at"))
    if sort.lstrip("-") not in SORT_FIELDS:
        shown = labels(list(SORT_LABELS.values()))
        errors["sort"] = f"Sort by one of {shown} (newest, most or highest first with a leading -)."
    return sort


def _me_filters(actor: Actor | None, values: dict[str, Any], errors: FieldErrors) -> dict[str, str | None]:
    """"Reported by me" (created_by; `mine` is its old name), "Assigned to me" (assignee), "Voted by me":
    each the caller's own id, and a clear error for a caller who is not signed in."""
    asked = {flag: flag_or_none(values.get(flag)) for flag in ME_FLAGS}
    asked["reported"] = asked["reported"] or parse_flag(values.get("mine"))
    for flag, wanted in asked.items():
        if wanted is None:
            errors[flag] = "Use 1 to filter, 0 or nothing for everyone's."
        elif wanted and actor is None:
            errors[flag] = ME_FLAGS[flag]
    return {flag: actor.id if wanted and actor else None for flag, wanted in asked.items()}


def flag_or_none(value: Any) -> bool | None:
    """An on/off word of a filter switch (first of repeated arguments); None for any other word."""
    return flags.flag_or_none(_first(value))


def _first(value: Any) -> Any:
    """One value per name: the first of a repeated query argument."""
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def _states(value: Any, item_type: str | None, errors: FieldErrors) -> list[str]:
    """The state filter: known states, and with a type chosen, states that type has (an improvement is
    never "Closed"); a state no chosen type has is a field error rather than a silently empty list."""
    states = [s for s in _as_list(value) if s]
    offered = state_choices(item_type)
    unknown = [s for s in states if s not in sm.all_states()]
    foreign = [s for s in states if s not in offered]
    if unknown:
        errors["state"] = f"Unknown state {unknown[0][:40]!r}. Choose {labels(offered)}."
    elif foreign and item_type:
        errors["state"] = (f"{label(item_type)} items are never {label(foreign[0])}: "
                           f"choose {labels(offered)}, or any state.")
    return states


def state_choices(item_type: str | None) -> list[str]:
    """The states the list's state filter offers: the chosen type's, or every type's."""
    return sm.states(item_type) if item_type in sm.WORKFLOWS else sm.all_states()


def _is_queue(value: Any, errors: FieldErrors) -> bool:
    """`view=triage` asks for the triage queue; a blank view is the plain list, anything else an error."""
    view = str(value or "").strip()
    if view not in ("", "triage"):
        errors["view"] = "The only view is triage (leave it out for every item)."
    return view == "triage"


def _queue_states(states: list[str], errors: FieldErrors) -> list[str]:
    """The triage queue holds the open items of every workflow (app/models/triage.py); a state filter narrows
    it, and a filter on closed states only is refused rather than silently answered with every open item."""
    queue = queue_states()
    if not states:
        return list(queue)
    kept = [s for s in states if s in queue]
    if not kept and "state" not in errors:
        errors["state"] = "The triage queue holds open items only: choose an open state, or leave the view."
    return kept


def _text(value: Any, name: str, errors: FieldErrors) -> str | None:
    """A filter or search text: at most MAX_TEXT characters (search is cut, filters refused), storable."""
    raw = str(value) if value is not None else ""
    if problem := unstorable(raw):
        errors[name] = problem
        return None
    text = raw.strip()[:MAX_TEXT] if name == "q" else raw.strip()
    if len(text) > MAX_TEXT:
        errors[name] = f"At most {MAX_TEXT} characters."
    return text or None


def _moment(value: Any, errors: FieldErrors) -> dt.datetime | None:
    """`updated_since` as an aware datetime (a date means its midnight; no zone means UTC)."""
    if value in (None, ""):
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        errors["updated_since"] = "Must be an ISO 8601 date or time, e.g. 2026-01-31 or 2026-01-31T09:00:00Z."
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [s.strip() for v in value for s in str(v).split(",")]
    return [s.strip() for s in str(value).split(",")]


def _positive_int(value: Any, default: int, name: str, errors: FieldErrors, most: tuple[int, str]) -> int:
    """1 or more, at most most[0] (most[1] says so); ASCII digits only."""
    if value in (None, ""):
        return default
    number = whole_number(value)
    if number is None:
        errors[name] = "Must be a whole number."
        return default
    if number < 1:
        errors[name] = "Must be 1 or more."
        return default
    if number > most[0]:
        errors[name] = most[1]
        return default
    return number


def my_open_queries(actor_id: str) -> dict[str, ItemQuery]:
    """The queries behind the navigation's counts: open items (every workflow's open states, as the triage
    queue holds them) assigned to the caller and reported by the caller; one row each, only the total counts."""
    open_states = tuple(queue_states())
    return {"assigned": ItemQuery(assignee=actor_id, states=open_states, page_size=1),
            "reported": ItemQuery(author=actor_id, states=open_states, page_size=1)}
