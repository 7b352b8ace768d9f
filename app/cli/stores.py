"""Databricks catalog objects, crash reconciliation, and moving data between the stores."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.cli.common import sql_store, store


@click.command("db-init")
@with_appcontext
def db_init() -> None:
    """Create the schema and tables from schemas/*.sql in DATABRICKS_CATALOG.DATABRICKS_SCHEMA (idempotent)."""
    from app.store.sql_admin import db_init as run_init

    for line in run_init(sql_store()):
        click.echo(line)


@click.command("db-check")
@with_appcontext
def db_check() -> None:
    """Verify the live tables have every needed column and table property; exit 1 when not."""
    from app.store.sql_admin import db_check as run_check

    problems = run_check(sql_store())
    for problem in problems:
        click.echo(f"PROBLEM: {problem}")
    if problems:
        raise SystemExit(1)
    click.echo("All tables, columns and properties are in place.")


@click.command("db-reconcile")
@with_appcontext
def db_reconcile() -> None:
    """Store events, comments and votes that an interrupted write left unfinished (idempotent)."""
    from app.store.sql_reconcile import reconcile

    click.echo(json.dumps(reconcile(sql_store())))


@click.command("export")
@click.option("--to", "folder", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for <table>.jsonl files and manifest.json")
@with_appcontext
def export(folder: Path) -> None:
    """Copy every table of the configured store (STORE) into a folder, history included."""
    from app.store.export import export_store

    counts = export_store(store(), folder)
    click.echo(f"Exported to {folder}: {json.dumps(counts)}")


@click.command("import")
@click.option("--from", "folder", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder written by `flask export`")
@with_appcontext
def import_(folder: Path) -> None:
    """Load an export into the configured, empty store (ids, keys, versions and history kept)."""
    from app.store.export import import_store

    try:
        counts = import_store(store(), folder)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Imported from {folder}: {json.dumps(counts)}")


COMMANDS = (db_init, db_check, db_reconcile, export, import_)
