"""The webhook settings: WEBHOOK_* from the environment, or from create_app overrides (tests)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

from app.config import SETTINGS, ConfigError
from app.services.ssrf import allowed_hosts

# The WEBHOOK_* rows of app/config.py's SETTINGS (README's configuration table lists them with the others).
WEBHOOK_SETTINGS = {name: row for name, row in SETTINGS.items() if name.startswith("WEBHOOK_")}


@dataclasses.dataclass(frozen=True)
class WebhookSettings:
    dispatch: bool
    allowed_hosts: frozenset[str]
    poll: float
    retry_base: float
    give_up: float
    lease: float
    grace: float
    keep_days: float = 30.0

    @classmethod
    def read(cls, values: Mapping[str, str]) -> WebhookSettings:
        """Each setting from `values` (the app's config and overrides), else the environment, else its default."""
        def get(name: str) -> str:
            return str(values.get(name, os.environ.get(name, WEBHOOK_SETTINGS[name][0])))

        def seconds(name: str, unit: str = "seconds") -> float:
            try:
                value = float(get(name))
            except ValueError as exc:
                raise ConfigError(f"{name}={get(name)!r} must be a number of {unit}.") from exc
            if not value > 0 or value == float("inf"):
                raise ConfigError(f"{name}={get(name)!r} must be more than 0 {unit}.")
            return value

        return cls(dispatch=get("WEBHOOK_DISPATCH").strip().lower() in ("1", "true", "yes", "on"),
                   allowed_hosts=allowed_hosts(get("WEBHOOK_ALLOWED_HOSTS")), poll=seconds("WEBHOOK_POLL_SECONDS"),
                   retry_base=seconds("WEBHOOK_RETRY_BASE_SECONDS"), give_up=seconds("WEBHOOK_GIVE_UP_SECONDS"),
                   lease=seconds("WEBHOOK_LEASE_SECONDS"), grace=seconds("WEBHOOK_GRACE_SECONDS"),
                   keep_days=seconds("WEBHOOK_KEEP_DAYS", "days"))
