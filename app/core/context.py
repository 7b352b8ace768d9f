"""The app's one services container, and the current caller, as the adapters reach them.

create_app builds every service once (`build_services`) and keeps the container under one key; web,
API and CLI code reach it through `services()` inside a request or app context, tests through
`services(app)`. The typed settings travel with it as `services().config`.
"""

from __future__ import annotations

import dataclasses

from flask import Flask, current_app, g

from app.config import Config
from app.core.identity import SESSIONS_FILE, check_auth_mode
from app.core.rbac import RoleMap
from app.core.sessions import SessionGenerations
from app.models import Actor
from app.services.admin import AdminService
from app.services.docs import DocsLibrary
from app.services.live import LiveService
from app.services.live_config import build_live
from app.services.mailer import Mailer, start_mailer
from app.services.mailer_settings import SettingsService
from app.services.mentions import extract as extract_mentions
from app.services.notifications import NotificationService
from app.services.notifier import Notifier
from app.services.people import PeopleDirectory
from app.services.portal import PortalService
from app.services.tokens import TokenService
from app.services.watchers import WatcherService
from app.services.webhook_delivery import Dispatcher
from app.services.webhook_settings import WebhookSettings
from app.services.webhooks import WebhookService
from app.services.work_items import WorkItemService
from app.store.base import Store

EXTENSION = "deltadesk"  # the container's one key in app.extensions


@dataclasses.dataclass
class Services:
    """Everything the adapters may call; built once per app by create_app."""

    config: Config
    work_items: WorkItemService
    admin: AdminService
    portal: PortalService
    docs: DocsLibrary
    tokens: TokenService
    roles: RoleMap
    sessions: SessionGenerations | None  # the dev sign-in's server-side sign-out (AUTH_MODE=dev only)
    people: PeopleDirectory
    live: LiveService  # live pages over server-sent events (app/web/stream.py)
    watchers: WatcherService
    notifications: NotificationService
    notifier: Notifier  # fans committed events out to the inbox, in its own thread (started by build_services)
    webhooks: WebhookService
    store: Store  # for the CLI's seed, export and maintenance commands and for tests; pages go through services
    settings: SettingsService  # /settings: the caller's mail preference
    mailer: Mailer | None = None  # mails notifications in its own thread when SMTP_URL is set (else None)


def build_services(config: Config, store: Store) -> Services:
    """Every service over one store, configured from `config` (the RBAC file is read here, once).
    Refuses an AUTH_MODE the environment may not use before anything is opened for it."""
    check_auth_mode(config.auth_mode, config.production)
    work_items = WorkItemService(store, config.platforms, config.flag("ALLOW_ANONYMOUS_READ"))
    sessions = SessionGenerations(config.data_dir / SESSIONS_FILE) if config.auth_mode == "dev" else None
    roles = RoleMap.from_file(config["RBAC_FILE"], config["DEFAULT_ROLE"])
    people = PeopleDirectory(store, roles)

    def mentioned(text: str) -> set[str]:
        """The known people a description or comment mentions (app/services/mentions.py)."""
        return extract_mentions(text, people)

    notifier = Notifier(store, mentioned)
    portal = PortalService(work_items)
    live = build_live(config, portal, store)
    notifier.on_saved.append(live.hub.nudge_inbox)  # a stored notification updates its reader's open pages
    notifier.start()
    mailer = start_mailer(config, store)
    return Services(config=config, work_items=work_items, admin=AdminService(store),
                    portal=portal, docs=DocsLibrary(config["CONTENT_DIR"]),
                    tokens=TokenService(store), roles=roles, sessions=sessions,
                    people=people, live=live,
                    watchers=WatcherService(work_items, mentioned), notifications=NotificationService(store),
                    notifier=notifier, webhooks=_webhooks(config, store), store=store,
                    settings=SettingsService(store, mailer is not None), mailer=mailer)


def _webhooks(config: Config, store: Store) -> WebhookService:
    """The webhook service, and the dispatcher thread unless WEBHOOK_DISPATCH=0; closing the store stops it."""
    settings = WebhookSettings.read(config.values)
    hooks = store.webhooks  # type: ignore[attr-defined]
    if settings.dispatch:
        dispatcher = Dispatcher(store, settings, config["PUBLIC_URL"] or "http://localhost")
        hooks.on_close.append(dispatcher.stop)
        dispatcher.start()
    return WebhookService(hooks, settings, config.platforms)


def services(app: Flask | None = None) -> Services:
    """The container of `app`, by default the current app."""
    return (app or current_app).extensions[EXTENSION]


def current_actor() -> Actor | None:
    """The caller of this request (None when anonymous), resolved by core.identity."""
    return g.get("actor")
