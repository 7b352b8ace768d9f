"""File locks and the intent log that make each audited write crash-safe.

A write records an intent naming the rows it touches, appends the audit event (the commit point),
and leaves the table rows to the projector. An intent outlives a writer that died, so the next
start, or any process's projector, brings those rows in line with the events.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class FileLock:
    """Exclusive across threads (a mutex) and processes (flock on a file)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._mutex = threading.Lock()
        self._fd: int | None = None

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self._mutex:
            fcntl.flock(self._open(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._open(), fcntl.LOCK_UN)

    @contextlib.contextmanager
    def held_if_free(self) -> Iterator[bool]:
        """Hold the lock if no thread or process holds it now; yields whether it is held."""
        if not self._mutex.acquire(blocking=False):
            yield False
            return
        try:
            try:
                fcntl.flock(self._open(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(self._open(), fcntl.LOCK_UN)
        finally:
            self._mutex.release()

    def _open(self) -> int:
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        return self._fd

    def close(self) -> None:
        with self._mutex:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None



def alive(pid: int) -> bool:
    """Whether a process with this id exists (ours or another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class IntentLog:
    """Intent files `<pid>-<event id>.json`: written atomically (temp + rename), removed once projected."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def record(self, name: str, keys: dict[str, Any]) -> Path:
        path = self.folder / f"{os.getpid()}-{name}.json"
        tmp = self.folder / f".{os.getpid()}-{name}.tmp"
        with open(tmp, "w") as fh:  # no fsync: it guards against a dead process, like delta-rs commits
            json.dump(keys, fh)
        os.replace(tmp, path)
        return path

    def orphans(self) -> list[tuple[Path, dict[str, Any]]]:
        """Intents whose writer process is gone (it died before its rows were projected)."""
        found: list[tuple[Path, dict[str, Any]]] = []
        if not self.folder.is_dir():  # the data folder itself was removed
            return found
        for entry in sorted(os.listdir(self.folder)):
            pid = entry.split("-", 1)[0]
            if entry.endswith(".json") and pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid)):
                path = self.folder / entry
                with contextlib.suppress(FileNotFoundError, ValueError), open(path) as fh:
                    found.append((path, json.load(fh)))
        return found

    def count(self) -> int:
        """How many intents wait for projection (any process's)."""
        return sum(1 for e in os.listdir(self.folder) if e.endswith(".json"))

    @staticmethod
    def age(path: Path) -> float:
        """Seconds since the intent was recorded (0 when it is already gone)."""
        try:
            return max(0.0, time.time() - path.stat().st_mtime)
        except FileNotFoundError:
            return 0.0

    @staticmethod
    def done(path: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
