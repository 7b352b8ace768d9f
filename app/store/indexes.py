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

    def key_of(self, item_id: str) -> tuple[Any, ...]:
        return self._key_of[item_id]

    def page(self, ids: set[str] | None, descending: bool, start: int, size: int) -> list[WorkItem]:
        """Items start..start+size in index order, among `ids` (None: all).

        Small candidate sets are sorted directly; otherwise the index is walked, stopping as soon as
        the page is full (a first page of a broad filter touches few items). The choice compares the
        expected walk length with the size of the set to sort."""
        if ids is None and descending:
            high = len(self._items) - start
            return self._items[max(0, high - size):high][::-1] if high > 0 else []
        if ids is None:
            return self._items[start:start + size]
        walk = (start + size) * len(self._items) / max(1, len(ids))  # items a walk is expected to visit
        if walk > 4 * len(ids):
            keys = sorted((self._key_of[i] for i in ids), reverse=descending)[start:start + size]
            return [self._items[bisect.bisect_left(self._keys, k)] for k in keys]
        found: list[WorkItem] = []
        wanted = start + size
        for item in self.iterate(descending):
            if item.id in ids:
                found.append(item)
                if len(found) == wanted:
                    break
        return found[start:]


class Postings:
    """For each (field, value): the set of item ids having it; kept current as items change."""

    FIELDS = ("item_type", "state", "platform", "assignee", "created_by")

    def __init__(self) -> None:
        self._sets: dict[tuple[str, Any], set[str]] = {}

    def put(self, old: WorkItem | None, new: WorkItem) -> None:
        for name in self.FIELDS:
            before, after = (getattr(old, name) if old else None), getattr(new, name)
            if old is not None and before == after:
                continue
            if old is not None:
                self._sets.get((name, before), set()).discard(new.id)
            self._sets.setdefault((name, after), set()).add(new.id)

    def ids(self, name: str, value: Any) -> set[str]:
        return self._sets.get((name, value), set())


SEARCHES_KEPT = 32  # distinct needles whose matches are kept between text changes


class TextIndex:
    """Case-insensitive substring search over each item's key, title and description.

    A needle without whitespace can only match inside one whitespace-free token of a text, so the
    items listed under the vocabulary tokens that contain it are exactly the matches; the vocabulary
    is searched as one joined string (a C-speed scan, not a loop over texts). A needle with spaces
    takes the candidates of its rarest piece and checks each full text; a needle whose tokens list
    most items is checked against every text instead. Posting lists only grow:
    an edited item may stay listed under a token it lost, so edited items are always re-checked."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self._postings: dict[str, list[str]] = {}
        self._edited: set[str] = set()
        self._vocab: tuple[str, list[str], list[int]] | None = None  # joined tokens, tokens, start offsets
        self._found: dict[str, set[str]] = {}  # needle -> every matching id, until any text changes

    def put(self, item_id: str, text: str) -> None:
        text = text.lower()
        old = self.texts.get(item_id)
        if old == text:
            return
        self.texts[item_id] = text
        self._found.clear()
        tokens = set(text.split())
        if old is not None:
            self._edited.add(item_id)
            tokens.difference_update(old.split())
        postings = self._postings
        for token in tokens:
            found = postings.get(token)
            if found is None:
                postings[token] = [item_id]
                self._vocab = None
            else:
                found.append(item_id)

    def _lists_for(self, piece: str) -> list[list[str]]:
        return [self._postings[t] for t in self._tokens_containing(piece)]

    def _tokens_containing(self, piece: str) -> list[str]:
        if self._vocab is None:
            tokens = list(self._postings)
            starts, offset = [], 0
            for token in tokens:
                starts.append(offset)
                offset += len(token) + 1
            self._vocab = ("\n".join(tokens), tokens, starts)
        joined, tokens, starts = self._vocab
        found, pos = [], joined.find(piece)
        while pos != -1:
            k = bisect.bisect_right(starts, pos) - 1
            found.append(tokens[k])
            pos = joined.find(piece, starts[k + 1]) if k + 1 < len(starts) else -1
        return found

    def search(self, needle: str, within: set[str] | None) -> set[str]:
        """Ids (among `within`, None: all) whose text contains needle, ignoring case. Callers must not
        change the set: the matches of a needle are kept (for the next page or the next reader) until
        a text changes."""
        needle, texts = needle.lower(), self.texts
        if not needle.split() or (within is not None and len(within) <= 2000):
            return {i for i in (texts if within is None else within) if needle in texts[i]}
        found = self._found.get(needle)
        if found is None:
            found = self._search_all(needle)
            if len(self._found) >= SEARCHES_KEPT:
                self._found.clear()
            self._found[needle] = found
        return found if within is None else found & within

    def _search_all(self, needle: str) -> set[str]:
        texts = self.texts
        lists, piece = min(((self._lists_for(p), p) for p in set(needle.split())),
                           key=lambda pair: sum(map(len, pair[0])))
        limit = len(texts) * 3 if needle == piece else len(texts) // 3  # beyond: one pass over the texts is cheaper
        if sum(map(len, lists)) > limit:
            return {i for i, text in texts.items() if needle in text}
        candidates: set[str] = set().union(*lists)
        if needle == piece:
            edited = self._edited
            if not edited:
                return candidates
            return {i for i in candidates if i not in edited or needle in texts[i]}
        return {i for i in candidates if needle in texts[i]}
