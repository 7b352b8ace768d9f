"""How many streams a worker may hold: never so many that gunicorn's threads are all taken by streams."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from app.config import Config, ConfigError
from app.core.context import services
from app.services.live_config import gunicorn_threads, worker_streams


@pytest.mark.parametrize(("argv", "env", "threads"), [
    (["/venv/bin/gunicorn", "--workers", "4", "--threads", "4", "wsgi:app"], {}, 4),
    (["/venv/lib/python3.11/site-packages/gunicorn/__main__.py", "-w", "2", "--threads=64", "wsgi:app"], {}, 64),
    (["/venv/bin/gunicorn", "wsgi:app"], {"GUNICORN_CMD_ARGS": "--threads 12"}, 12),
    (["/venv/bin/gunicorn", "wsgi:app"], {}, 1),
    (["/venv/bin/flask", "run"], {}, None),
])
def test_the_gunicorn_thread_count_is_read_from_its_command_line(argv: list[str], env: dict[str, str],
                                                               threads: int | None) -> None:
    assert gunicorn_threads(argv, env) == threads


def test_streams_leave_threads_for_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIVE_WORKER_STREAMS", raising=False)
    for threads, streams in ((4, 2), (1, 0), (32, 28), (128, 124)):
        monkeypatch.setattr("sys.argv", ["gunicorn", "--threads", str(threads), "wsgi:app"])
        assert worker_streams(Config.from_env()) == streams
    assert worker_streams(Config.from_env({"LIVE_WORKER_STREAMS": "7"})) == 7


@pytest.mark.parametrize(("name", "value", "message"), [
    ("LIVE_POLL_SECONDS", "0", "positive number of seconds"),
    ("LIVE_HEARTBEAT_SECONDS", "soon", "positive number of seconds"),
    ("LIVE_STREAM_SECONDS", "inf", "positive number of seconds"),
    ("LIVE_MAX_STREAMS", "0", "at least 1"),
    ("LIVE_MAX_STREAMS", "ten", "whole number"),
    ("LIVE_WORKER_STREAMS", "-3", "whole number"),
])
def test_a_bad_live_setting_refuses_to_start_and_names_itself(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=f"{name}.*{message}"):
        Config.from_env({name: value})


def test_live_settings_reach_the_hub_and_the_streams(make_app: Callable[..., Flask]) -> None:
    app = make_app(LIVE_POLL_SECONDS="0.5", LIVE_HEARTBEAT_SECONDS="2", LIVE_STREAM_SECONDS="30",
                   LIVE_MAX_STREAMS="3", LIVE_WORKER_STREAMS="40")
    live = services(app).live
    assert (live.hub.poll_seconds, live.heartbeat, live.lifetime, live.max_streams, live.hub.process_cap) == \
        (0.5, 2.0, 30.0, 3, 40)
