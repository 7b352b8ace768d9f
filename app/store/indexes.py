"""Sorted in-memory indexes over work items, kept in order as items change (no re-sort per request)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from typing import Any

from app.models import WorkItem

KeyFn = Callable[[WorkItem], tuple[Any, ...]]


class SortedIndex:
    """Items in ascending key order; keys end in the item id, so ties break stably."""

    def __init__(self, key_fn: KeyFn) -> None:
        self._key_fn = key_fn
        self._keys: list[tuple[Any, ...]] = []
        self._items: list[WorkItem] = []
        self._key_of: dict[str, tuple[Any, ...]] = {}

    def rebuild(self, items: list[WorkItem]) -> None:
        pairs = sorted(((self._key_fn(it), it) for it in items), key=lambda p: p[0])
        self._keys = [k for k, _ in pairs]
        self._items = [it for _, it in pairs]
        self._key_of = {it.id: k for k, it in pairs}

    def upsert(self, item: WorkItem) -> None:
        """Insert the item, or move it to where its new key belongs."""
        old = self._key_of.get(item.id)
        if old is not None:
            i = bisect.bisect_left(self._keys, old)
            del self._keys[i]
            del self._items[i]
        key = self._key_fn(item)
        j = bisect.bisect_right(self._keys, key)
        self._keys.insert(j, key)
        self._items.insert(j, item)
        self._key_of[item.id] = key

    def iterate(self, descending: bool) -> Iterator[WorkItem]:
        return reversed(self._items) if descending else iter(self._items)

    def __len__(self) -> int:
        return len(self._items)
