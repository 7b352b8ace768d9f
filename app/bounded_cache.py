"""A dictionary that stays under a size bound: when it grows past it, the older half goes. For values
that never go stale under their key (rendered fragments, built links, decoded append-only histories),
so there is nothing to invalidate, only memory to bound. Shared by the store and the web layer."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class BoundedCache(Generic[V]):
    """get/put safe across request threads (dict operations are atomic; trimming takes a lock)."""

    def __init__(self, max_entries: int) -> None:
        self._max = max_entries
        self._values: dict[Hashable, V] = {}
        self._trim = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        return self._values.get(key)

    def put(self, key: Hashable, value: V) -> V:
        self._values[key] = value
        if len(self._values) > self._max:
            with self._trim:
                for old in list(itertools.islice(self._values, len(self._values) // 2)):
                    self._values.pop(old, None)
        return value

    def __len__(self) -> int:
        return len(self._values)
