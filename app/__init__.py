"""DeltaDesk: Flask app factory."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

from app.config import ROOT, Config
from app.core.context import EXTENSION, build_services
from app.core.csrf import init_csrf
from app.core.identity import init_identity
from app.core.rate_limit import init_rate_limits
from app.core.security import init_security
from app.store.base import Store
from app.web.body_limit import init_body_limit


def open_store(config: Config) -> Store:
    """The configured store: embedded Delta tables by default, Databricks SQL when STORE=databricks."""
    kind = config["STORE"].strip().lower()
    if kind == "embedded":
        from app.store.delta_store import DeltaStore

        return DeltaStore(config.data_dir)
    if kind == "databricks":
        from app.store.sql_store import open_databricks_store

        return open_databricks_store(config.values)
    raise RuntimeError(f"Unknown STORE {kind!r}: use 'embedded' or 'databricks'.")


def _dev_secret(config: Config) -> str:
    """Development only: a key kept in DATA_DIR so every worker and restart shares sessions.

    The file is readable by its owner only (0600): it is created complete and private in one step (a private
    temp file hard-linked into place, so a racing worker never reads a half-written key), and an existing
    file with looser permissions is tightened."""
    if config["SECRET_KEY"].strip() or config.production:
        return config.secret_key()
    path = config.data_dir / ".dev_secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        _create_private(path, config.secret_key())
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return path.read_text().strip()


def _create_private(path: Path, text: str) -> None:
    """Write `text` to a new 0600 file at `path` unless another process got there first (then keep theirs)."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".dev_secret_key.")  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(temp)


def create_app(overrides: dict[str, Any] | None = None, store: Store | None = None) -> Flask:
    """Build the app: config from env (plus overrides), store, services, identity, blueprints."""
    config = Config.from_env(overrides)
    logging.basicConfig(level=config["LOG_LEVEL"].upper())
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(
        SECRET_KEY=_dev_secret(config),
        MAX_CONTENT_LENGTH=int(config["MAX_CONTENT_LENGTH"]),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.production,
    )
    owned = store is None
    store = store or open_store(config)
    try:
        _wire(app, config, store)
    except BaseException:
        if owned:  # a refused configuration must not leave the store's threads running
            store.close()
        raise
    return app


def _wire(app: Flask, config: Config, store: Store) -> None:
    """The services container, identity, CSRF, limits, security headers, blueprints and commands."""
    container = app.extensions[EXTENSION] = build_services(config, store)
    init_identity(app, container.tokens, container.roles, config.auth_mode, container.sessions)
    init_csrf(app)
    init_rate_limits(app, config)
    init_security(app, config["FRAME_ANCESTORS"])
    _register_blueprints(app)
    init_body_limit(app)  # chunked bodies count against MAX_CONTENT_LENGTH too
    _register_cli(app)


def _register_blueprints(app: Flask) -> None:
    """Each adapter is a blueprint; they only parse input, call a service and render."""
    from app.api import register_api
    from app.web import register_web
    from app.web.portal import register_portal  # Status, Roadmap, Docs, Glossary and /embed

    register_web(app)
    register_api(app)
    register_portal(app)


def _register_cli(app: Flask) -> None:
    from app.cli import register

    register(app)


__all__ = ["create_app", "open_store"]
