"""Issue #12 item 13: the header's "Sign in" link on the sign-in page keeps the page's target instead of pointing
at itself, a sign-in never lands back on the picker, and the Shortcuts button is hidden without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from tests.web.helpers import TOKEN, sign_in


def _header_sign_in_href(html: str) -> str:
    found = re.search(r'<div class="user-box">.*?<a href="([^"]+)">Sign in</a>', html, re.S)
    assert found, "no Sign in link in the header"
    return found.group(1).replace("&amp;", "&")


def _next_of(href: str) -> list[str]:
    parts = urlsplit(href)
    assert parts.path == "/sign-in"
    return parse_qs(parts.query).get("next", [])


def test_sign_in_link_on_the_sign_in_page_keeps_its_target(app: Flask):
    client = sign_in(app.test_client(), None)
    href = _header_sign_in_href(client.get("/sign-in?next=/work-items/new").get_data(as_text=True))
    assert _next_of(href) == ["/work-items/new"]
    plain = _header_sign_in_href(client.get("/sign-in").get_data(as_text=True))
    assert _next_of(plain) in ([], ["/work-items"])
    elsewhere = _header_sign_in_href(client.get("/work-items?type=incident").get_data(as_text=True))
    assert _next_of(elsewhere) == ["/work-items?type=incident"]


def test_sign_in_never_returns_to_the_sign_in_page(app: Flask):
    client = sign_in(app.test_client(), None)
    for target in ("/sign-in", "/sign-in?next=/sign-in", "/sign-out"):
        response = client.post("/sign-in", data={"email": "bob@example.com", "next": target, "csrf_token": TOKEN})
        assert response.status_code == 303 and response.headers["Location"] == "/work-items", target
        sign_in(client, None)
    page = client.get("/sign-in?next=/sign-in").get_data(as_text=True)
    assert 'name="next" value="/work-items"' in page


def test_shortcuts_button_is_hidden_without_javascript(app: Flask):
    html = sign_in(app.test_client(), "bob@example.com").get("/work-items").get_data(as_text=True)
    button = re.search(r"<button[^>]*data-shortcut-help[^>]*>", html).group(0)
    assert "js-only" in button
