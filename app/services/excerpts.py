"""Markdown (comments, state-change notes) as a short plain-text excerpt, for one-line summaries such as the
status board's "latest entry" and resolution notes.

Why plain text rather than sanitized HTML there: the status board gives each incident one line, and it is
polled, announced by screen readers (aria-live) and embedded in other portals. Rendered markdown would bring
headings, lists, tables, images and code blocks into that line, and cutting rendered HTML at a length leaves
broken structure; links inside the line would also compete with the link to the ticket, where the full text
is shown rendered. So the excerpt keeps the words: emphasis marks go, a link keeps its text, an image its alt
text, inline code its content, and code blocks are left out (they are not prose; the ticket shows them).
The result is plain text: the template escapes it like any other string.

Cost is bounded: only the first SOURCE_LIMIT characters are parsed (an excerpt never needs more), with the
same markdown-it parser family as app/services/markdown.py, and excerpts are cached per text (events and
comments never change).
"""

from __future__ import annotations

import functools

from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.models import Event, EventType

EXCERPT_LENGTH = 160  # characters, ellipsis included
SOURCE_LIMIT = 1_000  # characters of markdown parsed at most: ~15 ms in the worst case, usually well under 1 ms
_WORDS = {"text", "code_inline"}  # inline tokens whose content is shown as is
_BREAKS = {"softbreak", "hardbreak"}


@functools.cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "maxNesting": 20}).enable(
        ["table", "strikethrough"])


def _inline_text(token: Token) -> str:
    """The words of one inline token (a paragraph, heading or table cell), without any markup."""
    parts: list[str] = []
    for child in token.children or ():
        if child.type in _WORDS:
            parts.append(child.content)
        elif child.type in _BREAKS:
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child))  # the alt text, itself parsed as inline markdown
    return "".join(parts)


def plain_excerpt(text: str | None, length: int = EXCERPT_LENGTH) -> str:
    """The markdown's words as one line of at most `length` characters (cut at a word, ending in "…")."""
    if not text:
        return ""
    return _excerpt(text[:SOURCE_LIMIT], len(text) > SOURCE_LIMIT, length)


@functools.lru_cache(maxsize=4096)  # keys hold at most SOURCE_LIMIT characters: a few MB at most
def _excerpt(source: str, cut_short: bool, length: int) -> str:
    """The excerpt of `source`, the start of a longer text when `cut_short` (so it ends in "…")."""
    tokens = _parser().parse(source)
    words = " ".join(" ".join(_inline_text(t) for t in tokens if t.type == "inline").split())
    if len(words) <= length and not cut_short:
        return words
    if len(words) < length:
        return words + "…"
    cut = words[:length - 1]
    if words[length - 1] != " " and " " in cut:  # the cut fell inside a word: end at the one before
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def entry_excerpt(event: Event | None) -> str:
    """A plain-text excerpt of what a timeline entry says in markdown: a state change's note, a comment's body."""
    if event is None or event.event_type not in (EventType.STATE_CHANGED, EventType.COMMENTED):
        return ""
    text = event.payload.get("note" if event.event_type == EventType.STATE_CHANGED else "body")
    return plain_excerpt(text if isinstance(text, str) else None)
