"""Flask CLI commands (`flask --app wsgi ...`): each module holds one group of commands as plain click commands."""

from __future__ import annotations

from flask import Flask

from app.cli import data, stores, tokens


def register(app: Flask) -> None:
    """Attach DeltaDesk's commands to the app's `flask` command line."""
    for command in (*data.COMMANDS, *tokens.COMMANDS, *stores.COMMANDS):
        app.cli.add_command(command)
