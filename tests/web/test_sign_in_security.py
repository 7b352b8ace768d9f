"""Dev sign-in hardening (issue #11, findings 13 and 15): `next=` is same-origin only, sign-in rotates the
CSRF token, and sign-out invalidates the session on the server (a replayed cookie is not signed in)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.core.context import services
from tests.web.helpers import post, sign_in

DEFAULT = "/work-items"
HOSTILE_NEXT = [
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "\n",
    "/\n/x", "/x\r\nSet-Cookie: a=b", "http://evil.example", "https://evil.example/x", "HTTP://evil.example",
    "/%2F/evil.example", "/%2f%2fevil.example", "/%5Cevil.example", "/%252F/evil.example", "/%09/evil.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "evil.example", "",
    "/\uff0fevil.example", "/\u2215evil.example", "/\u2044evil.example", "\uff0f\uff0fevil.example",
    "/\u3000/evil.example", "/\x00/evil", "/\u202e/evil", "/" + "a" * 5000, " //evil.example",
]


def _sign_in_with_next(client: FlaskClient, target: str) -> object:
    sign_in(client, None)
    return post(client, "/sign-in", {"email": "alice@example.com", "next": target})


def _assert_safe_location(location: str) -> None:
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert location.isascii() and all(32 < ord(c) < 127 for c in location), location


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_hostile_next_redirects_to_the_default_after_sign_in(app: Flask, target: str) -> None:
    response = _sign_in_with_next(app.test_client(), target)
    assert response.status_code == 303
    assert response.headers["Location"] == DEFAULT
    page = app.test_client().get("/sign-in", query_string={"next": target})  # the form never carries it either
    assert page.status_code == 200
    assert f'name="next" value="{DEFAULT}"' in page.get_data(as_text=True)


@pytest.mark.parametrize("target", ["/work-items/abc?tab=history", "/work-items?q=slow%20queue&state=new",
                                    "/status", "/docs/getting-started#top", "/work-items?q=caf\u00e9"])
def test_same_origin_paths_are_kept(app: Flask, target: str) -> None:
    response = _sign_in_with_next(app.test_client(), target)
    assert response.status_code == 303
    location = response.headers["Location"]
    _assert_safe_location(location)
    assert location == quote(target, safe="/?&=#%")


def test_sign_in_rotates_the_csrf_token(app: Flask) -> None:
    client = app.test_client()
    before = client.get("/sign-in")
    with client.session_transaction() as session:
        old_token = session["csrf_token"]
    assert old_token in before.get_data(as_text=True)
    client.post("/sign-in", data={"csrf_token": old_token, "email": "bob@example.com", "next": "/"})
    with client.session_transaction() as session:
        new_token = session["csrf_token"]
        assert session["user"] == "bob@example.com"
    assert new_token != old_token
    refused = client.post("/work-items/new", data={"csrf_token": old_token, "item_type": "improvement",
                                                    "title": "With the old token"})
    assert refused.status_code == 400
    accepted = client.post("/work-items/new", data={"csrf_token": new_token, "item_type": "improvement",
                                                     "title": "With the new token"})
    assert accepted.status_code in (200, 201, 303)


def _signed_in_as(client: FlaskClient) -> str | None:
    page = client.get("/sign-out").get_data(as_text=True)
    return "bob@example.com" if "You are signed in as bob@example.com" in page else None


def test_sign_out_invalidates_the_session_cookie_on_the_server(app: Flask) -> None:
    client = app.test_client()
    client.get("/sign-in")
    with client.session_transaction() as session:
        token = session["csrf_token"]
    client.post("/sign-in", data={"csrf_token": token, "email": "bob@example.com", "next": "/"})
    assert _signed_in_as(client) == "bob@example.com"
    stolen = client.get_cookie("session").value
    with client.session_transaction() as session:
        token = session["csrf_token"]
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 303
    assert _signed_in_as(client) is None

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert _signed_in_as(replay) is None
    write = replay.post("/api/v1/work-items", json={"item_type": "improvement", "title": "Replayed"})
    assert write.status_code == 401


def test_signing_in_again_after_sign_out_works(app: Flask) -> None:
    client = app.test_client()
    for _ in range(2):
        client.get("/sign-in")
        with client.session_transaction() as session:
            token = session["csrf_token"]
        client.post("/sign-in", data={"csrf_token": token, "email": "bob@example.com", "next": "/"})
        assert _signed_in_as(client) == "bob@example.com"
        with client.session_transaction() as session:
            token = session["csrf_token"]
        client.post("/sign-out", data={"csrf_token": token})
        assert _signed_in_as(client) is None


def test_sign_out_on_one_worker_ends_the_session_on_another(tmp_path: Path) -> None:
    """Two apps over one DATA_DIR stand for two gunicorn workers: same dev key file, same sign-out record."""
    settings = {"DATA_DIR": str(tmp_path / "data"), "AUTH_MODE": "dev", "RATELIMIT_ENABLED": "0"}
    worker_a, worker_b = create_app(settings), create_app(settings)
    client_a = worker_a.test_client()
    client_a.get("/sign-in")
    with client_a.session_transaction() as session:
        token = session["csrf_token"]
    client_a.post("/sign-in", data={"csrf_token": token, "email": "bob@example.com", "next": "/"})
    cookie = client_a.get_cookie("session").value
    client_b = worker_b.test_client()
    client_b.set_cookie("session", cookie)
    assert _signed_in_as(client_b) == "bob@example.com"
    with client_b.session_transaction() as session:
        token = session["csrf_token"]
    assert client_b.post("/sign-out", data={"csrf_token": token}).status_code == 303
    replay = worker_a.test_client()
    replay.set_cookie("session", cookie)
    assert _signed_in_as(replay) is None
    for app in (worker_a, worker_b):
        services(app).store.close()


def test_a_sign_out_that_cannot_be_recorded_is_a_503_and_keeps_the_session(app: Flask, client: FlaskClient,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(_: str) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(services(app).sessions, "bump", disk_full)
    response = post(client, "/sign-out", {})
    assert response.status_code == 503 and "could not be recorded" in response.get_data(as_text=True)
    assert "You are signed in as alice@example.com" in client.get("/sign-out").get_data(as_text=True)
