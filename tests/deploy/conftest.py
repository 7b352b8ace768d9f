"""tests/deploy: the ways DeltaDesk is started by others, replayed for real (`make run`, Databricks Apps).

The `deploy` marker names the tests that build a fresh environment from a clean copy of the repository
(fresh venv, npm install, the app.yaml command): about a minute, run by `make test` with everything else.
Select or skip them with `-m deploy` / `-m "not deploy"`."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "deploy: builds a fresh environment from a clean copy of the repository")
