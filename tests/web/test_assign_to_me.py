"""'Assign to me' (issue #12): triagers take an item from its detail page or the triage queue."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from app.core.context import services
from app.models import WorkItem
from tests.web.helpers import ALICE, post, sign_in


def test_detail_offers_assign_to_me_to_triagers_only(app: Flask, client: FlaskClient,
                                                     make_item: Callable[..., WorkItem]) -> None:
    item = make_item()
    assert "Assign to me" in client.get(f"/work-items/{item.id}").get_data(as_text=True)
    reporter = sign_in(app.test_client(), "bob@example.com")
    assert "Assign to me" not in reporter.get(f"/work-items/{item.id}").get_data(as_text=True)


def test_assign_to_me_with_htmx_swaps_the_item_and_is_audited(app: Flask, client: FlaskClient,
                                                              make_item: Callable[..., WorkItem]) -> None:
    item = make_item()
    response = post(client, f"/work-items/{item.id}/assign-to-me", {"expected_version": "1", "from": "item"},
                    htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<article id="item-main"')
    assert '<dt>Assignee</dt><dd><span class="email" title="alice@example.com">' in html
    assert "Assign to me" not in html  # already theirs
    [*_, last] = services(app).work_items.events(item.id, ALICE)
    assert (last.event_type, last.created_by) == ("updated", "alice@example.com")
    assert last.payload["changes"]["assignee"] == {"from": None, "to": "alice@example.com"}


def test_assign_to_me_without_js_redirects_back(client: FlaskClient, make_item: Callable[..., WorkItem]) -> None:
    item = make_item()
    response = post(client, f"/work-items/{item.id}/assign-to-me",
                    {"expected_version": "1", "from": "row", "next": "/work-items?view=triage"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/work-items?view=triage")
    evil = post(client, f"/work-items/{item.id}/assign-to-me", {"expected_version": "2", "next": "//evil.example"})
    assert evil.status_code == 303 and "evil" not in evil.headers["Location"]


def test_a_reporter_may_not_assign_themselves(app: Flask, make_item: Callable[..., WorkItem]) -> None:
    item = make_item()
    reporter = sign_in(app.test_client(), "bob@example.com")
    response = post(reporter, f"/work-items/{item.id}/assign-to-me", {"expected_version": "1"}, htmx=True)
    assert response.status_code == 403
    assert services(app).store.get_item(item.id).assignee is None


def test_a_stale_version_is_a_409_conflict(client: FlaskClient, make_item: Callable[..., WorkItem]) -> None:
    item = make_item()
    post(client, f"/work-items/{item.id}/edit", {"expected_version": "1", "priority": "p1"})
    response = post(client, f"/work-items/{item.id}/assign-to-me", {"expected_version": "1"}, htmx=True)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#modal-root"


def test_bad_input_is_a_clear_client_error(client: FlaskClient, make_item: Callable[..., WorkItem]) -> None:
    item = make_item()
    assert post(client, f"/work-items/{item.id}/assign-to-me", {"expected_version": "x"}, htmx=True).status_code == 422
    assert post(client, "/work-items/nope/assign-to-me", {"expected_version": "1"}, htmx=True).status_code == 404
    assert client.post(f"/work-items/{item.id}/assign-to-me", data={"expected_version": "1"}).status_code in (400, 403)


def test_triage_queue_rows_offer_assign_to_me_and_swap_the_row(app: Flask, client: FlaskClient,
                                                               make_item: Callable[..., WorkItem]) -> None:
    item = make_item()
    page = client.get("/work-items?view=triage").get_data(as_text=True)
    assert '<th scope="col">Assignee</th>' in page and f'aria-label="Assign {item.key} to me"' in page
    assert "Assign to me" not in client.get("/work-items").get_data(as_text=True)  # the queue only
    reporter_page = sign_in(app.test_client(), "bob@example.com").get("/work-items?view=triage")
    assert "Assign to me" not in reporter_page.get_data(as_text=True)
    response = post(client, f"/work-items/{item.id}/assign-to-me",
                    {"expected_version": "1", "from": "row", "next": "/work-items?view=triage"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith(f'<tr data-row id="row-{item.id}"')
    assert '<span class="muted">You</span>' in html and "Assign to me" not in html
