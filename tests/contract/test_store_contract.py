"""One contract, every store (see conftest.py): what the services rely on, checked on each backend."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

from app.models import ApiToken, EventType, WorkItem
from app.services.clock import new_id
from app.store.base import SORT_FIELDS, ItemQuery, StoreConflict
from tests.contract.builders import T0, comment, create, update, vote

H = dt.timedelta(hours=1)


def ids(page: Any) -> list[str]:
    return [it.id for it in page.items]


# ---- create / get / detail ------------------------------------------------------------------
def test_create_assigns_keys_per_type_and_records_the_created_event(store: Any) -> None:
    first = create(store, "incident", title="Warehouse down")
    second = create(store, "incident")
    improvement = create(store, "improvement", platform=None, problem="slow", proposed_benefit="fast")
    request = create(store, "platform_request", justification="why", needed_by=dt.date(2026, 3, 1))
    assert [first.key, second.key, improvement.key, request.key] == ["INC-1", "INC-2", "IMP-1", "REQ-1"]
    assert store.get_item(first.id) == first
    assert store.get_item(request.id).needed_by == dt.date(2026, 3, 1)
    [created] = store.events_for(first.id)
    assert (created.seq, created.event_type, created.version) == (1, "created", 1)
    assert created.payload["item"]["key"] == "INC-1"
    assert WorkItem.from_dict(created.payload["item"]) == first


def test_missing_items_are_none(store: Any) -> None:
    assert store.get_item(new_id()) is None
    assert store.get_detail(new_id(), "ann@example.com") is None


def test_detail_holds_item_counts_events_and_comments(store: Any) -> None:
    item = create(store, "incident", description="**bold** text")
    comment(store, item, "first", at=T0 + H)
    comment(store, item, "second", at=T0 + 2 * H)
    vote(store, item, "v1@example.com")
    detail = store.get_detail(item.id, "v1@example.com")
    assert detail.item == item
    assert (detail.vote_count, detail.comment_count, detail.my_vote) == (1, 2, True)
    assert [c.body for c in detail.comments] == ["first", "second"]
    assert [e.event_type for e in detail.events] == ["created", "commented", "commented", "voted"]
    assert store.get_detail(item.id, "other@example.com").my_vote is False
    assert store.get_detail(item.id, None).my_vote is False


# ---- list: filters, sorts, pages ------------------------------------------------------------
@pytest.fixture
def dataset(store: Any) -> dict[str, WorkItem]:
    """Seven items with ties on created_at, priorities and vote counts."""
    items = {
        "a": create(store, "incident", at=T0, priority="p2", title="Kafka lag on clickstream"),
        "b": create(store, "incident", at=T0, priority="p1", platform="jobs", description="Nightly JOB fails"),
        "c": create(store, "improvement", at=T0 + H, platform=None, by="carl@example.com"),
        "d": create(store, "improvement", at=T0 + H, platform=None, priority="p1"),
        "e": create(store, "platform_request", at=T0 + 2 * H, priority="p4", assignee="ops@example.com"),
        "f": create(store, "incident", at=T0 + 3 * H, priority="p1", assignee="ops@example.com"),
        "g": create(store, "improvement", at=T0 + 2 * H, platform=None, priority="p2"),
    }
    items["b"] = update(store, items["b"], 1, state="triaged", at=T0 + 5 * H)
    items["e"] = update(store, items["e"], 1, title="Bigger quota", at=T0 + 4 * H)
    for voter in ("x@example.com", "y@example.com"):
        vote(store, items["c"], voter)
        vote(store, items["d"], voter)
    vote(store, items["e"], "x@example.com")
    return items


def expected_order(items: list[WorkItem], votes: dict[str, int], sort: str, descending: bool) -> list[str]:
    def rank(it: WorkItem) -> int:
        return int(it.priority[1])

    keys = {
        "created_at": lambda it: (it.created_at, it.id),
        "updated_at": lambda it: (it.updated_at, it.id),
        "priority": lambda it: (-rank(it), it.created_at, it.id),
        "votes": lambda it: (votes.get(it.id, 0), it.created_at, it.id),
        "triage": lambda it: (it.state not in ("new", "proposed", "submitted"), rank(it), it.created_at, it.id),
    }
    ordered = sorted(items, key=keys[sort])
    if descending and sort != "triage":
        ordered.reverse()
    return [it.id for it in ordered]


@pytest.mark.parametrize("sort", SORT_FIELDS)
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_in_both_directions_breaks_ties_by_id(store: Any, dataset: dict[str, WorkItem], sort: str,
                                                          descending: bool) -> None:
    votes = {dataset["c"].id: 2, dataset["d"].id: 2, dataset["e"].id: 1}
    page = store.list_items(ItemQuery(sort=sort, descending=descending, page_size=100))
    assert ids(page) == expected_order(list(dataset.values()), votes, sort, descending)
    assert page.vote_counts[dataset["c"].id] == 2 and page.vote_counts[dataset["a"].id] == 0


def test_each_filter(store: Any, dataset: dict[str, WorkItem]) -> None:
    def found(**kw: Any) -> set[str]:
        return {k for k, it in dataset.items() if it.id in ids(store.list_items(ItemQuery(page_size=100, **kw)))}

    assert found(item_type="improvement") == {"c", "d", "g"}
    assert found(states=("triaged", "submitted")) == {"b", "e"}
    assert found(platform="jobs") == {"b"}
    assert found(assignee="ops@example.com") == {"e", "f"}
    assert found(author="carl@example.com") == {"c"}
    assert found(voted_by="y@example.com") == {"c", "d"}
    assert found(updated_since=T0 + 4 * H) == {"b", "e"}
    assert found(item_type="incident", states=("new",), assignee="ops@example.com") == {"f"}


def test_search_matches_key_title_and_description_ignoring_case(store: Any, dataset: dict[str, WorkItem]) -> None:
    def found(q: str) -> set[str]:
        return {k for k, it in dataset.items() if it.id in ids(store.list_items(ItemQuery(q=q, page_size=100)))}

    assert found("KAFKA lag") == {"a"}
    assert found("nightly job") == {"b"}
    assert found(dataset["e"].key.lower()) == {"e"}
    assert found("100%_") == set()


def test_pages_and_total(store: Any, dataset: dict[str, WorkItem]) -> None:
    everything = ids(store.list_items(ItemQuery(page_size=100)))
    pages = [store.list_items(ItemQuery(page=n, page_size=3)) for n in (1, 2, 3)]
    assert [p.total for p in pages] == [7, 7, 7]
    assert [len(p.items) for p in pages] == [3, 3, 1]
    assert sum((ids(p) for p in pages), []) == everything
    beyond = store.list_items(ItemQuery(page=9, page_size=3))
    assert (beyond.items, beyond.total, beyond.pages) == ([], 7, 3)
    assert store.list_items(ItemQuery(item_type="incident", page_size=2)).total == 3
    assert store.list_items(ItemQuery(q="no such thing")).total == 0
