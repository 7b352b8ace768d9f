"""/settings: the signed-in person turns notification mails on and off, with or without htmx (CSRF checked)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from app.core.context import services
from tests.web.helpers import BOB, post, sign_in

BOX = 'name="email" value="1"'


def test_settings_need_a_sign_in_and_a_csrf_token(app: Flask, anon: FlaskClient) -> None:
    signed_out = anon.get("/settings")
    assert signed_out.status_code == 302 and signed_out.headers["Location"] == "/sign-in?next=/settings"
    assert post(anon, "/settings/email", {"email": "0"}).status_code == 401
    bob = sign_in(app.test_client(), BOB.id)
    assert bob.post("/settings/email", data={"email": "0"}).status_code == 400  # no CSRF token
    assert services(app).store.email_enabled(BOB.id) is True


def test_turning_email_off_and_on_without_javascript(app: Flask) -> None:
    bob = sign_in(app.test_client(), BOB.id)
    page = bob.get("/settings").get_data(as_text=True)
    assert f"{BOX} checked" in page and "Email me about notifications" in page
    response = post(bob, "/settings/email", {"email": "0"})  # the unchecked box: only the hidden 0 is sent
    assert response.status_code == 303 and response.headers["Location"].endswith("/settings?saved=1")
    page = bob.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{BOX} checked" not in page and "Saved: mails are off" in page
    assert services(app).store.email_enabled(BOB.id) is False
    other = sign_in(app.test_client(), "rita@example.com").get("/settings").get_data(as_text=True)
    assert f"{BOX} checked" in other  # each person's own choice


def test_htmx_saves_on_change_and_swaps_only_the_section(app: Flask) -> None:
    bob = sign_in(app.test_client(), BOB.id)
    post(bob, "/settings/email", {"email": "0"})
    response = bob.post("/settings/email", data={"email": ["0", "1"]},  # hidden 0, then the checked box
                        headers={"HX-Request": "true", "X-CSRF-Token": "test-csrf-token"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="email-settings"' in html and "<nav" not in html and f"{BOX} checked" in html
    assert "Saved: mails are on" in html and services(app).store.email_enabled(BOB.id) is True


def test_a_value_that_is_not_on_or_off_is_a_422(app: Flask) -> None:
    bob = sign_in(app.test_client(), BOB.id)
    assert post(bob, "/settings/email", {"email": "maybe"}).status_code == 422
    assert post(bob, "/settings/email", {}).status_code == 422


def test_the_navigation_links_the_settings(app: Flask) -> None:
    page = sign_in(app.test_client(), BOB.id).get("/work-items").get_data(as_text=True)
    assert 'href="/settings"' in page
