"""Web security: headers (without overriding a response's own CSP/CORS), CSRF, session cookie flags."""

from __future__ import annotations

from typing import Any

from api_helpers import REPORTER, Api, error_of
from flask import Flask, Response, session

from app.core.csrf import csrf_token
from app.core.security import content_security_policy

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'self'; frame-ancestors 'none'")


def test_default_security_headers(api: Api) -> None:
    response = api.call("GET", "/work-items")
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert error_of(api.call("GET", "/work-items/none")) and api.call("GET", "/x").headers["X-Frame-Options"]


def test_frame_ancestors_setting() -> None:
    assert content_security_policy("https://wiki.example.com").endswith("frame-ancestors https://wiki.example.com")
    assert content_security_policy("").endswith("frame-ancestors 'none'")


def test_a_response_keeps_its_own_csp_and_cors_headers(make_app: Any) -> None:
    app = make_app(FRAME_ANCESTORS="'self'")

    @app.get("/embed/test")
    def embed() -> Response:
        response = Response("<p>embedded</p>")
        response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors https://wiki.example.com"
        response.headers["Access-Control-Allow-Origin"] = "https://wiki.example.com"
        return response

    embedded = app.test_client().get("/embed/test")
    assert embedded.headers["Content-Security-Policy"].endswith("frame-ancestors https://wiki.example.com")
    assert embedded.headers["Access-Control-Allow-Origin"] == "https://wiki.example.com"
    assert "X-Frame-Options" not in embedded.headers  # it would forbid the framing the CSP allows
    assert embedded.headers["X-Content-Type-Options"] == "nosniff"
    normal = app.test_client().get("/api/v1/work-items")
    assert normal.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'")


def _html_form_app(make_app: Any) -> Flask:
    """An app with one HTML form write, the way the UI's routes are protected."""
    app = make_app(AUTH_MODE="dev")

    @app.post("/test-form")
    def form_write() -> str:
        return "saved"

    @app.get("/test-form")
    def form_page() -> str:
        return csrf_token()

    return app


def test_csrf_rejects_html_writes_without_the_session_token(make_app: Any) -> None:
    client = _html_form_app(make_app).test_client()
    with client.session_transaction() as sess:
        sess["user"] = REPORTER
    assert client.post("/test-form", data={"title": "x"}).status_code == 400
    assert client.post("/test-form", data={"csrf_token": "forged"}).status_code == 400
    token = client.get("/test-form").get_data(as_text=True)
    assert client.post("/test-form", data={"csrf_token": token}).status_code == 200
    assert client.post("/test-form", headers={"X-CSRF-Token": token}).status_code == 200


def test_api_json_is_exempt_but_api_forms_are_not(make_app: Any) -> None:
    app = make_app(AUTH_MODE="dev")
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["user"] = REPORTER
    idea = {"item_type": "improvement", "title": "From the browser"}
    assert client.post("/api/v1/work-items", json=idea).status_code == 201  # JSON needs a CORS preflight
    form = client.post("/api/v1/work-items", data=idea)  # what a cross-site form could send
    assert form.status_code == 415
    item_id = client.get("/api/v1/work-items").get_json()["items"][0]["id"]
    bodiless = client.post(f"/api/v1/work-items/{item_id}/vote")  # no body, no JSON: needs the CSRF token
    assert bodiless.status_code == 415 and error_of(bodiless)["code"] == "unsupported_media_type"
    assert client.get(f"/api/v1/work-items/{item_id}").get_json()["vote_count"] == 0


def test_session_cookie_flags(make_app: Any) -> None:
    app = _html_form_app(make_app)
    cookie = app.test_client().get("/test-form").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    prod = make_app(ENV="production", AUTH_MODE="proxy", SECRET_KEY="k" * 32)

    @prod.get("/touch")
    def touch() -> str:
        session["seen"] = True
        return "ok"

    prod_cookie = prod.test_client().get("/touch").headers["Set-Cookie"]
    assert "Secure" in prod_cookie and "HttpOnly" in prod_cookie and "SameSite=Lax" in prod_cookie
