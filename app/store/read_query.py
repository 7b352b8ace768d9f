"""List queries over the read model: filters become candidate id sets, a sorted index yields the page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.models import Page
from app.store.base import ItemQuery

if TYPE_CHECKING:
    from app.store.read_model import ReadModel

FILTERS_KEPT = 8  # filter combinations whose matching ids are kept until the next change (up to 2 MB each)


def run_query(model: ReadModel, q: ItemQuery) -> Page:
    """Filter, order and cut one page; total counts every match.

    Filters become a candidate id set (posting-set intersections, then scans for text and time);
    the sorted index then yields the page without sorting or copying all items."""
    with model.lock:
        descending = q.descending and q.sort != "triage"
        ids = _candidates(model, q)
        start = (q.page - 1) * q.page_size
        chosen = model.indexes[q.sort].page(ids, descending, start, q.page_size)
        return Page(
            items=chosen,
            vote_counts={it.id: len(model.votes.get(it.id, ())) for it in chosen},
            comment_counts={it.id: len(model.comments.get(it.id, ())) for it in chosen},
            page=q.page,
            page_size=q.page_size,
            total=len(model.items) if ids is None else len(ids),
        )


def _candidates(model: ReadModel, q: ItemQuery) -> set[str] | None:
    """Ids matching every filter of q, or None when nothing filters. Kept until the next event is
    applied: paging, re-sorting and other readers of the same filters reuse the set (never changed
    in place)."""
    key: tuple[Any, ...] = (q.item_type, q.states, q.platform, q.assignee, q.author, q.q, q.voted_by,
                            q.updated_since)
    if key in model.matches:
        return model.matches[key]
    ids = _filter(model, q)
    if len(model.matches) >= FILTERS_KEPT:
        model.matches.clear()
    model.matches[key] = ids
    return ids


def _filter(model: ReadModel, q: ItemQuery) -> set[str] | None:
    sets: list[set[str]] = []
    posting = model.postings.ids
    for name, value in (("item_type", q.item_type), ("platform", q.platform), ("assignee", q.assignee),
                        ("created_by", q.author)):
        if value:
            sets.append(posting(name, value))
    states = [posting("state", s) for s in q.states or ()]
    if len(states) == 1:
        sets.append(states[0])
    if q.voted_by is not None:
        sets.append(model.voted_by(q.voted_by))
    ids: set[str] | None = None
    for found in sorted(sets, key=len):
        ids = found if ids is None else ids & found  # never mutated: posting sets are shared
    if len(states) > 1:  # union after narrowing: each & walks the smaller set
        ids = set().union(*states) if ids is None else set().union(*(ids & found for found in states))
    if q.updated_since:
        pool = model.items if ids is None else ids
        ids = {i for i in pool if model.items[i].updated_at >= q.updated_since}
    if q.q:
        ids = model.text.search(q.q, ids)
    return ids
