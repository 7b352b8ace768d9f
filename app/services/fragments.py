"""Cache keys of rendered fragments, derived from exactly what a fragment is given to show.

A cached partial is rendered from its context alone, so a key that identifies every value of that
context names everything the partial can read. `fragment_key` builds that key: view objects say who
they are (`cache_key`), a work item is identified by its id and version (every change bumps the
version), plain values and containers stand for themselves, functions by their name (their code is
fixed for the process). Anything else is refused, so a new kind of value cannot slip into a cached
fragment unkeyed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

from app.models import WorkItem

PLAIN = (str, int, float, bool, type(None))
_NO_KEY = object()


def fragment_key(value: Any) -> Hashable:
    """A hashable key that differs whenever anything a fragment could read from `value` differs."""
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, WorkItem):
        return ("item", value.id, value.version)
    own = getattr(value, "cache_key", _NO_KEY)  # a view object that names its own key
    if own is not _NO_KEY:
        return (type(value).__name__, own)
    if isinstance(value, Mapping):
        return ("map", *sorted((str(name), fragment_key(item)) for name, item in value.items()))
    if isinstance(value, list | tuple):
        return ("seq", *(fragment_key(item) for item in value))
    if callable(value) and hasattr(value, "__qualname__"):
        return _function_key(value)
    raise TypeError(f"{type(value).__name__} cannot be part of a cached fragment: give it a cache_key")


def _function_key(function: Callable[..., Any]) -> Hashable:
    return ("fn", function.__module__, function.__qualname__)
