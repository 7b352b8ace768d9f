"""List page: full page vs fragment, filters, search, sort, pagination, triage queue, error state."""

from __future__ import annotations

import re

from app.core.context import services
from tests.web.helpers import ALICE, BOB, HTMX


def keys_in(html: str) -> list[str]:
    return re.findall(r'<td class="key" data-label="Key">([A-Z]+-\d+)</td>', html)


def test_root_redirects_to_the_list(anon):
    response = anon.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/work-items")


def test_full_page_for_normal_requests_fragment_for_htmx(client, make_item):
    make_item(title="Queue is slow")
    page = client.get("/work-items")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.startswith("<!doctype html>") and 'id="filters"' in html and 'id="results"' in html
    assert 'aria-current="page">Tickets<' in html
    assert {"HX-Request", "HX-Request-Type"} <= set(page.vary)
    fragment = client.get("/work-items", headers=HTMX)
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="results"') and "<html" not in body and 'id="filters"' not in body
    assert "Queue is slow" in body
    assert {"HX-Request", "HX-Request-Type"} <= set(fragment.vary)
    full = client.get("/work-items", headers={"HX-Request": "true", "HX-Request-Type": "full"})
    assert full.get_data(as_text=True).startswith("<!doctype html>")
    restore = client.get("/work-items", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert restore.get_data(as_text=True).startswith("<!doctype html>")


def test_filters_by_type_state_platform_and_search(client, make_item):
    make_item(title="Cluster out of memory", platform="jobs")
    make_item(item_type="improvement", title="Cost dashboard per team", platform="")
    make_item(item_type="platform_request", title="New schema for marketing", platform="unity-catalog")
    html = client.get("/work-items?type=improvement").get_data(as_text=True)
    assert keys_in(html) == ["IMP-1"]
    assert keys_in(client.get("/work-items?platform=jobs").get_data(as_text=True)) == ["INC-1"]
    assert keys_in(client.get("/work-items?state=submitted").get_data(as_text=True)) == ["REQ-1"]
    searched = client.get("/work-items?q=marketing", headers=HTMX)
    assert keys_in(searched.get_data(as_text=True)) == ["REQ-1"]
    assert searched.headers["HX-Push-Url"] == "/work-items?q=marketing"
    filtered = client.get("/work-items?q=&type=&sort=-created_at&page_size=25&page=1", headers=HTMX)
    assert filtered.headers["HX-Push-Url"] == "/work-items"  # blanks and defaults stay out of the URL
    # the full page shows the filter state it was loaded with (shareable URLs)
    page = client.get("/work-items?type=improvement&q=cost").get_data(as_text=True)
    assert '<option value="improvement" selected>' in page and 'value="cost"' in page


def test_mine_and_voted_by_me(app, client, make_item):
    mine = make_item(ALICE, title="Filed by Alice")
    other = make_item(BOB, title="Filed by Bob")
    services(app).work_items.vote(ALICE, other.id)
    assert keys_in(client.get("/work-items?mine=1").get_data(as_text=True)) == [mine.key]
    assert keys_in(client.get("/work-items?voted=1").get_data(as_text=True)) == [other.key]


def test_sort_and_pagination_links_keep_the_filters(client, make_item):
    for n in range(5):
        make_item(title=f"Item number {n}", priority=["p4", "p1", "p3", "p2", "p4"][n])
    newest = keys_in(client.get("/work-items?page_size=2").get_data(as_text=True))
    assert newest == ["INC-5", "INC-4"]
    html = client.get("/work-items?page_size=2&page=2&type=incident").get_data(as_text=True)
    assert keys_in(html) == ["INC-3", "INC-2"]
    assert "page 2 of 3" in html
    assert 'href="/work-items?type=incident&amp;page_size=2&amp;page=3"' in html
    assert 'href="/work-items?type=incident&amp;page_size=2"' in html  # page 1 is the default
    by_priority = keys_in(client.get("/work-items?sort=-priority").get_data(as_text=True))
    assert by_priority[0] == "INC-2"  # the only p1
    oldest = keys_in(client.get("/work-items?sort=created_at").get_data(as_text=True))
    assert oldest == ["INC-1", "INC-2", "INC-3", "INC-4", "INC-5"]


def test_triage_queue_puts_untriaged_items_first(app, client, make_item):
    done = make_item(title="Already triaged", priority="p1")
    services(app).work_items.transition(ALICE, done.id, "triaged", done.version)
    fresh = make_item(title="Still new", priority="p3")
    html = client.get("/work-items?view=triage").get_data(as_text=True)
    assert "<h1>Triage queue</h1>" in html
    assert keys_in(html) == [fresh.key, done.key]
    assert 'name="view" value="triage"' in html


def test_bad_parameters_give_a_clear_error_state(client):
    response = client.get("/work-items?sort=bogus&page=0", headers=HTMX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="results"' in html and 'role="alert"' in html
    assert "Sort by one of" in html and "Must be 1 or more" in html


def test_empty_result_explains_itself(client):
    html = client.get("/work-items?q=nothing-matches-this").get_data(as_text=True)
    assert "No work items match these filters." in html


def test_fragment_updates_the_screen_reader_status_out_of_band(client, make_item):
    make_item()
    fragment = client.get("/work-items", headers=HTMX).get_data(as_text=True)
    assert ('<p id="results-status" class="visually-hidden" role="status" aria-live="polite" hx-swap-oob="innerHTML">'
            '1 item found') in fragment
    page = client.get("/work-items").get_data(as_text=True)
    assert page.count('id="results-status"') == 1
