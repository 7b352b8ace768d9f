"""Item keys as people paste them (INC-12, imp-7, REQ-030) turned into the form the stores hold (REQ-30).

Keys are what people quote in chat and mail, so read URLs accept them beside the ids. An id is a UUID and
never has the shape of a key, so a path segment is one or the other, never both.
"""

from __future__ import annotations

import re

from app.models import ItemType

PREFIXES = frozenset(t.key_prefix for t in ItemType)
_KEY = re.compile(r"([A-Za-z]{3})-([0-9]{1,12})")  # ASCII digits only: int() would also take "١٢"


def canonical_key(text: str) -> str | None:
    """The stored form of a key (upper-case prefix, no leading zeros), or None when `text` is not a key."""
    match = _KEY.fullmatch(text.strip())
    if match is None or match[1].upper() not in PREFIXES or int(match[2]) < 1:
        return None
    return f"{match[1].upper()}-{int(match[2])}"
