"""#12, the list table: sortable column headers with aria-sort, the result count in a polite live region,
relative times ("3 h ago") over <time datetime> with the exact time on hover; and transition messages in the
words the page uses."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from flask.testing import FlaskClient

from app.core.context import services
from app.web.times import relative
from tests.web.helpers import ALICE, HTMX, post

Client = FlaskClient


def header(html: str, text: str) -> str:
    found = re.search(rf'<th scope="col" aria-sort="[a-z]+"[^>]*><a class="sort-link" href="[^"]*"[^>]*>{text}<', html)
    assert found, f"no sortable {text} header"
    return found.group(0)


def test_column_headers_sort_and_say_how(client: Client, make_item) -> None:
    make_item()
    default = client.get("/work-items").get_data(as_text=True)
    assert 'aria-sort="descending"' in header(default, "Key")  # newest first is the creation order
    unsorted = header(default, "Votes")
    assert 'aria-sort="none"' in unsorted and 'href="/work-items?sort=-votes"' in unsorted
    by_votes = client.get("/work-items?sort=-votes&type=incident").get_data(as_text=True)
    votes = header(by_votes, "Votes")
    assert 'aria-sort="descending"' in votes and 'href="/work-items?type=incident&amp;sort=votes"' in votes
    assert 'hx-get="/work-items?type=incident&amp;sort=votes"' in votes and 'hx-target="#results"' in votes
    assert 'aria-sort="ascending"' in header(client.get("/work-items?sort=votes").get_data(as_text=True), "Votes")
    assert 'aria-sort="none"' in header(by_votes, "Updated") and 'aria-sort="none"' in header(by_votes, "Priority")


def test_a_header_link_swaps_the_sort_choice_too(client: Client, make_item) -> None:
    make_item()
    fragment = client.get("/work-items?sort=-votes", headers=HTMX)  # a link: no form fields came along
    html = fragment.get_data(as_text=True)
    assert fragment.headers["HX-Push-Url"] == "/work-items?sort=-votes"
    assert '<div id="sort-filter" class="filter-slot" hx-swap-oob="true">' in html
    assert '<option value="-votes" selected>' in html
    from_form = client.get("/work-items?sort=-votes&states_for=", headers=HTMX).get_data(as_text=True)
    assert 'id="sort-filter"' not in from_form  # the form already shows what it sent


def test_the_result_count_is_a_polite_live_region_on_every_swap(client: Client, make_item) -> None:
    make_item()
    make_item(title="Second one")
    page = client.get("/work-items").get_data(as_text=True)
    assert '<p id="results-status" class="visually-hidden" role="status" aria-live="polite">2 items found' in page
    fragment = client.get("/work-items?q=second", headers=HTMX).get_data(as_text=True)
    assert 'aria-live="polite" hx-swap-oob="innerHTML">1 item found, page 1 of 1.' in fragment


def test_list_rows_show_relative_times_with_the_exact_time_on_hover(client: Client, make_item,
                                                                    frozen_clock) -> None:
    make_item()
    frozen_clock.advance(3 * 3600 + 120)
    html = client.get("/work-items").get_data(as_text=True)
    assert ('<time datetime="2026-11-01T09:00:00+00:00" title="2026-11-01 09:00 UTC" data-relative>3 h ago</time>'
            in html)
    frozen_clock.advance(2 * 86400)
    assert ">2 d ago</time>" in client.get("/work-items").get_data(as_text=True)  # a cached row does not go stale


def test_the_detail_page_times_are_upgraded_the_same_way(client: Client, make_item) -> None:
    item = make_item()
    html = client.get(f"/work-items/{item.id}").get_data(as_text=True)
    assert re.search(r'<time datetime="[^"]+" title="\d{4}-\d\d-\d\d \d\d:\d\d UTC" data-relative>', html)
    assert "/static/js/times.js" in html


def test_relative_times_count_like_people_do() -> None:
    now = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
    ago = {seconds: relative(now - dt.timedelta(seconds=seconds), now)
           for seconds in (5, 61, 59 * 60, 3 * 3600, 25 * 3600, 29 * 86400)}
    assert ago == {5: "just now", 61: "1 min ago", 3540: "59 min ago", 10800: "3 h ago", 90000: "1 d ago",
                   2505600: "29 d ago"}
    assert relative(now - dt.timedelta(days=40), now.isoformat()) == "2026-09-22"
    assert relative(now + dt.timedelta(hours=2), now) == "in 2 h"
    assert relative(dt.datetime(2026, 11, 1, 11, 0), now) == "1 h ago"  # naive counts as UTC


def test_transition_messages_use_the_labels_of_the_page(app: Flask, client: Client, make_item) -> None:
    item = make_item(item_type="improvement", title="Faster builds")
    services(app).work_items.transition(ALICE, item.id, "under_review", 1)
    refused = post(client, f"/work-items/{item.id}/transition", {"to_state": "in_progress", "expected_version": 2})
    assert refused.status_code == 400
    assert ("IMP-1: an improvement in Under review cannot move to In progress. Allowed now: Planned or Declined."
            in refused.get_data(as_text=True))
    api = client.post(f"/api/v1/work-items/{item.id}/transition", json={"to_state": "in_progress",
                                                                         "expected_version": 2},
                      headers={"X-CSRF-Token": "test-csrf-token"})
    error = api.get_json()["error"]
    assert error["details"]["allowed_transitions"] == ["planned", "declined"]  # machine-readable ids stay
    assert "in_progress" not in error["message"]
