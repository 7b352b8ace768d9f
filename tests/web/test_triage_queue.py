"""The triage queue (issue #12, item 6): open items only, untriaged first, most urgent first (severity, then
priority, then age), with a severity column; a state filter narrows the queue, a closed one is refused."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from app.core.context import services
from app.models import WorkItem
from tests.web.helpers import ALICE, HTMX


def keys_in(html: str) -> list[str]:
    return re.findall(r'<td class="key" data-label="Key">([A-Z]+-\d+)</td>', html)


def test_the_queue_holds_open_items_most_urgent_first(app: Flask, client: FlaskClient,
                                                      make_item: Callable[..., WorkItem]) -> None:
    service = services(app).work_items
    closed = make_item(title="Closed sev1 P1", severity="sev1", priority="p1")
    service.transition(ALICE, closed.id, "closed", closed.version, "Duplicate of another one")
    triaged = make_item(title="Triaged sev1 P1", severity="sev1", priority="p1")
    service.transition(ALICE, triaged.id, "triaged", triaged.version)
    older = make_item(title="Older sev3 P1", severity="sev3", priority="p1")
    worst = make_item(title="Sev1 P4", severity="sev1", priority="p4")
    lower = make_item(title="Sev3 P2", severity="sev3", priority="p2")
    newer = make_item(title="Newer sev3 P1", severity="sev3", priority="p1")
    idea = make_item(item_type="improvement", title="No severity P1", priority="p1", platform="")
    html = client.get("/work-items?view=triage").get_data(as_text=True)
    assert keys_in(html) == [worst.key, older.key, newer.key, lower.key, idea.key, triaged.key]
    assert closed.key not in keys_in(html) and "6 items" in html
    assert '<th scope="col">Severity</th>' in html
    assert '<td data-label="Severity"><span class="sev sev-sev1">SEV1</span></td>' in html
    assert '<td data-label="Severity">—</td>' in html  # the improvement has none


def test_the_plain_list_still_shows_closed_items(client: FlaskClient, app: Flask,
                                                 make_item: Callable[..., WorkItem]) -> None:
    closed = make_item(title="Closed one")
    services(app).work_items.transition(ALICE, closed.id, "closed", closed.version, "Not an incident")
    assert keys_in(client.get("/work-items").get_data(as_text=True)) == [closed.key]
    assert keys_in(client.get("/work-items?sort=triage").get_data(as_text=True)) == [closed.key]


def test_a_state_filter_narrows_the_queue_and_a_closed_state_is_refused(app: Flask, client: FlaskClient,
                                                                        make_item: Callable[..., WorkItem]) -> None:
    fresh = make_item(title="Still new")
    moved = make_item(title="Triaged already")
    services(app).work_items.transition(ALICE, moved.id, "triaged", moved.version)
    assert keys_in(client.get("/work-items?view=triage&state=triaged").get_data(as_text=True)) == [moved.key]
    assert keys_in(client.get("/work-items?view=triage&state=new").get_data(as_text=True)) == [fresh.key]
    refused = client.get("/work-items?view=triage&state=closed", headers=HTMX)
    assert refused.status_code == 422 and "open items only" in refused.get_data(as_text=True)
    bogus = client.get("/work-items?view=everything", headers=HTMX)
    assert bogus.status_code == 422 and "The only view is triage" in bogus.get_data(as_text=True)


def test_the_queue_sort_can_still_be_changed(client: FlaskClient, make_item: Callable[..., WorkItem]) -> None:
    first = make_item(title="First", severity="sev1")
    second = make_item(title="Second", severity="sev4")
    assert keys_in(client.get("/work-items?view=triage").get_data(as_text=True)) == [first.key, second.key]
    newest = client.get("/work-items?view=triage&sort=-created_at").get_data(as_text=True)
    assert keys_in(newest) == [second.key, first.key]
