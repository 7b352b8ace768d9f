"""The one live hub per app, built from the LIVE_* settings (app/config.py), and how many streams a worker
process may hold."""

from __future__ import annotations

import os
import shlex
import signal
import sys
import threading
from typing import Any

from app.config import Config
from app.services.live import LiveService
from app.services.live_boards import LiveBoards
from app.services.live_hub import LiveHub
from app.services.portal import PortalService
from app.store.base import Store

PAGE_THREADS = 4  # gunicorn threads of a worker that streams never take: pages and writes keep these
DEV_SERVER_STREAMS = 100  # `flask run` / werkzeug start a thread per request


def live_setting(config: Config, name: str) -> float:
    """A live setting as a number (app/config.py's validate() has checked it)."""
    return float(config[name])


def gunicorn_threads(argv: list[str], env: dict[str, str]) -> int | None:
    """The --threads of the gunicorn command line this worker was forked from (None: not gunicorn)."""
    if not argv or "gunicorn" not in argv[0]:  # `gunicorn ...` and `python -m gunicorn ...` alike
        return None
    args = shlex.split(env.get("GUNICORN_CMD_ARGS", "")) + argv[1:]
    threads = 1
    for index, arg in enumerate(args):
        value = arg.split("=", 1)[1] if arg.startswith("--threads=") else (
            args[index + 1] if arg == "--threads" and index + 1 < len(args) else "")
        threads = int(value) if value.isdigit() else threads
    return threads


def worker_streams(config: Config) -> int:
    """Streams one process may hold. Under gunicorn each holds one of the worker's --threads, so by default
    streams leave PAGE_THREADS of them (at least half) to pages and writes; LIVE_WORKER_STREAMS overrides."""
    if config["LIVE_WORKER_STREAMS"].strip():
        return int(config["LIVE_WORKER_STREAMS"])
    threads = gunicorn_threads(sys.argv, dict(os.environ))
    if threads is None:
        return DEV_SERVER_STREAMS
    return max(threads - PAGE_THREADS, threads // 2)


def build_live(config: Config, portal: PortalService, store: Store) -> LiveService:
    """The app's one hub and live service; a stopping gunicorn worker ends its streams at once."""
    hub = LiveHub(store, poll_seconds=live_setting(config, "LIVE_POLL_SECONDS"),
                  process_cap=worker_streams(config))
    end_streams_on_sigterm(hub)
    return LiveService(portal.work_items, hub, LiveBoards(portal), max_streams=int(config["LIVE_MAX_STREAMS"]),
                       heartbeat=live_setting(config, "LIVE_HEARTBEAT_SECONDS"),
                       lifetime=live_setting(config, "LIVE_STREAM_SECONDS"))


def end_streams_on_sigterm(hub: LiveHub) -> None:
    """Inside a gunicorn worker, end every stream as soon as the worker is told to stop (SIGTERM: a restart,
    a deploy, a scale-down). gunicorn waits for open connections up to its graceful timeout, and a stream
    would otherwise hold its connection until then. The worker installs its handler before it imports the
    app, so the app finds it here and runs first; anywhere else (tests, `flask run`) nothing changes."""
    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread() or not _is_gunicorn_worker(previous):
        return

    def stop(signum: int, frame: Any) -> None:
        threading.Thread(target=hub.close, name="live-close", daemon=True).start()  # takes locks: not here
        previous(signum, frame)  # type: ignore[operator]

    signal.signal(signal.SIGTERM, stop)


def _is_gunicorn_worker(handler: Any) -> bool:
    owner = getattr(handler, "__self__", None)
    return callable(handler) and type(owner).__module__.startswith("gunicorn.workers")
