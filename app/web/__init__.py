"""HTML adapter: ticket pages and fragments, dev sign-in, app-wide error handlers."""

from __future__ import annotations

from flask import Flask

from app.core.context import services
from app.services.markdown import render_markdown
from app.web.assets import init_assets
from app.web.errors import init_error_handlers
from app.web.fragment_cache import init_fragment_cache
from app.web.links import app_url, under_mount


def register_web(app: Flask) -> None:
    """Register the tickets blueprint, the dev sign-in (AUTH_MODE=dev only) and the error handlers."""
    from app.web import create, detail  # noqa: F401  (routes attach themselves to the tickets blueprint)
    from app.web.admin import bp as admin_bp
    from app.web.auth import bp as auth_bp
    from app.web.inbox import register_inbox
    from app.web.people import register_people
    from app.web.settings import bp as settings_bp
    from app.web.stream import bp as stream_bp
    from app.web.tickets import bp as tickets_bp
    from app.web.webhooks import bp as webhooks_bp

    app.register_blueprint(tickets_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(stream_bp)  # live pages: GET /events/stream
    register_inbox(app)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(settings_bp)
    auth_mode = services(app).config.auth_mode
    if auth_mode == "dev":
        app.register_blueprint(auth_bp)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["markdown"] = render_markdown
    register_people(app)  # /people, assign-to-me, and the markdown filter with @mention links
    app.jinja_env.filters["under_mount"] = under_mount
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions
    app.jinja_env.globals["app_url"] = app_url  # absolute links in embeds, mount point and PUBLIC_URL included
    app.jinja_env.globals.setdefault("auth_mode", auth_mode)
    init_assets(app)  # asset_url(): content-hashed static URLs, cached for a year
    init_fragment_cache(app)
    init_error_handlers(app)
