"""The live pages' settings and the one hub per app (kept out of config.SETTINGS until the README's table,
which a test checks against SETTINGS, documents them)."""

from __future__ import annotations

import os

from app.config import Config
from app.services.live import LiveService
from app.services.live_hub import LiveHub
from app.services.work_items import WorkItemService
from app.store.base import Store

LIVE_SETTINGS = {
    "LIVE_POLL_SECONDS": "1",  # Databricks: one events statement per this many seconds, for every stream
    "LIVE_HEARTBEAT_SECONDS": "15",  # a comment line this often keeps proxies from closing quiet streams
    "LIVE_MAX_STREAMS": "10",  # open live pages per person (more answer 429)
}


def live_setting(config: Config, name: str) -> float:
    """The setting from the overrides, else the environment, else its default; a bad value is the default."""
    text = config.values.get(name) or os.environ.get(name) or LIVE_SETTINGS[name]
    try:
        value = float(text)
    except ValueError:
        value = float(LIVE_SETTINGS[name])
    return value if value > 0 else float(LIVE_SETTINGS[name])


def build_live(config: Config, work_items: WorkItemService, store: Store) -> LiveService:
    hub = LiveHub(store, poll_seconds=live_setting(config, "LIVE_POLL_SECONDS"))
    return LiveService(work_items, hub, max_streams=int(live_setting(config, "LIVE_MAX_STREAMS")),
                       heartbeat=live_setting(config, "LIVE_HEARTBEAT_SECONDS"))
