"""The Databricks store's read cache: an entry may be kept longer than the default (the people directory's
actors, one statement over every table), and this instance's writes still clear it at once."""

from __future__ import annotations

from app.store.sql_cache import TtlCache


def test_a_longer_lived_entry_outlives_the_default_but_not_a_write() -> None:
    now = [0.0]
    cache = TtlCache(ttl=2.0, clock=lambda: now[0])
    loads: list[str] = []

    def load(name: str) -> str:
        loads.append(name)
        return name

    cache.get("short", lambda: load("short"))
    cache.get("long", lambda: load("long"), ttl=30.0)
    now[0] = 5.0
    cache.get("short", lambda: load("short"))
    cache.get("long", lambda: load("long"), ttl=30.0)
    assert loads == ["short", "long", "short"]  # the long entry was still fresh at 5 s
    cache.clear()  # a write of this instance
    cache.get("long", lambda: load("long"), ttl=30.0)
    assert loads[-1] == "long" and len(loads) == 4
