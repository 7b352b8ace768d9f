"""Flask CLI commands: seed demo data and maintain the embedded Delta tables."""

from __future__ import annotations

import json

import click
from flask import Flask, current_app


def register(app: Flask) -> None:
    """Attach DeltaDesk's commands to `flask --app wsgi ...`."""

    @app.cli.command("seed")
    @click.option("--scenario", default=None, help="default | empty | large (defaults to MOCK_SCENARIO)")
    @click.option("--force", is_flag=True, help="Seed even when USE_MOCK_DATA is off")
    def seed(scenario: str | None, force: bool) -> None:
        """Seed demo data into an empty store (USE_MOCK_DATA=1)."""
        from app.services.demo_data import seed_if_empty

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
