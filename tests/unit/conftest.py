"""Fixtures for service and store tests: a real embedded Delta store in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.models import Actor, Role
from app.services.work_items import WorkItemService
from app.store.delta_store import DeltaStore
from tests.fixtures import close_at_teardown

PLATFORMS = ["spark", "kafka", "airflow"]
REPORTER = Actor("rita@example.com", Role.REPORTER)
OTHER = Actor("otto@example.com", Role.REPORTER)
TRIAGER = Actor("tess@example.com", Role.TRIAGER)
VIEWER = Actor("vic@example.com", Role.VIEWER)
ADMIN = Actor("ada@example.com", Role.ADMIN)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DeltaStore]:
    s = DeltaStore(tmp_path / "data")
    yield s
    s.close()


@pytest.fixture
def service(store: DeltaStore) -> WorkItemService:
    return WorkItemService(store, PLATFORMS)


def open_store(data_dir: str | Path) -> DeltaStore:
    """A DeltaStore (a process of its own, for the test) that is closed when the test ends."""
    return close_at_teardown(DeltaStore(data_dir))


def incident(**extra: object) -> dict[str, object]:
    return {"item_type": "incident", "title": "Warehouse down", "severity": "sev2", "platform": "spark", **extra}
