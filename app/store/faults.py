"""Fault injection points for crash tests: DELTADESK_FAULT=<name> kills the process right there."""

from __future__ import annotations

import os


def fault_point(name: str) -> None:
    """Exit abruptly (no cleanup, like a kill) when the environment names this point."""
    if os.environ.get("DELTADESK_FAULT") == name:
        os._exit(70)
