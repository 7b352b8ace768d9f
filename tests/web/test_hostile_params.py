"""Garbage in query strings and version fields: always a clear 4xx (or ignored), never a 500.

Issue #11, finding 15: `/embed/work-items?updated_since=x` was a 500 (every argument went to the store),
a form's `expected_version` took `١` as 1 and `1_0` as 10, and with PUBLIC_URL unset the Host header
chose the embed's absolute links and CSP on responses marked `Cache-Control: public`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core.context import services
from app.models import WorkItem
from tests.fixtures import create_app  # app.create_app; the store is closed when the test ends
from tests.web.helpers import ALICE, RBAC, post, sign_in

GARBAGE = ["x", "-1", "0", "1.5", "99999999999999999999", "%ED%A0%80", "%00", "%1B%5B31m", "", "a" * 5000,
           "2026-13-45", "%EF%BF%BF"]
LIST_NAMES = ["type", "state", "platform", "assignee", "author", "q", "sort", "page", "page_size", "mine", "reported",
              "assigned", "voted",
              "view", "updated_since", "no_such_param"]
LIST_URLS = ["/work-items", "/embed/work-items", "/api/v1/work-items"]
OTHER_URLS = ["/embed/status", "/embed/roadmap", "/status", "/roadmap", "/docs", "/work-items/new"]
ALLOWED = {200, 400, 404, 422}


def _get(client: FlaskClient, url: str, query: str) -> int:
    response = client.get(f"{url}?{query}")
    assert response.status_code in ALLOWED, (url, query, response.status_code, response.data[:300])
    return response.status_code


@pytest.mark.parametrize("url", LIST_URLS)
@pytest.mark.parametrize("name", LIST_NAMES)
def test_list_parameters_with_garbage_are_never_a_500(client: FlaskClient, anon: FlaskClient,
                                                      make_item: Callable[..., WorkItem], url: str, name: str) -> None:
    make_item()
    for value in GARBAGE:
        _get(client, url, f"{name}={value}")
        _get(anon, url, f"{name}={value}")
    _get(client, url, f"{name}=x&{name}=y")  # repeated
    _get(client, url, f"{name}=1&{name}=2&{name}=-created_at")


@pytest.mark.parametrize("url", OTHER_URLS)
def test_other_pages_ignore_garbage_parameters(client: FlaskClient, url: str) -> None:
    for value in GARBAGE:
        _get(client, url, f"x={value}&q={value}&item_type={value}&page={value}")


@pytest.mark.parametrize("path", ["%00", "%ED%A0%80", "x" * 500, "..%2F..%2Fetc", "%EF%BF%BF"])
def test_item_urls_with_garbage_ids_are_404(client: FlaskClient, path: str) -> None:
    for url in ("/work-items/", "/embed/work-items/", "/api/v1/work-items/"):
        assert client.get(url + path).status_code == 404, url + path


def test_embed_updated_since_is_parsed_not_passed_through(client: FlaskClient,
                                                          make_item: Callable[..., WorkItem]) -> None:
    make_item()
    assert client.get("/embed/work-items?updated_since=x").status_code == 422
    assert b"Warehouse" in client.get("/embed/work-items?updated_since=2020-01-01").data
    assert b"Warehouse" in client.get("/embed/work-items?updated_since=2020-01-01T10:00:00Z").data
    assert b"Warehouse" not in client.get("/embed/work-items?updated_since=2999-01-01").data


def test_list_page_beyond_the_end_is_an_empty_page(client: FlaskClient, make_item: Callable[..., WorkItem]) -> None:
    make_item()
    assert client.get("/work-items?page=99").status_code == 200
    assert client.get("/api/v1/work-items?page=99").get_json()["items"] == []
    assert client.get("/api/v1/work-items?page=99999999999999999999").status_code == 422


# ---- expected_version: ASCII digits in forms, a JSON integer (not bool) in JSON -------------------------

@pytest.mark.parametrize("sent", ["١", "1_0", "１", "+1", "-1", "1.0", "0x1", "1e0", " ", "99999999999999999999999"])
def test_form_expected_version_takes_ascii_digits_only(client: FlaskClient, make_item: Callable[..., WorkItem],
                                                       sent: str) -> None:
    item = make_item()
    response = post(client, f"/work-items/{item.id}/edit", {"expected_version": sent, "title": "Changed title"})
    assert response.status_code == 422, (sent, response.status_code)
    assert "expected_version" in response.get_data(as_text=True) or "version" in response.get_data(as_text=True)
    response = post(client, f"/work-items/{item.id}/transition", {"expected_version": sent, "to_state": "triaged"})
    assert response.status_code == 422, (sent, response.status_code)


def test_form_expected_version_in_plain_digits_still_works(client: FlaskClient,
                                                           make_item: Callable[..., WorkItem]) -> None:
    item = make_item()
    assert post(client, f"/work-items/{item.id}/edit", {"expected_version": "1", "title": "Changed title"}
                ).status_code == 303


@pytest.mark.parametrize("sent", [True, False, 1.0, "1", "١", [1], {"v": 1}, -1, 0, 2**63, 10**30])
def test_json_expected_version_must_be_a_plain_integer(client: FlaskClient, make_item: Callable[..., WorkItem],
                                                       sent: object) -> None:
    item = make_item()
    headers = {"X-CSRF-Token": "test-csrf-token"}
    response = client.patch(f"/api/v1/work-items/{item.id}", json={"expected_version": sent, "title": "New title"},
                            headers=headers)
    assert response.status_code == 422, (sent, response.status_code, response.data[:300])
    assert "expected_version" in response.get_json()["error"]["details"]


# ---- embeds and the Host header ----------------------------------------------------------------------

def _embed_app(tmp_path: Path, public_url: str) -> FlaskClient:
    rbac = tmp_path / "rbac.toml"
    rbac.write_text(RBAC)
    app: Flask = create_app({"DATA_DIR": str(tmp_path / "data"), "RBAC_FILE": str(rbac), "AUTH_MODE": "dev",
                             "RATELIMIT_ENABLED": "0", "PUBLIC_URL": public_url})
    services(app).work_items.create(ALICE, {"item_type": "improvement", "title": "Faster clusters"})
    return sign_in(app.test_client(), None)


@pytest.mark.parametrize("url", ["/embed/work-items", "/embed/status", "/embed/roadmap"])
def test_embed_without_public_url_is_never_publicly_cached_with_the_host_in_it(tmp_path: Path, url: str) -> None:
    client = _embed_app(tmp_path, "")
    response = client.get(url, headers={"Host": "evil.example"})
    assert response.status_code == 200
    cache = response.headers["Cache-Control"]
    if "evil.example" in response.get_data(as_text=True) + response.headers["Content-Security-Policy"]:
        assert "public" not in cache and ("private" in cache or "no-store" in cache), cache


@pytest.mark.parametrize("url", ["/embed/work-items", "/embed/status", "/embed/roadmap"])
def test_embed_with_public_url_ignores_the_host_header(tmp_path: Path, url: str) -> None:
    client = _embed_app(tmp_path, "https://desk.example.com")
    response = client.get(url, headers={"Host": "evil.example"})
    assert response.status_code == 200
    assert "evil.example" not in response.get_data(as_text=True)
    assert "evil.example" not in response.headers["Content-Security-Policy"]
    assert "https://desk.example.com/static/css/embed.css" in response.get_data(as_text=True)
    assert "public" in response.headers["Cache-Control"]
