"""Shared test helpers for the HTML adapter: roles, CSRF-carrying posts, htmx headers (RBAC, sign_in and the
CSRF token come from tests/fixtures.py)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from app.models import Actor, Role
from tests.fixtures import CSRF_TOKEN, RBAC, csrf_token, sign_in

__all__ = ["ALICE", "BOB", "HTMX", "RBAC", "TOKEN", "csrf_token", "post", "sign_in", "strong_email"]

TOKEN = CSRF_TOKEN  # the CSRF token sign_in puts into the session
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
ALICE = Actor("alice@example.com", Role.TRIAGER)
BOB = Actor("bob@example.com", Role.REPORTER)



def post(client: FlaskClient, url: str, data: dict[str, Any], htmx: bool = False,
         headers: dict[str, str] | None = None, **kw: Any) -> Any:
    """A form post carrying the CSRF token the way the page sends it (field, or header for htmx)."""
    headers = {**(dict(HTMX, **{"X-CSRF-Token": TOKEN}) if htmx else {}), **(headers or {})}
    payload = dict(data) if htmx else {"csrf_token": TOKEN, **data}
    return client.post(url, data=payload, headers=headers, **kw)


def strong_email(address: str) -> str:
    """A person's address in bold as the timeline shows it (the `email` macro: a break only before the @)."""
    local, domain = address.split("@", 1)
    shown = f'<span class="email" title="{address}"><span>{local}</span><wbr><span>@{domain}</span></span>'
    return f"<strong>{shown}</strong>"
