"""Shared test helpers for the HTML adapter: roles, CSRF-carrying posts, htmx headers."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from app.models import Actor, Role

RBAC = """default_role = "reporter"
[roles]
admin = ["root@example.com"]
triager = ["alice@example.com"]
viewer = ["auditor@example.com"]
"""
TOKEN = "test-csrf-token"
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
ALICE = Actor("alice@example.com", Role.TRIAGER)
BOB = Actor("bob@example.com", Role.REPORTER)


def sign_in(client: FlaskClient, email: str | None) -> FlaskClient:
    """Put the identity and a known CSRF token into the client's session."""
    with client.session_transaction() as session:
        session["csrf_token"] = TOKEN
        if email:
            session["user"] = email
        else:
            session.pop("user", None)
    return client



def post(client: FlaskClient, url: str, data: dict[str, Any], htmx: bool = False,
         headers: dict[str, str] | None = None, **kw: Any) -> Any:
    """A form post carrying the CSRF token the way the page sends it (field, or header for htmx)."""
    headers = {**(dict(HTMX, **{"X-CSRF-Token": TOKEN}) if htmx else {}), **(headers or {})}
    payload = dict(data) if htmx else {"csrf_token": TOKEN, **data}
    return client.post(url, data=payload, headers=headers, **kw)
