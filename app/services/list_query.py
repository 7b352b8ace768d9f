"""List parameters (from a query string or a JSON client) turned into a store query, with per-field errors."""

from __future__ import annotations

from typing import Any

from app.models import Actor, ItemType
from app.services import state_machines as sm
from app.services.errors import ValidationError
from app.services.validation import FieldErrors, whole_number
from app.store.base import SORT_FIELDS, ItemQuery


def parse_list_query(actor: Actor | None, params: dict[str, Any]) -> ItemQuery:
    """Filters (type, state, platform, assignee, author, q, mine, voted), sort and page of a list."""
    errors = FieldErrors()
    item_type = errors.choice(params, "type", [t.value for t in ItemType])
    states = [s for s in _as_list(params.get("state")) if s]
    unknown = [s for s in states if s not in sm.all_states()]
    if unknown:
        errors["state"] = f"Unknown state {unknown[0][:40]!r}. Choose from: {', '.join(sm.all_states())}."
    sort = str(params.get("sort") or "-created_at")
    descending = sort.startswith("-")
    if sort.lstrip("-") not in SORT_FIELDS:
        errors["sort"] = "Sort by one of created_at, updated_at, votes, priority (prefix - for descending)."
    page = _positive_int(params.get("page"), 1, "page", errors)
    page_size = _positive_int(params.get("page_size"), 25, "page_size", errors)
    if page_size > 100:
        errors["page_size"] = "At most 100 items per page."
    voted_by = actor.id if _truthy(params.get("voted")) and actor else None
    if _truthy(params.get("voted")) and actor is None:
        errors["voted"] = "Sign in to see what you voted for."
    mine = actor.id if _truthy(params.get("mine")) and actor else None
    if errors:
        raise ValidationError(dict(errors), "Some list parameters are not valid.")
    q = str(params.get("q") or "").strip()[:200] or None
    return ItemQuery(
        item_type=item_type, states=tuple(states), platform=params.get("platform") or None,
        assignee=(params.get("assignee") or None), author=params.get("author") or mine,
        q=q, voted_by=voted_by, sort=sort.lstrip("-"), descending=descending,
        page=page, page_size=page_size, updated_since=params.get("updated_since"),
    )


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [s.strip() for s in str(value).split(",")]


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("1", "true", "on", "yes")


def _positive_int(value: Any, default: int, name: str, errors: FieldErrors) -> int:
    if value in (None, ""):
        return default
    plain_digits = not isinstance(value, str) or (value.isascii() and value.isdigit())
    number = whole_number(value) if plain_digits else None
    if number is None:
        errors[name] = "Must be a whole number."
        return default
    if number < 1:
        errors[name] = "Must be 1 or more."
        return default
    return number
