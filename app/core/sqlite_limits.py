"""A `limits` storage in a SQLite file, `sqlite:///path/to/file`: one count per key for every worker process.

flask-limiter's `memory://` counts per process, so N gunicorn workers let N times the limit through;
Redis needs a server the machine may not have. A SQLite file on the instance's own disk is shared by
all its workers and needs nothing installed. It serves the fixed-window strategy (the app's): a row per
key holds the count and the window's end; an expired window restarts at the next hit. Importing this
module registers the scheme (limits' storage registry keys classes by their STORAGE_SCHEME).

The clock is injectable (`clock=`), so tests move time instead of sleeping. Several instances (each
with its own disk) still need a shared `redis://` store.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from limits.errors import ConfigurationError
from limits.storage import Storage

from app.core.sqlite_file import SqliteFile

SCHEME = "sqlite"
SWEEP_EVERY = 1000  # increments per process between deletions of expired rows
SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID;
"""
INCREMENT = """
INSERT INTO counters (key, count, expires_at) VALUES (:key, :amount, :expires)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN counters.expires_at <= :now THEN excluded.count ELSE counters.count + excluded.count END,
    expires_at = CASE WHEN counters.expires_at <= :now THEN excluded.expires_at ELSE counters.expires_at END
RETURNING count
"""


class SqliteStorage(Storage):
    """Fixed-window counters in one SQLite file (WAL; each increment under BEGIN IMMEDIATE)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 clock: Callable[[], float] = time.time, **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        path = (uri or "").removeprefix(f"{SCHEME}://")
        if not path:
            raise ConfigurationError("sqlite:// storage needs a file, e.g. sqlite:///var/lib/app/limits.sqlite3")
        self.clock = clock
        self.db = SqliteFile(Path(path), SCHEMA)
        self._until_sweep = SWEEP_EVERY

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's count, starting a new window of `expiry` seconds if the last one ended."""
        now = self.clock()
        with self.db.write() as conn:
            rows = conn.execute(INCREMENT, {"key": key, "amount": amount, "expires": now + expiry,
                                            "now": now}).fetchall()
        self._until_sweep -= 1
        if self._until_sweep <= 0:
            self.sweep()
        return int(rows[0][0])

    def _live(self, key: str) -> tuple[int, float] | None:
        row = self.db.connection().execute(
            "SELECT count, expires_at FROM counters WHERE key = ? AND expires_at > ?", (key, self.clock())).fetchone()
        return (int(row[0]), float(row[1])) if row else None

    def get(self, key: str) -> int:
        live = self._live(key)
        return live[0] if live else 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (now, if it has none), as limits' memory storage answers."""
        live = self._live(key)
        return live[1] if live else self.clock()

    def check(self) -> bool:
        try:
            self.db.connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        with self.db.write() as conn:
            return conn.execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM counters WHERE key = ?", (key,))

    def sweep(self) -> None:
        """Delete ended windows, so the file holds only the keys active now."""
        self._until_sweep = SWEEP_EVERY
        with self.db.write() as conn:
            conn.execute("DELETE FROM counters WHERE expires_at <= ?", (self.clock(),))
