"""The webhook settings: WEBHOOK_* from the environment, or from create_app overrides (tests)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

from app.config import ConfigError
from app.services.ssrf import allowed_hosts

# name: (default, description); README's configuration table should list them beside app/config.py's.
WEBHOOK_SETTINGS: dict[str, tuple[str, str]] = {
    "WEBHOOK_DISPATCH": ("1", "Run the webhook dispatcher thread in this process (0: never deliver from it)"),
    "WEBHOOK_ALLOWED_HOSTS": ("", "Comma-separated hosts webhooks may call although they resolve to private, "
                                  "loopback or link-local addresses"),
    "WEBHOOK_POLL_SECONDS": ("1", "How often the dispatcher looks for new events and due retries"),
    "WEBHOOK_RETRY_BASE_SECONDS": ("5", "First retry delay; doubled after every failed attempt (capped at 1 h)"),
    "WEBHOOK_GIVE_UP_SECONDS": ("86400", "A delivery still failing this long after it was queued is marked failed"),
    "WEBHOOK_LEASE_SECONDS": ("30", "How long the dispatcher lease lasts unless renewed (another process then "
                                    "takes over)"),
    "WEBHOOK_GRACE_SECONDS": ("60", "Events are re-read this far behind the cursor, so a write committed late "
                                    "is still delivered"),
}


@dataclasses.dataclass(frozen=True)
class WebhookSettings:
    dispatch: bool
    allowed_hosts: frozenset[str]
    poll: float
    retry_base: float
    give_up: float
    lease: float
    grace: float

    @classmethod
    def read(cls, values: Mapping[str, str]) -> WebhookSettings:
        """Each setting from `values` (the app's config and overrides), else the environment, else its default."""
        def get(name: str) -> str:
            return str(values.get(name, os.environ.get(name, WEBHOOK_SETTINGS[name][0])))

        def seconds(name: str) -> float:
            try:
                value = float(get(name))
            except ValueError as exc:
                raise ConfigError(f"{name}={get(name)!r} must be a number of seconds.") from exc
            if value <= 0:
                raise ConfigError(f"{name}={get(name)!r} must be more than 0 seconds.")
            return value

        return cls(dispatch=get("WEBHOOK_DISPATCH").strip().lower() in ("1", "true", "yes", "on"),
                   allowed_hosts=allowed_hosts(get("WEBHOOK_ALLOWED_HOSTS")), poll=seconds("WEBHOOK_POLL_SECONDS"),
                   retry_base=seconds("WEBHOOK_RETRY_BASE_SECONDS"), give_up=seconds("WEBHOOK_GIVE_UP_SECONDS"),
                   lease=seconds("WEBHOOK_LEASE_SECONDS"), grace=seconds("WEBHOOK_GRACE_SECONDS"))
