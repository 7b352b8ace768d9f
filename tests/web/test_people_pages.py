"""/people (the directory's active search), the assignee combobox, and @mention links on the detail page."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient

from app.models import WorkItem
from tests.web.helpers import HTMX, post, sign_in


def test_people_search_answers_htmx_with_listbox_options(client: FlaskClient) -> None:
    response = client.get("/people?q=ali&listbox=edit-assignee-listbox", headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<ul id="edit-assignee-listbox" class="people-options" role="listbox"' in html
    assert re.findall(r'data-value="([^"]+)"', html) == ["alice@example.com"]
    assert 'id="edit-assignee-listbox-0" role="option"' in html and "@alice" in html
    assert "<html" not in html


def test_people_search_without_htmx_is_a_page_linking_each_persons_items(client: FlaskClient) -> None:
    html = client.get("/people?q=bob").get_data(as_text=True)
    assert "<h1>People</h1>" in html
    assert '<a href="/work-items?assignee=bob%40example.com">@bob</a>' in html


def test_a_bad_listbox_id_is_replaced_and_nothing_matching_gives_an_empty_hidden_listbox(client: FlaskClient) -> None:
    html = client.get('/people?q=zzz&listbox="><script>', headers=HTMX).get_data(as_text=True)
    assert '<ul id="people-listbox"' in html and " hidden>" in html and "<script" not in html


def test_people_search_needs_sign_in(anon: FlaskClient) -> None:
    assert anon.get("/people?q=a", headers=HTMX).status_code == 401


def test_edit_form_assignee_is_an_aria_combobox(client: FlaskClient, make_item: Callable[..., WorkItem]) -> None:
    item = make_item()
    html = client.get(f"/work-items/{item.id}").get_data(as_text=True)
    field = re.search(r'<input id="edit-assignee"[^>]*>', html, re.S).group(0)
    for attribute in ('role="combobox"', 'aria-expanded="false"', 'aria-controls="edit-assignee-listbox"',
                      'aria-autocomplete="list"', 'data-people-url="/people"', 'name="assignee"'):
        assert attribute in field
    assert '<ul id="edit-assignee-listbox" class="people-options" role="listbox"' in html


def test_assignee_must_look_like_an_email(client: FlaskClient, make_item: Callable[..., WorkItem]) -> None:
    item = make_item()
    response = post(client, f"/work-items/{item.id}/edit", {"expected_version": "1", "assignee": "bob"}, htmx=True)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="assignee-error"' in html and 'aria-invalid="true"' in html
    ok = post(client, f"/work-items/{item.id}/edit", {"expected_version": "1", "assignee": "new@corp.io"}, htmx=True)
    assert ok.status_code == 200 and "new@corp.io" in ok.get_data(as_text=True)  # free text: not known yet


def test_mentions_in_descriptions_and_comments_link_to_known_people(client: FlaskClient,
                                                                    make_item: Callable[..., WorkItem]) -> None:
    item = make_item(description="Ask @alice, not `@bob` nor @nobody")
    post(client, f"/work-items/{item.id}/comments", {"body": "cc @bob@example.com"})
    html = client.get(f"/work-items/{item.id}").get_data(as_text=True)
    assert ('<a href="/work-items?assignee=alice@example.com" class="mention" title="alice@example.com"'
            in html)
    assert "<code>@bob</code>" in html and "@nobody" in html and "assignee=nobody" not in html
    assert '<a href="/work-items?assignee=bob@example.com" class="mention"' in html


def test_people_page_signed_out_browser_is_not_shown_identities(app: object) -> None:
    anon = sign_in(app.test_client(), None)  # type: ignore[attr-defined]
    page = anon.get("/people?q=a")
    assert page.status_code == 302 and page.headers["Location"].startswith("/sign-in?next=/people")
    assert anon.get("/people?q=a", headers={"HX-Request": "true"}).status_code == 401
