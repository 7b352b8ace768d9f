"""One small SQLite file shared by every worker process of an instance (rate limits, sign-outs).

Gunicorn forks its workers after nothing but the master has run, and each worker may run several
threads, so a connection belongs to one thread of one process: it is opened lazily and reopened when
the process id changes. WAL lets readers run beside the single writer; `BEGIN IMMEDIATE` takes the
write lock before reading, so a read-modify-write is atomic across processes; synchronous=NORMAL skips
the fsync per commit (this state is worth little after a power cut, and it keeps a write in tens of µs).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_S = 10.0


class SqliteFile:
    """A per-thread, per-process connection to one SQLite file, with the schema created on first use."""

    def __init__(self, path: Path, schema: str) -> None:
        self.path = path
        self.schema = schema
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (opened now if there is none yet, or only one inherited over a fork)."""
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        conn = self._open()
        self._local.held = (os.getpid(), conn)
        return conn

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))  # private: it holds user identities
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(self.schema)
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A transaction holding the write lock from its first statement (atomic across processes)."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection (others close when their thread or process ends)."""
        held = getattr(self._local, "held", None)
        if held is not None:
            held[1].close()
            self._local.held = None
