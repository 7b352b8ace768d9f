"""API token commands: create (the secret is shown once), list, revoke."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.cli.common import admin, fail
from app.core.context import services
from app.services.errors import DomainError


@click.command("token-create")
@click.option("--user", required=True, help="Identity the token acts as (its role comes from RBAC_FILE)")
@click.option("--name", required=True, help="What the token is for, e.g. alertmanager")
@click.option("--as", "as_", required=True, metavar="ADMIN", help="Admin identity creating the token")
@with_appcontext
def token_create(user: str, name: str, as_: str) -> None:
    """Create an API token; the secret is printed once and never stored."""
    try:
        token, plain = services().tokens.create(admin(as_), user, name)
    except DomainError as exc:
        raise fail(exc) from None
    click.echo(f"id:    {token.id}\nuser:  {token.user_id}\nname:  {token.name}\ntoken: {plain}")
    click.echo("Store the token now: it cannot be shown again.", err=True)


@click.command("token-list")
@click.option("--as", "as_", required=True, metavar="ADMIN", help="Admin identity listing tokens")
@with_appcontext
def token_list(as_: str) -> None:
    """List API tokens (id, user, name, created, revoked); secrets are never shown."""
    try:
        tokens = services().tokens.list(admin(as_))
    except DomainError as exc:
        raise fail(exc) from None
    for t in tokens:
        status = f"revoked {t.revoked_at:%Y-%m-%d %H:%M} by {t.revoked_by}" if t.revoked_at else "active"
        click.echo(f"{t.id}  {t.user_id}  {t.name!r}  created {t.created_at:%Y-%m-%d %H:%M} by {t.created_by}"
                   f"  {status}")
    if not tokens:
        click.echo("No API tokens.")


@click.command("token-revoke")
@click.argument("token_id")
@click.option("--as", "as_", required=True, metavar="ADMIN", help="Admin identity revoking the token")
@with_appcontext
def token_revoke(token_id: str, as_: str) -> None:
    """Revoke an API token by id; requests using it get 401 from then on."""
    try:
        services().tokens.revoke(admin(as_), token_id)
    except DomainError as exc:
        raise fail(exc) from None
    click.echo(f"Revoked {token_id}.")


COMMANDS = (token_create, token_list, token_revoke)
