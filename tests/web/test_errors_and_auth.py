"""App-wide error handlers (HTML vs /api/ JSON, 405, 413, 429 with Retry-After, 500) and dev sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from app.core.context import services
from tests.fixtures import create_app  # app.create_app; the store is closed when the test ends
from tests.web.helpers import HTMX, RBAC, TOKEN, post, sign_in


def test_unknown_url_is_a_friendly_page_or_json_under_api(anon):
    page = anon.get("/no/such/page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Not found" in page.get_data(as_text=True) and "Back to the tickets" in page.get_data(as_text=True)
    api = anon.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.mimetype == "application/json"
    assert api.get_json()["error"]["code"] == "not_found"
    assert set(api.get_json()["error"]) == {"code", "message", "details"}


def test_wrong_method_is_405_with_allow(anon, make_item):
    item = make_item()
    response = anon.put(f"/work-items/{item.id}", headers={"X-CSRF-Token": TOKEN})
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert "Method not allowed" in response.get_data(as_text=True)


def test_too_large_body_is_413(tmp_path: Path):
    app = create_app({"DATA_DIR": str(tmp_path), "MAX_CONTENT_LENGTH": "1000", "CSRF_DISABLED": "1"})
    app.config["CSRF_DISABLED"] = True
    client = app.test_client()
    page = client.post("/work-items/new", data={"description": "x" * 5000})
    assert page.status_code == 413 and "Too large" in page.get_data(as_text=True)
    api = client.post("/api/v1/work-items", json={"item_type": "incident", "title": "y" * 5000})
    assert api.status_code == 413 and api.get_json()["error"]["code"] == "payload_too_large"


def test_unexpected_error_is_a_500_page_without_internals(app: Flask, anon):
    def boom() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/boom", "api_boom", boom)
    page = anon.get("/boom")
    assert page.status_code == 500 and "secret internals" not in page.get_data(as_text=True)
    assert "Something went wrong" in page.get_data(as_text=True)
    api = anon.get("/api/boom")
    assert api.status_code == 500 and api.get_json()["error"]["code"] == "internal_error"


@pytest.fixture()
def limited(tmp_path: Path) -> Flask:
    rbac = tmp_path / "rbac.toml"
    rbac.write_text(RBAC)
    return create_app({"DATA_DIR": str(tmp_path / "d"), "RBAC_FILE": str(rbac), "RATELIMIT_VOTE": "2/minute"})


def test_rate_limited_vote_tells_when_to_retry(limited: Flask):
    service = services(limited).work_items
    from tests.web.helpers import BOB

    item = service.create(BOB, {"item_type": "improvement", "title": "Rate me"})
    client = sign_in(limited.test_client(), "alice@example.com")
    for _ in range(2):
        assert post(client, f"/work-items/{item.id}/vote", {"voted": "1"}, htmx=True).status_code == 200
    blocked = post(client, f"/work-items/{item.id}/vote", {"voted": "1"}, htmx=True)
    assert blocked.status_code == 429
    retry = int(blocked.headers["Retry-After"])
    assert 0 < retry <= 60
    html = blocked.get_data(as_text=True)
    assert "try again in" in html and 'class="retry-after"' in html and blocked.headers["HX-Retarget"] == "#flash"
    page = post(client, f"/work-items/{item.id}/vote", {"voted": "1"})
    assert page.status_code == 429 and "Please wait" in page.get_data(as_text=True)


def test_sign_in_page_lists_demo_users_and_signs_in(app: Flask):
    client = app.test_client()
    page = client.get("/sign-in?next=/work-items/new").get_data(as_text=True)
    for email in ("alice@example.com", "root@example.com", "bob@example.com", "auditor@example.com"):
        assert email in page
    sign_in(client, None)
    response = client.post("/sign-in", data={"email": "alice@example.com", "next": "/work-items/new",
                                             "csrf_token": TOKEN})
    assert response.status_code == 303 and response.headers["Location"] == "/work-items/new"
    header = client.get("/work-items").get_data(as_text=True)
    assert "alice@example.com" in header and '<span class="role-badge">triager</span>' in header
    with client.session_transaction() as session:
        rotated = session["csrf_token"]  # sign-in issues a new CSRF token (the old one is refused)
    out = client.post("/sign-out", data={"csrf_token": rotated})
    assert out.status_code == 303
    assert "alice@example.com" not in client.get("/work-items").get_data(as_text=True)


def test_sign_in_rejects_bad_email_and_open_redirects(app: Flask):
    client = sign_in(app.test_client(), None)
    bad = client.post("/sign-in", data={"email": "nope", "csrf_token": TOKEN})
    assert bad.status_code == 422 and "Enter an email address" in bad.get_data(as_text=True)
    evil = client.post("/sign-in", data={"email": "bob@example.com", "next": "//evil.example", "csrf_token": TOKEN})
    assert evil.headers["Location"] == "/work-items"


def test_sign_in_only_exists_in_dev_mode(tmp_path: Path):
    app = create_app({"DATA_DIR": str(tmp_path), "AUTH_MODE": "proxy"})
    client = app.test_client()
    assert client.get("/sign-in").status_code == 404
    assert client.get("/work-items", headers={"X-Forwarded-Email": "carol@example.com"}).status_code == 200


def test_fragment_errors_go_to_the_flash_region(client):
    response = client.get("/work-items/missing", headers=HTMX)
    assert response.status_code == 404 and response.headers["HX-Retarget"] == "#flash"
    assert response.get_data(as_text=True).lstrip().startswith('<div class="error-message')


def test_sign_out_page_confirms_with_a_post(client):
    page = client.get("/sign-out")
    assert page.status_code == 200 and "You are signed in as alice@example.com (triager)" in page.get_data(as_text=True)
    assert client.post("/sign-out", data={"csrf_token": TOKEN}).status_code == 303
    assert "You are not signed in" in client.get("/sign-out").get_data(as_text=True)


def test_closed_reading_sends_anonymous_people_to_sign_in(tmp_path: Path):
    app = create_app({"DATA_DIR": str(tmp_path), "ALLOW_ANONYMOUS_READ": "0"})
    client = app.test_client()
    response = client.get("/work-items?type=incident")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/work-items?type%3Dincident")
    fragment = client.get("/work-items", headers=HTMX)
    assert fragment.status_code == 401 and "Sign in" in fragment.get_data(as_text=True)


def test_personal_pages_send_anonymous_people_to_sign_in_and_back(tmp_path: Path):
    client = create_app({"DATA_DIR": str(tmp_path)}).test_client()
    for page in ("/inbox", "/settings", "/people", "/admin/webhooks"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.headers["Location"] == f"/sign-in?next={page}"


def test_admins_find_the_admin_pages_from_every_page(make_app):
    app = make_app()
    admin = sign_in(app.test_client(), "root@example.com")
    page = admin.get("/work-items").get_data(as_text=True)
    assert 'href="/admin/webhooks"' in page and 'href="/admin/quarantine"' in page
    triager = sign_in(app.test_client(), "alice@example.com")
    assert "/admin/webhooks" not in triager.get("/work-items").get_data(as_text=True)
