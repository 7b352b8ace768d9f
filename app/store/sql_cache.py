"""A small time-boxed read cache: repeated reads within a short window cost no round trip."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class TtlCache:
    """Values live `ttl` seconds; at most `size` entries (least recently stored dropped first).

    The store clears it on every write it makes, so this instance always reads its own writes;
    other instances' writes become visible within `ttl`.
    """

    def __init__(self, ttl: float = 2.0, size: int = 512, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock  # seconds, monotonic; tests move it instead of sleeping
        self.size = size
        self._data: OrderedDict[Hashable, tuple[float, int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0

    def get(self, key: Hashable, load: Callable[[], Any], ttl: float | None = None) -> Any:
        """The cached value, or load() stored unless a write happened while it was loading; `ttl`
        overrides the cache's own for this entry (still cleared by this instance's writes)."""
        if self.ttl <= 0:
            return load()
        now = self.clock()
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and hit[0] > now and hit[1] == self._generation:
                return hit[2]
            generation = self._generation
        value = load()
        with self._lock:
            if generation == self._generation:
                self._data[key] = (now + (self.ttl if ttl is None else ttl), generation, value)
                self._data.move_to_end(key)
                while len(self._data) > self.size:
                    self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._data.clear()
