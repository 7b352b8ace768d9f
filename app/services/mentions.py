"""@mentions in descriptions and comments: which people a text mentions, and links to them when shown.

A mention is `@handle` or `@email` naming someone the people directory knows; an unknown handle is just
text. Mentions are found in markdown-it's tokens, the very tokens the page is rendered from
(app/services/markdown.py), so `@bob` inside a code span, a code block or a link label is not a mention,
exactly where the page shows it as code or as another link.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator
from typing import Protocol
from urllib.parse import quote

from markdown_it.token import Token
from markupsafe import Markup

from app.services.markdown import markdown_tokens, render_markdown
from app.services.people import Snapshot

# `@` not preceded by a word character, `.` or `@` (so bob@example.com is no mention of @example.com), a
# handle that does not end in punctuation, then optionally `@domain` for a full email.
MENTION_RE = re.compile(r"(?<![\w.@])@([a-z0-9](?:[a-z0-9._+-]*[a-z0-9])?(?:@[a-z0-9-]+(?:\.[a-z0-9-]+)+)?)",
                        re.IGNORECASE)


class Resolver(Protocol):
    def resolve(self, handle_or_email: str) -> str | None: ...


def extract(markdown_text: str, people: Resolver) -> set[str]:
    """Emails of the known people `markdown_text` mentions (outside code and links)."""
    return {email for name in mentioned_names(markdown_text or "") if (email := people.resolve(name))}


@functools.lru_cache(maxsize=8192)
def mentioned_names(markdown_text: str) -> tuple[str, ...]:
    """Every `@name` the text holds outside code and links, known or not. Cached: the notifier asks about
    every text of an item's history for each of its events (the watchers then), and a markdown parse costs
    about 0.1 ms; who a name resolves to is looked up afresh each time, as the directory grows."""
    return tuple(name for _, _, name in _candidates(markdown_tokens(markdown_text)))


def _candidates(tokens: list[Token]) -> Iterator[tuple[Token, re.Match[str], str]]:
    """Every `@name` in plain text tokens (not code, not inside a link), with its token."""
    for block in tokens:
        if block.type != "inline":
            continue
        depth = 0
        for child in block.children or ():
            depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if child.type == "text" and not depth:
                for match in MENTION_RE.finditer(child.content):
                    yield child, match, match.group(1)


@dataclasses.dataclass(frozen=True, slots=True)
class MentionLinks:
    """A token rewrite (for render_markdown) turning known mentions into `<a class="mention">` links to the
    list of the person's assigned items. Hashable: one directory snapshot and one list URL per value."""

    people: Snapshot
    list_url: str  # /work-items under the mount point

    def __call__(self, tokens: list[Token]) -> None:
        for block in tokens:
            if block.type == "inline" and block.children and "@" in block.content:
                block.children = list(self._rewritten(block.children))

    def _rewritten(self, children: list[Token]) -> Iterator[Token]:
        depth = 0
        for child in children:
            depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if child.type != "text" or depth or "@" not in child.content:
                yield child
                continue
            yield from self._split(child.content)

    def _split(self, text: str) -> Iterator[Token]:
        start = 0
        for match in MENTION_RE.finditer(text):
            email = self.people.resolve(match.group(1))
            if email is None:
                continue
            yield _text(text[start:match.start()])
            href = f"{self.list_url}?assignee={quote(email, safe='@')}"
            yield Token("link_open", "a", 1, attrs={"href": href, "class": "mention", "title": email})
            yield _text(match.group(0))
            yield Token("link_close", "a", -1)
            start = match.end()
        yield _text(text[start:])


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def render(text: str, *, people: Snapshot | None = None, list_url: str = "/work-items") -> Markup:
    """`text` as safe HTML, with the known people's mentions linked when a directory snapshot is given."""
    return render_markdown(text or "", MentionLinks(people, list_url) if people is not None else None)
