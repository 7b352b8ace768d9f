"""Keys in URLs (issue #12, "what people expect"): /work-items/INC-12 redirects to the item's id URL, the API
serves the item by key, and a key that names no item is a 404 like any unknown id."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from app.core.context import services
from app.models import WorkItem
from app.services.item_keys import canonical_key
from tests.web.helpers import BOB, HTMX


def test_a_key_in_the_url_redirects_permanently_to_the_id_url(client: FlaskClient,
                                                               make_item: Callable[..., WorkItem]) -> None:
    make_item(title="First")
    item = make_item(title="Second incident")
    improvement = make_item(item_type="improvement", title="An improvement")
    request = make_item(item_type="platform_request", title="A request", platform="kafka")
    for key, target in (("INC-2", item), ("inc-2", item), ("INC-002", item), ("IMP-1", improvement),
                        ("REQ-1", request)):
        response = client.get(f"/work-items/{key}")
        assert response.status_code == 301, key
        assert response.headers["Location"].endswith(f"/work-items/{target.id}"), key
    page = client.get("/work-items/INC-2", follow_redirects=True)
    assert page.status_code == 200 and "Second incident" in page.get_data(as_text=True)
    assert client.get("/work-items/INC-2", headers=HTMX).status_code == 301


def test_the_id_url_is_still_served_as_is(client: FlaskClient, make_item: Callable[..., WorkItem]) -> None:
    item = make_item(title="By id")
    response = client.get(f"/work-items/{item.id}")
    assert response.status_code == 200 and "By id" in response.get_data(as_text=True)


def test_a_key_of_no_item_is_404(client: FlaskClient, make_item: Callable[..., WorkItem]) -> None:
    make_item()
    for key in ("INC-2", "IMP-1", "REQ-99", "INC-0"):
        assert client.get(f"/work-items/{key}").status_code == 404, key
        assert client.get(f"/api/v1/work-items/{key}").status_code == 404, key


def test_the_api_serves_the_item_by_key_and_names_its_id_url(client: FlaskClient,
                                                              make_item: Callable[..., WorkItem]) -> None:
    item = make_item(title="Served by key")
    response = client.get("/api/v1/work-items/inc-1")
    assert response.status_code == 200
    assert response.get_json()["id"] == item.id and response.get_json()["key"] == "INC-1"
    assert response.headers["Content-Location"] == f"/api/v1/work-items/{item.id}"
    by_id = client.get(f"/api/v1/work-items/{item.id}")
    assert by_id.get_json() == response.get_json() and "Content-Location" not in by_id.headers


def test_the_openapi_document_says_reads_take_a_key(client: FlaskClient) -> None:
    read = client.get("/api/v1/openapi.json").get_json()["paths"]["/work-items/{item_id}"]["get"]
    assert "INC-12" in read["description"] and "Content-Location" in read["responses"]["200"]["headers"]


def test_restricted_reading_hides_whether_a_key_exists(make_app: Callable[..., Flask]) -> None:
    app = make_app(ALLOW_ANONYMOUS_READ="0")
    item = services(app).work_items.create(BOB, {"item_type": "incident", "title": "Hidden from strangers",
                                                 "severity": "sev3", "platform": "kafka"})
    anonymous = app.test_client()
    for key in (item.key, "INC-99"):
        response = anonymous.get(f"/work-items/{key}")
        assert response.status_code in (302, 401) and item.id not in response.headers.get("Location", ""), key
        assert anonymous.get(f"/api/v1/work-items/{key}").status_code == 401, key


def test_canonical_key_takes_what_people_paste() -> None:
    assert canonical_key("INC-12") == "INC-12"
    assert canonical_key(" inc-012 ") == "INC-12"
    assert canonical_key("Req-30") == "REQ-30"
    for not_a_key in ("INC-0", "BUG-1", "INC-١٢", "INC12", "INC-1-2", "0190f0aa-0000-7000-8000-000000000000", ""):
        assert canonical_key(not_a_key) is None, not_a_key
