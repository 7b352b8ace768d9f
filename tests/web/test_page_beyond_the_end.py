"""A page past the last one (issue #12, item 8): not "page 99 of 2" over an empty table, but a sentence saying
there is no such page and a link to the last one (still 200: the list exists, the page number is just late)."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from app.models import WorkItem
from tests.web.helpers import HTMX


def test_a_page_past_the_end_says_so_and_links_the_last_page(client: FlaskClient,
                                                             make_item: Callable[..., WorkItem]) -> None:
    for n in range(3):
        make_item(title=f"Item {n}")
    response = client.get("/work-items?page_size=2&page=99")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "page 99 of 2" not in html and "<table" not in html
    assert "There is no page 99: 3 items fill 2 pages." in html
    assert '<a href="/work-items?page_size=2&amp;page=2"' in html and "Go to page 2, the last one" in html
    fragment = client.get("/work-items?page_size=2&page=99", headers=HTMX).get_data(as_text=True)
    assert 'hx-get="/work-items?page_size=2&amp;page=2"' in fragment
    assert "There is no page 99; the last page is 2." in fragment  # the screen-reader status says it too


def test_the_last_page_itself_is_a_normal_page(client: FlaskClient, make_item: Callable[..., WorkItem]) -> None:
    for n in range(3):
        make_item(title=f"Item {n}")
    html = client.get("/work-items?page_size=2&page=2").get_data(as_text=True)
    assert "page 2 of 2" in html and "There is no page" not in html


def test_a_single_page_list_past_its_end(client: FlaskClient, make_item: Callable[..., WorkItem]) -> None:
    make_item()
    html = client.get("/work-items?page=5").get_data(as_text=True)
    assert "There is no page 5: 1 item fills 1 page." in html and '<a href="/work-items" hx-get="/work-items"' in html


def test_an_empty_list_past_its_end_explains_the_filters_instead(client: FlaskClient) -> None:
    html = client.get("/work-items?page=3").get_data(as_text=True)
    assert "No work items match these filters." in html and "There is no page" not in html
