"""Fixtures shared by every test folder.

* tests/fixtures.py (a plugin, registered here): make_app, app, client, sign_in, csrf_token, the shared RBAC
  file, frozen_clock, and the check that no store thread outlives its test;
* one Chromium (Debian's, driven by Playwright) per test session: Playwright's sync API can run once per
  process, so the UI and portal browser tests share it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

pytest_plugins = ["tests.fixtures"]

CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright's own browser download cannot work here
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """A missing Chromium is an error, never a skip: `make test` installs it (`make browser`)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install it with `make browser` (the browser tests "
                    "must run, not skip)", pytrace=False)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
