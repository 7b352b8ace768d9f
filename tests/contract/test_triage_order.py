"""The triage order on every store (issue #12, item 6): tier from the workflows (initial state, other open
states, closed), then severity, priority and age; closed items never lead, and the queue's state filter
(open states only) leaves them out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from app.models import WorkItem
from app.models.triage import queue_states
from app.store.base import ItemQuery
from tests.contract.builders import T0, create, update

H = dt.timedelta(hours=1)


def ids(page: Any) -> list[str]:
    return [it.id for it in page.items]


@pytest.fixture
def queue(store: Any) -> dict[str, WorkItem]:
    """Items of every tier; their names say tier, type, severity, priority and what else matters."""
    made = {
        "closed_inc_sev1_p1": create(store, "incident", at=T0 - 9 * H, severity="sev1", priority="p1"),
        "declined_imp_p1": create(store, "improvement", at=T0 - 8 * H, platform=None, priority="p1"),
        "open_inc_sev1_p1_triaged": create(store, "incident", at=T0 - 7 * H, severity="sev1", priority="p1"),
        "open_imp_p1_under_review": create(store, "improvement", at=T0 - 6 * H, platform=None, priority="p1"),
        "open_req_p3_in_progress": create(store, "platform_request", at=T0 - 5 * H, priority="p3"),
        "new_inc_sev1_p4": create(store, "incident", at=T0 + 3 * H, severity="sev1", priority="p4"),
        "new_inc_sev2_p1_older": create(store, "incident", at=T0, severity="sev2", priority="p1"),
        "new_inc_sev2_p1_newer": create(store, "incident", at=T0 + H, severity="sev2", priority="p1"),
        "new_inc_sev2_p2": create(store, "incident", at=T0 - 4 * H, severity="sev2", priority="p2"),
        "new_inc_no_severity_p1": create(store, "incident", at=T0 + 2 * H, priority="p1"),
        "new_imp_p1": create(store, "improvement", at=T0 + 4 * H, platform=None, priority="p1"),
        "new_req_p2_twin_a": create(store, "platform_request", at=T0 + 5 * H, priority="p2"),
        "new_req_p2_twin_b": create(store, "platform_request", at=T0 + 5 * H, priority="p2"),
    }
    moves = {"closed_inc_sev1_p1": "closed", "declined_imp_p1": "declined", "open_inc_sev1_p1_triaged": "triaged",
             "open_imp_p1_under_review": "under_review", "open_req_p3_in_progress": "in_progress"}
    for name, state in moves.items():
        made[name] = update(store, made[name], 1, state=state, at=T0 + 6 * H)
    return made


def expected(queue: dict[str, WorkItem], *, closed: bool = True) -> list[str]:
    """The order written out by hand (the twins, equal in everything else, by id)."""
    twins = sorted([queue["new_req_p2_twin_a"].id, queue["new_req_p2_twin_b"].id])
    names = ["new_inc_sev1_p4", "new_inc_sev2_p1_older", "new_inc_sev2_p1_newer", "new_inc_sev2_p2",
             "new_inc_no_severity_p1", "new_imp_p1"]
    rest = ["open_inc_sev1_p1_triaged", "open_imp_p1_under_review", "open_req_p3_in_progress"]
    rest += ["closed_inc_sev1_p1", "declined_imp_p1"] if closed else []
    return [queue[n].id for n in names] + twins + [queue[n].id for n in rest]


def test_triage_sort_puts_initial_then_open_then_closed_most_urgent_first(store: Any,
                                                                        queue: dict[str, WorkItem]) -> None:
    for descending in (False, True):  # the triage order has one direction
        page = store.list_items(ItemQuery(sort="triage", descending=descending, page_size=100))
        assert ids(page) == expected(queue), descending
        assert page.total == len(queue)


def test_triage_pages_cut_the_same_order(store: Any, queue: dict[str, WorkItem]) -> None:
    pages = [store.list_items(ItemQuery(sort="triage", page=n, page_size=4)) for n in (1, 2, 3, 4)]
    assert sum((ids(p) for p in pages), []) == expected(queue)


def test_the_queue_filter_holds_open_items_only(store: Any, queue: dict[str, WorkItem]) -> None:
    page = store.list_items(ItemQuery(states=queue_states(), sort="triage", page_size=100))
    assert ids(page) == expected(queue, closed=False)
    assert page.total == len(queue) - 2
    incidents = store.list_items(ItemQuery(item_type="incident", states=queue_states(), sort="triage"))
    assert [it.key for it in incidents.items] == [queue[n].key for n in (
        "new_inc_sev1_p4", "new_inc_sev2_p1_older", "new_inc_sev2_p1_newer", "new_inc_sev2_p2",
        "new_inc_no_severity_p1", "open_inc_sev1_p1_triaged")]


def test_triaging_an_item_moves_it_behind_the_untriaged_ones(store: Any, queue: dict[str, WorkItem]) -> None:
    first = queue["new_inc_sev1_p4"]
    assert ids(store.list_items(ItemQuery(sort="triage", page_size=1))) == [first.id]
    update(store, first, 1, state="triaged", at=T0 + 7 * H)
    order = ids(store.list_items(ItemQuery(states=queue_states(), sort="triage", page_size=100)))
    assert order[0] == queue["new_inc_sev2_p1_older"].id
    assert order.index(first.id) == order.index(queue["open_inc_sev1_p1_triaged"].id) + 1  # sev1, p4 after p1
