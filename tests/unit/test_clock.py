"""The app reads time through app.services.clock, so tests move a frozen clock instead of sleeping."""

from __future__ import annotations

import datetime as dt

from app.services import clock
from app.services.work_items import WorkItemService
from tests.unit.conftest import PLATFORMS, REPORTER, incident


def test_a_frozen_clock_stands_still_until_advanced(frozen_clock: clock.FrozenClock) -> None:
    start, ticks = clock.utcnow(), clock.monotonic()
    assert (clock.utcnow(), clock.monotonic()) == (start, ticks)
    frozen_clock.advance(90)
    assert clock.utcnow() - start == dt.timedelta(seconds=90)
    assert clock.monotonic() - ticks == 90


def test_the_services_default_clock_is_the_app_clock(frozen_clock: clock.FrozenClock, store) -> None:
    service = WorkItemService(store, PLATFORMS)  # no clock passed: the default one
    item = service.create(REPORTER, incident())
    assert item.created_at == frozen_clock.now()
    frozen_clock.advance(60)
    later = service.comment(REPORTER, item.id, "a minute later")
    assert later.created_at == frozen_clock.now()


def test_the_real_clock_is_back_after_the_fixture() -> None:
    assert isinstance(clock.use(clock.SystemClock()), clock.SystemClock)
    assert abs(clock.utcnow() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
