"""What every command module needs: the acting admin, the store, domain errors as CLI errors (the services
container itself is app.core.context.services, as for every adapter)."""

from __future__ import annotations

import json
from typing import Any

import click

from app.core.context import services
from app.models import Actor
from app.services.errors import DomainError


def admin(identity: str) -> Actor:
    """The acting admin given by --as, with the role the RBAC file gives that identity."""
    return Actor(identity.strip().lower(), services().roles.role_of(identity.strip()))


def fail(exc: DomainError) -> click.ClickException:
    """A domain error as the command's error message (exit 1), its details as JSON."""
    details = f" {json.dumps(exc.details)}" if exc.details else ""
    return click.ClickException(f"{exc.message}{details}")


def store() -> Any:
    """The configured store (embedded or Databricks)."""
    return services().store


def sql_store() -> Any:
    """The running SqlStore, or a clear error when STORE is not databricks."""
    found = store()
    if not hasattr(found, "sql"):
        raise click.ClickException("This command needs STORE=databricks (and the DATABRICKS_* settings).")
    return found
