"""The one live hub per app, built from the LIVE_* settings (app/config.py), and how many streams a worker
process may hold."""

from __future__ import annotations

import os
import shlex
import sys

from app.config import Config
from app.services.live import LiveService
from app.services.live_hub import LiveHub
from app.services.work_items import WorkItemService
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


def build_live(config: Config, work_items: WorkItemService, store: Store) -> LiveService:
    hub = LiveHub(store, poll_seconds=live_setting(config, "LIVE_POLL_SECONDS"),
                  process_cap=worker_streams(config))
    return LiveService(work_items, hub, max_streams=int(config["LIVE_MAX_STREAMS"]),
                       heartbeat=live_setting(config, "LIVE_HEARTBEAT_SECONDS"),
                       lifetime=live_setting(config, "LIVE_STREAM_SECONDS"))
