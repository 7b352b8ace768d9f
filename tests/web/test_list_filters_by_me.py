"""#12, the list's filters for a new user: "Reported by me" and "Assigned to me" instead of "Mine", their
open counts in the navigation, state choices that follow the type, "Filters (n)", and messages that use the
labels people see rather than raw ids."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from app.core.context import services
from tests.web.helpers import ALICE, BOB, HTMX

Client = FlaskClient


def keys_in(html: str) -> list[str]:
    return re.findall(r'<td class="key" data-label="Key">([A-Z]+-\d+)</td>', html)


def state_options(html: str) -> list[str]:
    select = re.search(r'<select id="state" name="state".*?</select>', html, re.S)
    assert select, "no state select"
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def test_reported_by_me_and_assigned_to_me_are_two_filters(client: Client, make_item) -> None:
    filed = make_item(ALICE, title="Filed by Alice")
    given = make_item(BOB, title="Filed by Bob for Alice", assignee="alice@example.com")
    make_item(BOB, title="Nobody's")
    assert keys_in(client.get("/work-items?reported=1").get_data(as_text=True)) == [filed.key]
    assert keys_in(client.get("/work-items?assigned=1").get_data(as_text=True)) == [given.key]
    page = client.get("/work-items").get_data(as_text=True)
    assert "> Reported by me</label>" in page and "> Assigned to me</label>" in page and "Mine" not in page


def test_old_mine_links_still_work_as_reported_by_me(client: Client, make_item) -> None:
    filed = make_item(ALICE, title="Filed by Alice")
    make_item(BOB, title="Filed by Bob")
    page = client.get("/work-items?mine=1").get_data(as_text=True)
    assert keys_in(page) == [filed.key]
    assert 'name="reported" value="1" checked' in page
    fragment = client.get("/work-items?mine=1", headers=HTMX)
    assert fragment.headers["HX-Push-Url"] == "/work-items?reported=1"  # the new name from now on


def test_my_filters_ask_a_signed_out_visitor_to_sign_in(anon: Client) -> None:
    response = anon.get("/work-items?assigned=1")
    assert response.status_code == 422
    assert "Sign in to see the items assigned to you." in response.get_data(as_text=True)


def test_the_navigation_counts_my_open_items(app: Flask, client: Client, anon: Client, make_item) -> None:
    make_item(BOB, title="Open for Alice", assignee="alice@example.com")
    done = make_item(BOB, title="Closed for Alice", assignee="alice@example.com")
    services(app).work_items.transition(ALICE, done.id, "closed", 1, "Duplicate")
    make_item(ALICE, title="Alice's own")
    page = client.get("/status").get_data(as_text=True)  # every page's navigation, not only the list's
    assigned = re.search(r'data-my="assigned">Assigned to me <span class="count">(\d+)</span>', page)
    reported = re.search(r'data-my="reported">Reported by me <span class="count">(\d+)</span>', page)
    assert assigned and reported and (assigned.group(1), reported.group(1)) == ("1", "1")
    assert 'href="/work-items?view=triage&amp;assigned=1"' in page  # the queue: open items only, as counted
    make_item(BOB, title="Another for Alice", assignee="alice@example.com")
    again = client.get("/work-items").get_data(as_text=True)
    assert 'data-my="assigned">Assigned to me <span class="count">2</span>' in again  # the cached nav follows
    assert "data-my=" not in anon.get("/work-items").get_data(as_text=True)


def test_state_choices_are_the_chosen_types_states(client: Client) -> None:
    page = client.get("/work-items?type=improvement").get_data(as_text=True)
    assert state_options(page) == ["", "proposed", "under_review", "planned", "in_progress", "done", "declined"]
    assert '<option value="in_progress">In progress</option>' in page
    every = state_options(client.get("/work-items").get_data(as_text=True))
    assert "closed" in every and "fulfilled" in every


def test_a_state_the_type_never_has_is_a_field_error(client: Client) -> None:
    response = client.get("/work-items?type=improvement&state=closed")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    message = ("Improvement items are never Closed: choose Proposed, Under review, Planned, In progress, Done "
               "or Declined, or any state.")
    assert f'<p class="field-error" id="state-error">{message}</p>' in html  # beside the field
    assert 'id="filter-panel" class="filter-panel" open' in html  # the panel opens to show it
    assert "No work items match" not in html


def test_changing_the_type_swaps_the_state_choices_out_of_band(client: Client) -> None:
    changed = client.get("/work-items?type=improvement&states_for=incident", headers=HTMX).get_data(as_text=True)
    assert '<div id="state-filter" class="filter-slot" hx-swap-oob="true">' in changed
    assert state_options(changed)[1:3] == ["proposed", "under_review"]
    assert 'name="states_for" value="improvement"' in changed
    same = client.get("/work-items?type=improvement&states_for=improvement", headers=HTMX).get_data(as_text=True)
    assert 'id="state-filter"' not in same  # the state select is left alone while someone uses it
    wrong = client.get("/work-items?type=improvement&state=closed&states_for=", headers=HTMX)
    assert wrong.status_code == 422 and 'id="state-error"' in wrong.get_data(as_text=True)
    assert 'name="state_error" value="1"' in wrong.get_data(as_text=True)
    fixed = client.get("/work-items?type=improvement&state=done&states_for=improvement&state_error=1", headers=HTMX)
    assert 'id="state-filter"' in fixed.get_data(as_text=True)  # swapped again: the error is gone
    assert 'id="state-error"' not in fixed.get_data(as_text=True)


def test_the_filter_button_counts_the_filters_in_use(client: Client) -> None:
    page = client.get("/work-items?type=incident&q=disk&sort=-votes").get_data(as_text=True)
    assert '<summary class="filter-toggle">Filters<span id="filter-count"> (2<span class="visually-hidden"> ' \
           'active</span>)</span></summary>' in page  # sort is not a filter
    fragment = client.get("/work-items?type=incident", headers=HTMX).get_data(as_text=True)
    assert '<span id="filter-count" hx-swap-oob="innerHTML"> (1' in fragment


def test_list_errors_name_labels_not_raw_ids(client: Client) -> None:
    html = client.get("/work-items?sort=created&state=open", headers=HTMX).get_data(as_text=True)
    assert "Sort by one of Created, Updated, Votes, Priority or Triage order" in html
    results = html.split('<section id="results"')[1].split("</section>")[0]
    assert "created_at" not in results and "_" not in results.split('role="alert"')[1]
    assert "Unknown state &#39;open&#39;. Choose New, Triaged, Investigating" in html


def test_a_failing_count_never_takes_the_page_down(app: Flask, client: Client, monkeypatch) -> None:
    def broken(actor: object) -> None:
        raise OSError("store unreachable")

    monkeypatch.setattr(services(app).work_items, "my_counts", broken)
    page = client.get("/status")
    assert page.status_code == 200 and "data-my=" not in page.get_data(as_text=True)
