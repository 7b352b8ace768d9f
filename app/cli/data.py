"""Commands over the data itself: seed demo data, maintain the embedded tables, list quarantined rows."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from app.cli.common import admin, fail, store
from app.core.context import services
from app.services.errors import DomainError


@click.command("seed")
@click.option("--scenario", default=None, help="default | empty | large (defaults to MOCK_SCENARIO)")
@click.option("--force", is_flag=True, help="Seed even when USE_MOCK_DATA is off")
@with_appcontext
def seed(scenario: str | None, force: bool) -> None:
    """Seed demo data into an empty store (USE_MOCK_DATA=1)."""
    from app.seed.demo_data import seed_if_empty

    config = services().config
    if not (force or config.flag("USE_MOCK_DATA")):
        click.echo("USE_MOCK_DATA is off: nothing seeded.")
        return
    chosen = scenario or config["MOCK_SCENARIO"]
    notifier = services().notifier
    notifier.drain()  # the inbox's cursor starts before the demo data, so its events reach people's inboxes
    click.echo(seed_if_empty(store(), chosen, config.platforms))
    if chosen == "default":
        click.echo(f"{notifier.drain()} notifications for the demo users' inboxes.")
    else:  # the large scenario's bulk-written history is benchmark data: no inboxes
        notifier.start_from_now()


@click.command("delta-maintain")
@click.option("--retention-hours", default=168, show_default=True, type=int,
              help="Vacuum files no longer referenced for this long (never a file a kept version needs)")
@with_appcontext
def delta_maintain(retention_hours: int) -> None:
    """Compact small files, checkpoint, trim the logs and vacuum the embedded Delta tables."""
    found = store()
    if not hasattr(found, "maintain"):
        raise click.ClickException("delta-maintain applies to the embedded store only.")
    click.echo(json.dumps(found.maintain(retention_hours), indent=2))


@click.command("quarantine")
@click.option("--as", "as_", required=True, metavar="ADMIN", help="Admin identity asking")
@with_appcontext
def quarantine(as_: str) -> None:
    """List table rows the store could not apply (one JSON object a line) and why."""
    try:
        rows = services().admin.quarantined(admin(as_))
    except DomainError as exc:
        raise fail(exc) from None
    for row in rows:
        click.echo(json.dumps(row.to_dict()))
    if not rows:
        click.echo("Nothing is quarantined.", err=True)


COMMANDS = (seed, delta_maintain, quarantine)
