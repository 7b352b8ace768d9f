"""The markdown preview needs an identity, is rate limited like comments and caps its input (issue #11, 10).

Before: `POST /preview` was anonymous and unlimited; 250 000 `[` cost 5.9 s of CPU for one request.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures import create_app  # app.create_app; the store is closed when the test ends
from tests.web.helpers import HTMX, RBAC, TOKEN, post, sign_in


def test_anonymous_preview_is_refused_with_a_sign_in_fragment(anon: FlaskClient) -> None:
    response = post(anon, "/preview", {"preview_of": "description", "description": "*hi*"}, htmx=True)
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "<em>hi</em>" not in html and "Sign in" in html
    assert response.headers["HX-Retarget"] == "#flash"


def test_anonymous_preview_without_htmx_is_a_401_page(anon: FlaskClient) -> None:
    response = post(anon, "/preview", {"preview_of": "body", "body": "*hi*"})
    assert response.status_code == 401 and "<em>hi</em>" not in response.get_data(as_text=True)


def test_anonymous_no_js_preview_on_the_create_form_is_refused(anon: FlaskClient) -> None:
    response = post(anon, "/work-items/new", {"item_type": "incident", "preview_of": "description",
                                              "description": "**bold**", "title": "kept"})
    assert response.status_code == 401 and "<strong>bold</strong>" not in response.get_data(as_text=True)


def test_signed_in_preview_still_renders(client: FlaskClient) -> None:
    response = post(client, "/preview", {"preview_of": "note", "note": "**ok**"}, htmx=True)
    assert response.status_code == 200 and "<strong>ok</strong>" in response.get_data(as_text=True)


@pytest.mark.parametrize(("field", "most"), [("description", 20_000), ("body", 10_000), ("note", 10_000)])
def test_preview_caps_its_input_at_the_fields_length(client: FlaskClient, field: str, most: int) -> None:
    response = post(client, "/preview", {"preview_of": field, field: "[" * (most + 1)}, htmx=True)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "at most" in html and f"{most:,}".replace(",", " ") in html
    assert post(client, "/preview", {"preview_of": field, field: "[" * most}, htmx=True).status_code == 200


def test_no_js_preview_caps_its_input_too(client: FlaskClient) -> None:
    response = post(client, "/work-items/new", {"item_type": "incident", "preview_of": "description",
                                                "description": "x" * 20_001, "title": "kept"})
    assert response.status_code == 422 and 'value="kept"' in response.get_data(as_text=True)


def test_preview_refuses_unstorable_text(client: FlaskClient) -> None:
    response = post(client, "/preview", {"preview_of": "body", "body": "a\x00b"}, htmx=True)
    assert response.status_code == 422 and "character" in response.get_data(as_text=True)


def test_the_issues_request_is_refused_before_any_rendering(client: FlaskClient) -> None:
    response = post(client, "/preview", {"preview_of": "description", "description": "[" * 250_000}, htmx=True)
    assert response.status_code in (413, 422)


def _limited_app(tmp_path: Path) -> Flask:
    rbac = tmp_path / "rbac.toml"
    rbac.write_text(RBAC)
    return create_app({"DATA_DIR": str(tmp_path / "data"), "RBAC_FILE": str(rbac), "AUTH_MODE": "dev",
                       "RATELIMIT_ENABLED": "1", "RATELIMIT_COMMENT": "3/minute"})


def test_preview_is_rate_limited_like_comments(tmp_path: Path) -> None:
    client = sign_in(_limited_app(tmp_path).test_client(), "bob@example.com")
    statuses = [post(client, "/preview", {"preview_of": "body", "body": f"try {n}"}, htmx=True).status_code
                for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_anonymous_preview_spam_is_limited_per_address(tmp_path: Path) -> None:
    client = sign_in(_limited_app(tmp_path).test_client(), None)
    statuses = [client.post("/preview", data={"preview_of": "body", "body": "x"},
                            headers={**HTMX, "X-CSRF-Token": TOKEN}).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
