"""The SQLite rate-limit storage (`sqlite:///path`): fixed windows that every worker process shares, with an
injected clock so expiry needs no sleeping (issue #11, finding 11)."""

from __future__ import annotations

import multiprocessing
import stat
import time
from pathlib import Path

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app.config import Config
from app.core.sqlite_limits import SqliteStorage


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def storage(tmp_path: Path, clock: Clock) -> SqliteStorage:
    return SqliteStorage(f"sqlite://{tmp_path}/limits.sqlite3", clock=clock)


def test_the_scheme_is_registered_with_limits(tmp_path: Path) -> None:
    assert isinstance(storage_from_string(f"sqlite://{tmp_path}/x.sqlite3"), SqliteStorage)


def test_default_uri_is_a_file_in_data_dir(tmp_path: Path) -> None:
    config = Config.from_env({"DATA_DIR": str(tmp_path)})
    assert config.ratelimit_storage_uri == f"sqlite://{tmp_path.resolve()}/.ratelimits.sqlite3"
    assert Config.from_env({"RATELIMIT_STORAGE_URI": "memory://"}).ratelimit_storage_uri == "memory://"
    assert Config.from_env({"RATELIMIT_STORAGE_URI": "redis://h:6379"}).ratelimit_storage_uri == "redis://h:6379"


def test_counts_and_expires_with_the_injected_clock(storage: SqliteStorage, clock: Clock) -> None:
    assert storage.incr("k", 60) == 1 and storage.incr("k", 60, amount=2) == 3
    assert storage.get("k") == 3 and storage.get_expiry("k") == clock.now + 60
    clock.now += 59.9
    assert storage.incr("k", 60) == 4  # the window is fixed: a hit does not extend it
    clock.now += 0.2
    assert storage.get("k") == 0 and storage.get_expiry("k") == clock.now
    assert storage.incr("k", 60) == 1 and storage.get_expiry("k") == clock.now + 60


def test_fixed_window_limiter_on_top(storage: SqliteStorage, clock: Clock) -> None:
    limiter, five = FixedWindowRateLimiter(storage), parse("5/minute")
    assert [limiter.hit(five, "user:a") for _ in range(7)] == [True] * 5 + [False] * 2
    assert limiter.hit(five, "user:b") and not limiter.test(five, "user:a")
    assert limiter.get_window_stats(five, "user:a").remaining == 0
    clock.now += 61
    assert limiter.hit(five, "user:a")


def test_clear_reset_and_check(storage: SqliteStorage) -> None:
    storage.incr("a", 60)
    storage.incr("b", 60)
    storage.clear("a")
    assert storage.get("a") == 0 and storage.get("b") == 1
    assert storage.reset() == 1 and storage.get("b") == 0
    assert storage.check()


def test_expired_rows_are_swept(storage: SqliteStorage, clock: Clock) -> None:
    for n in range(10):
        storage.incr(f"old{n}", 1)
    clock.now += 5
    storage.sweep()
    rows = storage.db.connection().execute("SELECT count(*) FROM counters").fetchone()[0]
    assert rows == 0


def test_the_file_is_private(storage: SqliteStorage, tmp_path: Path) -> None:
    storage.incr("k", 60)
    assert stat.S_IMODE((tmp_path / "limits.sqlite3").stat().st_mode) == 0o600


def _hammer(uri: str, hits: int) -> None:
    storage = SqliteStorage(uri)
    for _ in range(hits):
        storage.incr("shared", 3600)


def test_increments_from_several_processes_are_never_lost(tmp_path: Path) -> None:
    uri = f"sqlite://{tmp_path}/limits.sqlite3"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_hammer, args=(uri, 200)) for _ in range(3)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
    assert all(proc.exitcode == 0 for proc in procs)
    assert SqliteStorage(uri).get("shared") == 600


def test_a_hit_costs_well_under_a_millisecond(storage: SqliteStorage) -> None:
    limiter, item = FixedWindowRateLimiter(storage), parse("1000000/day")
    limiter.hit(item, "warm-up")
    rounds = 500
    started = time.perf_counter()
    for _ in range(rounds):
        limiter.hit(item, "user:x")
        limiter.get_window_stats(item, "user:x")
    per_hit = (time.perf_counter() - started) / rounds
    assert per_hit < 0.001, f"{per_hit * 1e6:.0f} µs per limited request"
