"""One contract, every store (see conftest.py): what the services rely on, checked on each backend."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

from app.models import ApiToken, WorkItem
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


def test_every_sort_in_both_directions_breaks_ties_by_id(store: Any, dataset: dict[str, WorkItem]) -> None:
    votes = {dataset["c"].id: 2, dataset["d"].id: 2, dataset["e"].id: 1}
    for sort in SORT_FIELDS:
        for descending in (False, True):
            page = store.list_items(ItemQuery(sort=sort, descending=descending, page_size=100))
            expected = expected_order(list(dataset.values()), votes, sort, descending)
            assert ids(page) == expected, (sort, descending)
            assert page.vote_counts[dataset["c"].id] == 2 and page.vote_counts[dataset["a"].id] == 0
            assert page.comment_counts[dataset["a"].id] == 0


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


# ---- writes: compare-and-set, keys, comments, votes, events ---------------------------------
def test_update_is_compare_and_set(store: Any) -> None:
    item = create(store, "incident")
    changed = update(store, item, 1, title="New title")
    assert (changed.version, changed.title) == (2, "New title")
    assert store.get_item(item.id) == changed
    with pytest.raises(StoreConflict) as conflict:
        update(store, item, 1, title="Lost update")
    assert conflict.value.current == changed
    assert store.get_item(item.id).title == "New title"
    moved = update(store, changed, 2, state="triaged")
    assert (moved.version, moved.state) == (3, "triaged")
    assert [(e.seq, e.event_type, e.version) for e in store.events_for(item.id)] == [
        (1, "created", 1), (2, "updated", 2), (3, "state_changed", 3)]


def test_updating_a_missing_item_is_a_lookup_error(store: Any) -> None:
    item = create(store, "incident")
    ghost = WorkItem.from_dict({**item.to_dict(), "id": new_id()})
    with pytest.raises(LookupError):
        update(store, ghost, 1, title="Nobody home")


def test_concurrent_updates_let_exactly_one_win(store: Any) -> None:
    item = create(store, "incident")
    outcomes: list[str] = []

    def attempt(n: int) -> None:
        try:
            update(store, item, 1, title=f"Writer {n}")
            outcomes.append("won")
        except StoreConflict as exc:
            outcomes.append(f"conflict@{exc.current.version}")

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict@2"] * 4 + ["won"]
    assert [e.version for e in store.events_for(item.id)] == [1, 2]


def test_keys_stay_unique_per_type_under_concurrent_creates(store: Any) -> None:
    keys: list[str] = []

    def creator(item_type: str) -> None:
        for _ in range(3):
            keys.append(create(store, item_type, platform="kafka").key)

    threads = [threading.Thread(target=creator, args=(t,)) for t in ["incident"] * 3 + ["improvement"] * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(k for k in keys if k.startswith("INC")) == sorted(f"INC-{n}" for n in range(1, 10))
    assert sorted(k for k in keys if k.startswith("IMP")) == sorted(f"IMP-{n}" for n in range(1, 7))


def race(n: int, action: Any) -> list[Any]:
    """Run action(i) on n threads released together; returns what each returned, or the exception it raised."""
    start = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = action(i)
        except Exception as exc:  # the test decides which failures are allowed
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_creates_of_one_type_get_distinct_contiguous_keys(store: Any) -> None:
    items = race(6, lambda i: create(store, "incident", title=f"Racing creator {i}"))
    assert sorted(it.key for it in items) == sorted(f"INC-{n}" for n in range(1, 7))
    assert store.list_items(ItemQuery(page_size=100)).total == 6
    for it in items:
        assert store.events_for(it.id)[0].payload["item"]["key"] == it.key


def test_concurrent_comments_and_updates_get_distinct_contiguous_seq(store: Any) -> None:
    item = create(store, "incident")

    def write(i: int) -> object:
        if i == 0:
            return update(store, item, 1, title="Updated while others comment")
        return comment(store, item, f"comment {i}")

    results = race(6, write)
    assert not [r for r in results if isinstance(r, Exception)]
    events = store.events_for(item.id)
    assert sorted(e.seq for e in events) == list(range(1, 8))
    assert sorted(e.event_type for e in events) == ["commented"] * 5 + ["created", "updated"]
    assert store.get_detail(item.id, None).comment_count == 5


def test_the_same_user_voting_concurrently_votes_once(store: Any) -> None:
    item = create(store, "improvement", platform=None)
    results = race(6, lambda i: vote(store, item, "same@example.com"))
    assert sorted(results) == [(False, 1)] * 5 + [(True, 1)]
    detail = store.get_detail(item.id, "same@example.com")
    assert (detail.vote_count, detail.my_vote) == (1, True)
    events = store.events_for(item.id)
    assert [e.event_type for e in events] == ["created", "voted"] and [e.seq for e in events] == [1, 2]
    assert store.list_items(ItemQuery()).vote_counts[item.id] == 1


def test_concurrent_votes_of_different_users_all_count(store: Any) -> None:
    item = create(store, "improvement", platform=None)
    results = race(5, lambda i: vote(store, item, f"voter{i}@example.com"))
    assert sorted(changed for changed, _ in results) == [True] * 5
    assert store.get_detail(item.id, None).vote_count == 5
    assert sorted(e.seq for e in store.events_for(item.id)) == list(range(1, 7))


def test_comments_append_without_bumping_the_version(store: Any) -> None:
    item = create(store, "incident")
    first = comment(store, item, "Seen it too", at=T0 + H)
    comment(store, item, "Fixed?", at=T0 + 2 * H)
    assert store.get_item(item.id).version == 1
    detail = store.get_detail(item.id, None)
    assert [(c.id, c.body, c.created_by) for c in detail.comments][0] == (first.id, "Seen it too", "bob@example.com")
    assert detail.comment_count == 2
    events = store.events_for(item.id)
    assert [(e.seq, e.event_type, e.version) for e in events] == [(1, "created", 1), (2, "commented", 1),
                                                                 (3, "commented", 1)]
    assert events[1].event_id == first.id and events[1].payload == {"body": "Seen it too"}
    page = store.list_items(ItemQuery())
    assert page.comment_counts[item.id] == 2


def test_votes_are_idempotent_with_counts_and_my_vote(store: Any) -> None:
    item = create(store, "improvement", platform=None)
    assert vote(store, item, "x@example.com") == (True, 1)
    assert vote(store, item, "x@example.com") == (False, 1)
    assert vote(store, item, "y@example.com") == (True, 2)
    assert store.get_detail(item.id, "x@example.com").my_vote is True
    assert vote(store, item, "x@example.com", voted=False) == (True, 1)
    assert vote(store, item, "x@example.com", voted=False) == (False, 1)
    detail = store.get_detail(item.id, "x@example.com")
    assert (detail.vote_count, detail.my_vote, detail.item.version) == (1, False, 1)
    assert store.get_detail(item.id, "y@example.com").my_vote is True
    assert [e.event_type for e in store.events_for(item.id)] == ["created", "voted", "voted", "unvoted"]
    assert ids(store.list_items(ItemQuery(voted_by="x@example.com"))) == []
    assert store.list_items(ItemQuery()).vote_counts[item.id] == 1


def test_events_are_ordered_by_seq_and_filtered_by_version(store: Any) -> None:
    item = create(store, "incident")
    v2 = update(store, item, 1, title="Second title")
    comment(store, v2, "note")
    v3 = update(store, v2, 2, state="triaged")
    vote(store, v3, "z@example.com")
    events = store.events_for(item.id)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert [(e.event_type, e.version) for e in events] == [
        ("created", 1), ("updated", 2), ("commented", 2), ("state_changed", 3), ("voted", 3)]
    assert [e.seq for e in store.events_for(item.id, after_version=2)] == [4, 5]
    assert events[1].payload["changes"]["title"]["to"] == "Second title"
    assert events[3].payload["to"] == "triaged" and events[3].created_by == "tri@example.com"
    assert all(e.created_at.tzinfo is not None for e in events)


def test_data_version_changes_on_every_write(store: Any) -> None:
    seen = [store.data_version()]
    item = create(store, "incident")
    seen.append(store.data_version())
    update(store, item, 1, title="Other title")
    seen.append(store.data_version())
    comment(store, item, "hi")
    seen.append(store.data_version())
    vote(store, item, "v@example.com")
    seen.append(store.data_version())
    assert len(set(seen)) == len(seen)
    assert store.data_version() == seen[-1]


# ---- tokens ---------------------------------------------------------------------------------
def test_tokens(store: Any) -> None:
    token = ApiToken(id=new_id(), name="alertmanager", token_hash="ab" * 32, user_id="bot@example.com",
                     created_at=T0, created_by="admin@example.com")
    other = ApiToken(id=new_id(), name="ci", token_hash="cd" * 32, user_id="ci@example.com",
                     created_at=T0 + H, created_by="admin@example.com")
    store.add_token(token)
    store.add_token(other)
    assert store.find_token("ab" * 32) == token and store.find_token("ef" * 32) is None
    assert [t.name for t in store.list_tokens()] == ["alertmanager", "ci"]
    assert store.revoke_token(token.id, "admin@example.com", T0 + 2 * H) is True
    assert store.revoke_token(token.id, "admin@example.com", T0 + 3 * H) is False
    revoked = store.find_token("ab" * 32)
    assert (revoked.active, revoked.revoked_by, revoked.revoked_at) == (False, "admin@example.com", T0 + 2 * H)
    assert store.find_token("cd" * 32).active
    assert store.revoke_token(new_id(), "admin@example.com", T0) is False


# ---- several instances (workers) over the same data -----------------------------------------
def test_instances_see_each_others_writes_and_conflict_correctly(two_instances: tuple[Any, Any]) -> None:
    a, b = two_instances
    item = create(a, "incident")
    assert b.get_item(item.id) == item
    assert create(b, "incident").key == "INC-2"
    changed = update(a, item, 1, title="Changed by the first worker")
    assert b.get_item(item.id) == changed
    with pytest.raises(StoreConflict) as conflict:
        update(b, item, 1, title="Stale edit on the second worker")
    assert conflict.value.current.title == "Changed by the first worker"
    assert vote(b, changed, "x@example.com") == (True, 1)
    assert vote(a, changed, "x@example.com") == (False, 1)
    assert [e.seq for e in b.events_for(item.id)] == [1, 2, 3]


def test_token_revocation_is_seen_at_once_by_other_instances(two_instances: tuple[Any, Any]) -> None:
    a, b = two_instances
    token = ApiToken(id=new_id(), name="ci", token_hash="fe" * 32, user_id="ci@example.com",
                     created_at=T0, created_by="admin@example.com")
    a.add_token(token)
    assert b.find_token("fe" * 32).active
    assert b.revoke_token(token.id, "admin@example.com", T0 + H)
    assert not a.find_token("fe" * 32).active
