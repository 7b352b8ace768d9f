"""A full disk answers 507 with a clear message on both the HTML and the API paths, and is logged (issue #11):
the store raises StorageFull (nothing written); the adapters must not turn it into a generic 500."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core.context import services
from app.core.rate_limit import limiter
from app.store.errors import StorageFull, StoreUnavailable
from tests.fixtures import create_app  # app.create_app; the store is closed when the test ends
from tests.web.helpers import post, sign_in

ITEM = {"item_type": "improvement", "title": "Written to a full disk"}


@pytest.fixture()
def full_disk(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    store = services(app).store

    def no_space(*_: Any, **__: Any) -> Any:
        raise StorageFull("The disk is full: nothing was saved.")

    monkeypatch.setattr(store, "create_item", no_space)
    return app


def test_html_form_post_answers_507_with_a_friendly_page(full_disk: Flask, client: FlaskClient,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        page = post(client, "/work-items/new", ITEM)
    assert page.status_code == 507 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Storage full" in html and "nothing was saved" in html and "Something went wrong" not in html
    assert any("storage_full" in r.getMessage() and r.levelno >= logging.WARNING for r in caplog.records)


def test_htmx_post_gets_the_error_fragment(full_disk: Flask, client: FlaskClient) -> None:
    fragment = post(client, "/work-items/new", ITEM, htmx=True)
    assert fragment.status_code == 507 and fragment.headers["HX-Retarget"] == "#flash"
    assert "Storage full" in fragment.get_data(as_text=True)


def test_api_answers_507_json(full_disk: Flask, caplog: pytest.LogCaptureFixture) -> None:
    client = full_disk.test_client()
    with client.session_transaction() as session:
        session["user"] = "alice@example.com"
    with caplog.at_level(logging.WARNING):
        response = client.post("/api/v1/work-items", json=ITEM)
    assert response.status_code == 507 and response.is_json
    error = response.get_json()["error"]
    assert error["code"] == "storage_full" and "nothing was saved" in error["message"]
    assert any("storage_full" in r.getMessage() for r in caplog.records)


def test_store_unavailable_is_503_not_500(app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(*_: Any, **__: Any) -> Any:
        raise StoreUnavailable("The change could not be saved; nothing was written. Try again.")

    monkeypatch.setattr(services(app).store, "create_item", busy)
    page = post(client, "/work-items/new", ITEM)
    assert page.status_code == 503 and "Temporarily unavailable" in page.get_data(as_text=True)


@pytest.fixture()
def limited(tmp_path: Any) -> Flask:
    from tests.web.helpers import RBAC

    rbac = tmp_path / "rbac.toml"
    rbac.write_text(RBAC)
    return create_app({"DATA_DIR": str(tmp_path / "d"), "RBAC_FILE": str(rbac), "RATELIMIT_CREATE": "2/minute"})


def test_a_full_disk_under_the_rate_limits_still_answers_507(limited: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rate-limit file sits on the same disk: its failure must not turn the 507 into a 500, and the
    limits keep holding (in this process's memory) until the file works again."""
    def disk_full(*_: Any, **__: Any) -> Any:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(limiter.storage, "incr", disk_full)
    client = sign_in(limited.test_client(), "alice@example.com")
    statuses = [post(client, "/work-items/new", ITEM).status_code for _ in range(3)]
    assert statuses[:2] == [303, 303] and statuses[2] == 429, statuses

    def no_space(*_: Any, **__: Any) -> Any:
        raise StorageFull("The disk is full: nothing was saved.")

    monkeypatch.setattr(services(limited).store, "create_item", no_space)
    api = sign_in(limited.test_client(), "bob@example.com")
    assert api.post("/api/v1/work-items", json=ITEM).status_code == 507
