"""Identity: bearer tokens in every mode, proxy headers only in proxy mode, start-up refusals, token CLI."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from api_helpers import ADMIN, REPORTER, TRIAGER, VIEWER, Api, error_of
from flask import Flask

from app import create_app
from app.core.context import services
from app.models import Actor, Role
from app.services.errors import Forbidden, NotFound, ValidationError
from app.services.tokens import TokenService, hash_token


def _tokens(app: Flask) -> TokenService:
    return services(app).tokens


def _admin() -> Actor:
    return Actor(ADMIN, Role.ADMIN)


def test_tokens_are_stored_only_as_hashes(app: Flask) -> None:
    token, plain = _tokens(app).create(_admin(), TRIAGER, "alertmanager")
    assert plain.startswith("dd_") and len(plain) > 40
    assert token.token_hash == hash_token(plain) and plain not in repr(token)
    table = services(app).store.tables["api_tokens"].read_all().to_pylist()
    assert len(table) == 1 and table[0]["token_hash"] == hash_token(plain)
    assert plain not in str(table)
    assert table[0]["user_id"] == TRIAGER and table[0]["created_by"] == ADMIN


def test_only_admins_manage_tokens(app: Flask) -> None:
    service = _tokens(app)
    with pytest.raises(Forbidden):
        service.create(Actor(TRIAGER, Role.TRIAGER), TRIAGER, "mine")
    with pytest.raises(Forbidden):
        service.list(Actor(TRIAGER, Role.TRIAGER))
    with pytest.raises(ValidationError):
        service.create(_admin(), "", "")
    with pytest.raises(NotFound):
        service.revoke(_admin(), "no-such-id")


def test_valid_revoked_and_wrong_tokens(app: Flask) -> None:
    api = Api(app.test_client())
    token, plain = _tokens(app).create(_admin(), TRIAGER, "script")
    created = api.call("POST", "/work-items", token=plain,
                       json={"item_type": "improvement", "title": "Via token"})
    assert created.status_code == 201 and created.get_json()["created_by"] == TRIAGER
    item_id = created.get_json()["id"]
    moved = api.call("POST", f"/work-items/{item_id}/transition", token=plain,
                     json={"to_state": "under_review", "expected_version": 1})
    assert moved.status_code == 200  # the token acts with its user's role (triager)
    wrong = api.call("GET", "/work-items", token="dd_not-a-real-token")
    assert wrong.status_code == 401 and error_of(wrong)["code"] == "unauthenticated"
    assert wrong.headers["WWW-Authenticate"].lower().startswith("bearer")
    _tokens(app).revoke(_admin(), token.id)
    revoked = api.call("GET", "/work-items", token=plain)
    assert revoked.status_code == 401
    assert api.call("GET", "/work-items").status_code == 200  # anonymous read still works
    with pytest.raises(NotFound):
        _tokens(app).revoke(_admin(), token.id)
    listed = _tokens(app).list(_admin())
    assert listed[0].revoked_by == ADMIN and not listed[0].active


def test_revocation_is_seen_by_another_process_store(make_app: Any) -> None:
    first, second = make_app(), make_app()
    token, plain = _tokens(first).create(_admin(), REPORTER, "shared")
    assert Api(second.test_client()).call("GET", "/work-items", token=plain).status_code == 200
    _tokens(first).revoke(_admin(), token.id)
    assert Api(second.test_client()).call("GET", "/work-items", token=plain).status_code == 401


@pytest.mark.parametrize("mode", ["proxy", "dev", "token"])
def test_tokens_work_in_every_mode(make_app: Any, mode: str) -> None:
    app = make_app(AUTH_MODE=mode)
    _, plain = _tokens(app).create(_admin(), REPORTER, "any-mode")
    response = Api(app.test_client()).call("POST", "/work-items", token=plain,
                                           json={"item_type": "improvement", "title": "Token write"})
    assert response.status_code == 201


@pytest.mark.parametrize("mode", ["dev", "token"])
def test_proxy_headers_are_ignored_outside_proxy_mode(make_app: Any, mode: str) -> None:
    api = Api(make_app(AUTH_MODE=mode).test_client())
    response = api.call("POST", "/work-items", ADMIN, json={"item_type": "improvement", "title": "Spoofed"},
                        headers={"X-Forwarded-Preferred-Username": ADMIN})
    assert response.status_code == 401


def test_proxy_mode_trusts_email_then_preferred_username(api: Api) -> None:
    by_username = api.call("POST", "/work-items", json={"item_type": "improvement", "title": "By username"},
                           headers={"X-Forwarded-Preferred-Username": "Triager@Example.com"})
    assert by_username.status_code == 201 and by_username.get_json()["created_by"] == TRIAGER
    by_email = api.call("POST", "/work-items", json={"item_type": "improvement", "title": "Email wins"},
                        headers={"X-Forwarded-Email": VIEWER, "X-Forwarded-Preferred-Username": TRIAGER})
    assert by_email.status_code == 403  # the viewer from X-Forwarded-Email, not the triager


def test_dev_mode_uses_the_session(make_app: Any) -> None:
    client = make_app(AUTH_MODE="dev").test_client()
    with client.session_transaction() as session:
        session["user"] = TRIAGER
    response = Api(client).call("POST", "/work-items", json={"item_type": "improvement", "title": "From session"})
    assert response.status_code == 201 and response.get_json()["created_by"] == TRIAGER


def test_dev_mode_is_refused_in_production(tmp_path: Any) -> None:
    with pytest.raises(RuntimeError, match="AUTH_MODE=dev .* refused when ENV=production"):
        create_app({"DATA_DIR": str(tmp_path), "ENV": "production", "SECRET_KEY": "s" * 32, "AUTH_MODE": "dev"})
    with pytest.raises(RuntimeError, match="AUTH_MODE='magic' is not known"):
        create_app({"DATA_DIR": str(tmp_path), "AUTH_MODE": "magic"})


def test_secret_key_is_required_in_production(tmp_path: Any) -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app({"DATA_DIR": str(tmp_path), "ENV": "production", "AUTH_MODE": "proxy"})
    app = create_app({"DATA_DIR": str(tmp_path), "ENV": "production", "AUTH_MODE": "proxy", "SECRET_KEY": "k" * 32})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    services(app).store.close()


def test_token_cli_create_list_revoke(app: Flask) -> None:
    runner = app.test_cli_runner()
    created = runner.invoke(args=["token-create", "--user", REPORTER, "--name", "ci", "--as", ADMIN])
    assert created.exit_code == 0, created.output
    plain = re.search(r"token: (\S+)", created.output).group(1)
    token_id = re.search(r"id:\s+(\S+)", created.output).group(1)
    api = Api(app.test_client())
    assert api.call("POST", f"/work-items/{'x'}/vote", token=plain, json={}).status_code == 404
    listed = runner.invoke(args=["token-list", "--as", ADMIN])
    assert token_id in listed.output and "active" in listed.output and plain not in listed.output
    refused = runner.invoke(args=["token-create", "--user", REPORTER, "--name", "x", "--as", TRIAGER])
    assert refused.exit_code != 0 and "needs admin" in refused.output
    revoked = runner.invoke(args=["token-revoke", token_id, "--as", ADMIN])
    assert revoked.exit_code == 0, revoked.output
    assert "revoked" in runner.invoke(args=["token-list", "--as", ADMIN]).output
    assert api.call("GET", "/work-items", token=plain).status_code == 401
    assert runner.invoke(args=["token-revoke", token_id, "--as", ADMIN]).exit_code != 0


def test_token_timestamps_are_utc(app: Flask) -> None:
    token, _ = _tokens(app).create(_admin(), REPORTER, "ts")
    stored = _tokens(app).list(_admin())[0]
    assert stored.created_at.tzinfo is not None
    assert abs(stored.created_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert stored.id == token.id
