"""How many streams a worker may hold: never so many that gunicorn's threads are all taken by streams."""

from __future__ import annotations

import pytest

from app.config import Config
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
