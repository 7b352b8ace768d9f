"""Where each live process has read the events log up to, so that trimming never outruns a reader.

Every process catches up on the others' commits from the log entries (about a millisecond for 200 commits
with the row copies, 15 times less than reading their Parquet files); a process whose next entry was trimmed
must reload every table instead, which at 50 000 items takes seconds. Each process therefore records the
version it has folded (`_followers/<pid>`, rewritten at most once a second by its follower thread), and the
log is trimmed no further than the oldest live reader, however short the log is kept otherwise."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from app.store.intents import alive

MAX_HOLD = 20_000  # a reader further behind than this reloads rather than keep the log growing (a stopped process)


class Followers:
    """The positions of this data folder's live readers of the events log."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._mine = folder / str(os.getpid())
        self._recorded = -2

    def record(self, version: int) -> None:
        """Say that this process has folded every commit up to `version` (written only when it moved)."""
        if version == self._recorded:
            return
        staged = self.folder / f".{os.getpid()}.tmp"
        staged.write_text(str(version))
        os.replace(staged, self._mine)
        self._recorded = version

    def oldest(self, latest: int) -> int | None:
        """The lowest version another live process recorded (never more than MAX_HOLD behind `latest`); None
        when no other process reads. Files of dead processes are removed on the way."""
        found: list[int] = []
        for entry in os.listdir(self.folder):
            if not entry.isdigit() or int(entry) == os.getpid():  # this process folds its own commits at once
                continue
            if not alive(int(entry)):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self.folder / entry)
                continue
            with contextlib.suppress(FileNotFoundError, ValueError):
                found.append(int((self.folder / entry).read_text()))
        return max(min(found), latest - MAX_HOLD) if found else None

    def leave(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._mine)
