"""Flask CLI commands: seed demo data and maintain the embedded Delta tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app

from app.models import Actor
from app.services.errors import DomainError


def _admin(identity: str) -> Actor:
    """The acting admin given by --as, with the role the RBAC file gives that identity."""
    role_map = current_app.extensions["dd_roles"]
    return Actor(identity.strip().lower(), role_map.role_of(identity.strip()))


def _fail(exc: DomainError) -> click.ClickException:
    details = f" {json.dumps(exc.details)}" if exc.details else ""
    return click.ClickException(f"{exc.message}{details}")


def register(app: Flask) -> None:
    """Attach DeltaDesk's commands to `flask --app wsgi ...`."""
    _register_storage_commands(app)

    @app.cli.command("seed")
    @click.option("--scenario", default=None, help="default | empty | large (defaults to MOCK_SCENARIO)")
    @click.option("--force", is_flag=True, help="Seed even when USE_MOCK_DATA is off")
    def seed(scenario: str | None, force: bool) -> None:
        """Seed demo data into an empty store (USE_MOCK_DATA=1)."""
        from app.seed.demo_data import seed_if_empty

        config = current_app.extensions["dd_config"]
        if not (force or config.flag("USE_MOCK_DATA")):
            click.echo("USE_MOCK_DATA is off: nothing seeded.")
            return
        result = seed_if_empty(current_app.extensions["dd_store"], scenario or config["MOCK_SCENARIO"],
                               config.platforms)
        click.echo(result)

    @app.cli.command("delta-maintain")
    @click.option("--retention-hours", default=168, show_default=True, type=int,
                  help="Vacuum files no longer referenced for this long")
    def delta_maintain(retention_hours: int) -> None:
        """Compact small files, checkpoint and vacuum the embedded Delta tables."""
        store = current_app.extensions["dd_store"]
        if not hasattr(store, "maintain"):
            raise click.ClickException("delta-maintain applies to the embedded store only.")
        click.echo(json.dumps(store.maintain(retention_hours), indent=2))

    @app.cli.command("quarantine")
    @click.option("--as", "as_", required=True, metavar="ADMIN", help="Admin identity asking")
    def quarantine(as_: str) -> None:
        """List table rows the store could not apply (one JSON object a line) and why."""
        try:
            rows = current_app.extensions["deltadesk"].admin.quarantined(_admin(as_))
        except DomainError as exc:
            raise _fail(exc) from None
        for row in rows:
            click.echo(json.dumps(row.to_dict()))
        if not rows:
            click.echo("Nothing is quarantined.", err=True)

    @app.cli.command("token-create")
    @click.option("--user", required=True, help="Identity the token acts as (its role comes from RBAC_FILE)")
    @click.option("--name", required=True, help="What the token is for, e.g. alertmanager")
    @click.option("--as", "as_", required=True, metavar="ADMIN", help="Admin identity creating the token")
    def token_create(user: str, name: str, as_: str) -> None:
        """Create an API token; the secret is printed once and never stored."""
        try:
            token, plain = current_app.extensions["dd_tokens"].create(_admin(as_), user, name)
        except DomainError as exc:
            raise _fail(exc) from None
        click.echo(f"id:    {token.id}\nuser:  {token.user_id}\nname:  {token.name}\ntoken: {plain}")
        click.echo("Store the token now: it cannot be shown again.", err=True)

    @app.cli.command("token-list")
    @click.option("--as", "as_", required=True, metavar="ADMIN", help="Admin identity listing tokens")
    def token_list(as_: str) -> None:
        """List API tokens (id, user, name, created, revoked); secrets are never shown."""
        try:
            tokens = current_app.extensions["dd_tokens"].list(_admin(as_))
        except DomainError as exc:
            raise _fail(exc) from None
        for t in tokens:
            status = f"revoked {t.revoked_at:%Y-%m-%d %H:%M} by {t.revoked_by}" if t.revoked_at else "active"
            click.echo(f"{t.id}  {t.user_id}  {t.name!r}  created {t.created_at:%Y-%m-%d %H:%M} by {t.created_by}"
                       f"  {status}")
        if not tokens:
            click.echo("No API tokens.")

    @app.cli.command("token-revoke")
    @click.argument("token_id")
    @click.option("--as", "as_", required=True, metavar="ADMIN", help="Admin identity revoking the token")
    def token_revoke(token_id: str, as_: str) -> None:
        """Revoke an API token by id; requests using it get 401 from then on."""
        try:
            current_app.extensions["dd_tokens"].revoke(_admin(as_), token_id)
        except DomainError as exc:
            raise _fail(exc) from None
        click.echo(f"Revoked {token_id}.")



def _sql_store() -> Any:
    """The running SqlStore, or a clear error when STORE is not databricks."""
    store = current_app.extensions["dd_store"]
    if not hasattr(store, "sql"):
        raise click.ClickException("This command needs STORE=databricks (and the DATABRICKS_* settings).")
    return store


def _register_storage_commands(app: Flask) -> None:
    """Databricks catalog objects, crash reconciliation, and moving data between stores."""

    @app.cli.command("db-init")
    def db_init() -> None:
        """Create the schema and tables from schemas/*.sql in DATABRICKS_CATALOG.DATABRICKS_SCHEMA (idempotent)."""
        from app.store.sql_admin import db_init as run_init

        for line in run_init(_sql_store()):
            click.echo(line)

    @app.cli.command("db-check")
    def db_check() -> None:
        """Verify the live tables have every needed column and table property; exit 1 when not."""
        from app.store.sql_admin import db_check as run_check

        problems = run_check(_sql_store())
        for problem in problems:
            click.echo(f"PROBLEM: {problem}")
        if problems:
            raise SystemExit(1)
        click.echo("All tables, columns and properties are in place.")

    @app.cli.command("db-reconcile")
    def db_reconcile() -> None:
        """Store events, comments and votes that an interrupted write left unfinished (idempotent)."""
        from app.store.sql_reconcile import reconcile

        click.echo(json.dumps(reconcile(_sql_store())))

    @app.cli.command("export")
    @click.option("--to", "folder", required=True, type=click.Path(file_okay=False, path_type=Path),
                  help="Folder for <table>.jsonl files and manifest.json")
    def export(folder: Path) -> None:
        """Copy every table of the configured store (STORE) into a folder, history included."""
        from app.store.export import export_store

        counts = export_store(current_app.extensions["dd_store"], folder)
        click.echo(f"Exported to {folder}: {json.dumps(counts)}")

    @app.cli.command("import")
    @click.option("--from", "folder", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
                  help="Folder written by `flask export`")
    def import_(folder: Path) -> None:
        """Load an export into the configured, empty store (ids, keys, versions and history kept)."""
        from app.store.export import import_store

        try:
            counts = import_store(current_app.extensions["dd_store"], folder)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Imported from {folder}: {json.dumps(counts)}")
