"""Rate limits per user (per IP only for anonymous callers), one named limit per write action.

The counts live in RATELIMIT_STORAGE_URI; by default a SQLite file in DATA_DIR (app.core.sqlite_limits),
so every worker process of the instance draws on the same budget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, g
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from app.config import Config
from app.core import sqlite_limits  # noqa: F401  (registers the sqlite:// storage scheme with limits)

ACTIONS = ("create", "comment", "vote", "transition")


def limit_key() -> str:
    """Who is counted: the signed-in identity, else the client address."""
    actor = g.get("actor")
    return f"user:{actor.id}" if actor else f"ip:{get_remote_address()}"


limiter = Limiter(key_func=limit_key, default_limits=[], headers_enabled=True)


def init_rate_limits(app: Flask, config: Config) -> None:
    """Configure flask-limiter from RATELIMIT_* settings."""
    app.config["RATELIMIT_ENABLED"] = config.flag("RATELIMIT_ENABLED")
    app.config["RATELIMIT_STORAGE_URI"] = config.ratelimit_storage_uri
    app.config["RATELIMIT_STRATEGY"] = "fixed-window"  # the strategy the sqlite:// storage implements
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    # If the storage fails (the SQLite file's disk is full, Redis is down) count in this process's memory
    # until it answers again, rather than failing every write with a 500 or letting everything through.
    app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    limiter._storage_dead = False  # the limiter is module-global: a new app starts on its own, healthy storage
    limiter.init_app(app)


def limit(action: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: apply the configured limit for one write action (create, comment, vote, transition)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown rate-limited action {action!r}")

    def configured() -> str:
        from app.core.context import services  # at call time: context imports the services, they import nothing here

        return services().config[f"RATELIMIT_{action.upper()}"]

    # A shared limit: every route decorated with the same action draws on one bucket per caller
    # (an edit and a transition both count as "transition", casting and withdrawing a vote as "vote").
    return limiter.shared_limit(configured, scope=action, methods=["POST", "PATCH", "PUT", "DELETE"])
