"""Embeds: CORS allow-list, frame-ancestors, ETag/304, no cookies, absolute links, anonymous-read rule."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.core.context import services
from app.services.work_items import WorkItemService
from app.web.assets import hashes
from tests.portal.support import ORIGIN, REPORTER, improvement, incident, sign_in

EMBEDS = ["/embed/status", "/embed/roadmap", "/embed/work-items?type=improvement"]
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.mark.parametrize("path", EMBEDS)
def test_cors_echoes_only_listed_origins(client: FlaskClient, path: str) -> None:
    allowed = client.get(path, headers={"Origin": ORIGIN, **HTMX})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "ETag" in allowed.headers["Access-Control-Expose-Headers"]
    assert "Origin" in allowed.headers["Vary"]
    other = client.get(path, headers={"Origin": "https://evil.example", **HTMX})
    assert "Access-Control-Allow-Origin" not in other.headers and "Origin" in other.headers["Vary"]


def test_preflight_allows_htmx_headers_for_listed_origin(client: FlaskClient) -> None:
    response = client.options("/embed/status", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "hx-request, hx-request-type, hx-source, hx-current-url, hx-target"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"hx-request", "hx-request-type", "hx-source", "hx-current-url", "hx-target"} <= allowed
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    denied = client.options("/embed/status", headers={"Origin": "https://evil.example",
                                                      "Access-Control-Request-Method": "GET"})
    assert denied.status_code == 403 and "Access-Control-Allow-Origin" not in denied.headers


@pytest.mark.parametrize("path", EMBEDS)
def test_frame_ancestors_lists_allowed_origins_only_on_embeds(client: FlaskClient, path: str) -> None:
    csp = client.get(path).headers["Content-Security-Policy"]
    assert f"frame-ancestors {ORIGIN}" in csp
    for page in ("/status", "/roadmap", "/docs", "/glossary"):
        assert ORIGIN not in client.get(page).headers.get("Content-Security-Policy", "")


def test_without_allowed_origins_nobody_may_frame(make_app) -> None:  # noqa: ANN001
    client = make_app(EMBED_ALLOWED_ORIGINS="").test_client()
    response = client.get("/embed/status", headers={"Origin": ORIGIN})
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "Access-Control-Allow-Origin" not in response.headers


def test_etag_304_until_data_changes(make_app) -> None:  # noqa: ANN001
    # Shared caches may keep an embed only when its links come from PUBLIC_URL, not the Host header
    # (issue #11); without PUBLIC_URL the same response is private (tests/web/test_hostile_params.py).
    app = make_app(PUBLIC_URL="http://localhost")
    client, live_items = app.test_client(), services(app).work_items
    item = improvement(live_items, "Poll me")
    first = client.get("/embed/roadmap", headers=HTMX)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and "no-cache" in first.headers["Cache-Control"]
    assert "public" in first.headers["Cache-Control"]
    again = client.get("/embed/roadmap", headers={**HTMX, "If-None-Match": etag, "Origin": ORIGIN})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert again.headers["Access-Control-Allow-Origin"] == ORIGIN
    live_items.vote(REPORTER, item.id)
    changed = client.get("/embed/roadmap", headers={**HTMX, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "▲ 1" in changed.get_data(as_text=True)


def test_etag_differs_between_fragment_and_document_and_queries(client: FlaskClient) -> None:
    fragment = client.get("/embed/status", headers=HTMX)
    document = client.get("/embed/status")
    assert fragment.headers["ETag"] != document.headers["ETag"]
    assert client.get("/embed/work-items?type=incident").headers["ETag"] != \
        client.get("/embed/work-items?type=improvement").headers["ETag"]


def test_fragment_is_self_contained_and_document_for_iframes(client: FlaskClient, live_items: WorkItemService) -> None:
    incident(live_items, "sev1", platform="kafka", title="Lagging consumers")
    fragment = client.get("/embed/status", headers=HTMX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div class="dd-embed" id="dd-embed-status">')
    css = hashes(client.application).digest("css/embed.css")
    assert f'<link rel="stylesheet" href="http://localhost/static/css/embed.css?v={css}">' in fragment
    assert 'data-platform="kafka" data-condition="major_outage"' in fragment
    assert 'href="http://localhost/work-items/' in fragment and "<html" not in fragment
    classes = {c for attr in fragment.split('class="')[1:] for c in attr.split('"')[0].split()}
    assert classes and all(c.startswith("dd-embed") for c in classes)
    document = client.get("/embed/status").get_data(as_text=True)
    assert document.startswith("<!doctype html>") and "/static/css/app.css" not in document


def test_no_session_cookie_is_set_or_needed(client: FlaskClient) -> None:
    for path in EMBEDS:
        response = client.get(path, headers=HTMX)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers, path


def test_public_url_is_used_for_links(make_app) -> None:  # noqa: ANN001
    app = make_app(PUBLIC_URL="https://deltadesk.example.com/")
    item = improvement(services(app).work_items, "Linked")
    body = app.test_client().get(f"/embed/work-items/{item.id}", headers=HTMX).get_data(as_text=True)
    assert f'href="https://deltadesk.example.com/work-items/{item.id}"' in body
    assert "https://deltadesk.example.com/static/css/embed.css" in body


def test_work_item_card_and_list_filters(client: FlaskClient, live_items: WorkItemService) -> None:
    imp = improvement(live_items, "Self-service schemas")
    live_items.vote(REPORTER, imp.id)
    inc = incident(live_items, "sev3", title="Grants missing")
    card = client.get(f"/embed/work-items/{imp.id}", headers=HTMX).get_data(as_text=True)
    assert "Self-service schemas" in card and 'data-state="proposed"' in card and "▲ 1 vote" in card
    listing = client.get("/embed/work-items?type=incident", headers=HTMX).get_data(as_text=True)
    assert f'data-key="{inc.key}"' in listing and imp.key not in listing


def test_bad_input_is_a_clear_4xx_with_cors(client: FlaskClient) -> None:
    missing = client.get("/embed/work-items/nope", headers={"Origin": ORIGIN, **HTMX})
    assert missing.status_code == 404 and missing.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "No work item" in missing.get_data(as_text=True)
    invalid = client.get("/embed/work-items?type=bogus&page_size=1000", headers=HTMX)
    assert invalid.status_code == 422 and "no-store" in invalid.headers["Cache-Control"]


def test_anonymous_read_off_requires_identity(make_app) -> None:  # noqa: ANN001
    app = make_app(ALLOW_ANONYMOUS_READ="0")
    client = app.test_client()
    for path in EMBEDS:
        assert client.get(path).status_code == 401, path
    sign_in(client)
    response = client.get("/embed/status")
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("private")
