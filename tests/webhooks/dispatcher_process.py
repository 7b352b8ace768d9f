"""Run one DeltaDesk app (and so its webhook dispatcher) until killed; the settings come from the environment.

Used by test_webhook_processes.py as a real, separate process (delta-rs cannot survive a fork)."""

from __future__ import annotations

import sys
import time

from app import create_app

if __name__ == "__main__":
    create_app()
    print("ready", flush=True)
    time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 600)
