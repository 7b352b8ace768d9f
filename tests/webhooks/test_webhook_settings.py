"""The dispatcher thread starts with the app unless WEBHOOK_DISPATCH=0, ends when the app's store closes, and a
bad WEBHOOK_* value refuses to start naming the setting."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from flask import Flask

from app.config import ConfigError
from app.services.webhook_settings import WebhookSettings
from tests.fixtures import close_app


def _dispatchers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "webhook-dispatcher" and t.is_alive()]


def test_the_dispatcher_runs_with_the_app_and_stops_with_it(make_app: Callable[..., Flask]) -> None:
    before = len(_dispatchers())
    app = make_app()
    assert len(_dispatchers()) == before + 1
    close_app(app)
    assert len(_dispatchers()) == before


def test_it_can_be_switched_off(make_app: Callable[..., Flask]) -> None:
    before = len(_dispatchers())
    make_app(WEBHOOK_DISPATCH="0")
    assert len(_dispatchers()) == before


@pytest.mark.parametrize(("name", "value"), [("WEBHOOK_POLL_SECONDS", "soon"), ("WEBHOOK_LEASE_SECONDS", "0"),
                                             ("WEBHOOK_KEEP_DAYS", "-1"), ("WEBHOOK_KEEP_DAYS", "nan")])
def test_a_bad_setting_is_refused_by_name(make_app: Callable[..., Flask], name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        make_app(**{name: value})


def test_finished_deliveries_are_kept_thirty_days_unless_set() -> None:
    assert WebhookSettings.read({}).keep_days == 30
    assert WebhookSettings.read({"WEBHOOK_KEEP_DAYS": "7.5"}).keep_days == 7.5
