"""One services container per app, built by create_app and reached one way (app.core.context.services)."""

from __future__ import annotations

from flask import Flask

from app.config import Config
from app.core.context import EXTENSION, services


def test_every_service_comes_from_the_one_container(app: Flask) -> None:
    container = services(app)
    assert isinstance(container.config, Config) and "DD" not in app.config
    assert container.portal.work_items is container.work_items  # built once, over the same store
    assert container.work_items.store is container.store is container.admin.store
    with app.app_context():
        assert services() is container


def test_no_other_deltadesk_keys_in_app_extensions(app: Flask) -> None:
    ours = {key for key in app.extensions if key == EXTENSION or key.startswith("dd_")}
    assert ours == {EXTENSION}, "the adapters, the CLI included, reach everything through services()"
