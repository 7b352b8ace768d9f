"""Cross-process writer lock and the intent log that makes each audited write crash-safe.

A write is: record the intent (a small file) -> append the audit event (the commit point) ->
apply the change to the table it belongs in -> drop the intent. A writer that dies after the
event leaves the intent behind; the next writer (or the next start) finishes the job.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa


class WriterLock:
    """One writer at a time across threads (a mutex) and processes (flock on a file)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._mutex = threading.Lock()
        self._fd: int | None = None

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self._mutex:
            if self._fd is None:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def coerce_row(row: dict[str, Any], schema: pa.Schema) -> dict[str, Any]:
    """Turn ISO strings back into dates and timestamps where the schema wants them."""
    out = dict(row)
    for field in schema:
        value = out.get(field.name)
        if isinstance(value, str) and pa.types.is_timestamp(field.type):
            out[field.name] = dt.datetime.fromisoformat(value)
        elif isinstance(value, str) and pa.types.is_date(field.type):
            out[field.name] = dt.date.fromisoformat(value)
    return out


class IntentLog:
    """Intent files in a folder: written atomically (temp file + rename), removed when done."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def record(self, name: str, intent: dict[str, Any]) -> Path:
        path = self.folder / f"{name}.json"
        tmp = self.folder / f".{name}.tmp"
        with open(tmp, "w") as fh:
            json.dump(intent, fh, default=_encode)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return path

    def pending(self) -> list[tuple[Path, dict[str, Any]]]:
        found = []
        for entry in sorted(os.listdir(self.folder)):
            if entry.endswith(".json"):
                path = self.folder / entry
                with open(path) as fh:
                    found.append((path, json.load(fh)))
        return found

    @staticmethod
    def done(path: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
