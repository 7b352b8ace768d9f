"""Access to the app's services and the current caller from inside a request."""

from __future__ import annotations

import dataclasses

from flask import current_app, g

from app.models import Actor
from app.services.admin import AdminService
from app.services.work_items import WorkItemService


@dataclasses.dataclass
class Services:
    """Everything the adapters may call; built once per app by create_app."""

    work_items: WorkItemService
    admin: AdminService


def services() -> Services:
    return current_app.extensions["deltadesk"]


def current_actor() -> Actor | None:
    """The caller of this request (None when anonymous), resolved by core.identity."""
    return g.get("actor")
