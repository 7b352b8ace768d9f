"""Docs and Glossary: markdown pages from CONTENT_DIR, rendered safely, with a table of contents and search.

A page is `<slug>.md` (slug: lowercase letters, digits and dashes) with an optional front matter block
(`---` / `title:`, `summary:`, `order:` / `---`); without a title the first `# ` heading is used.
`glossary.md` is the Glossary: each `## Term` heading is one term with its own anchor.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import re
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

from app.services.errors import NotFound
from app.services.markdown import sanitize_html

GLOSSARY_SLUG = "glossary"
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_FRONT_RE = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_md.enable("strikethrough")


@dataclasses.dataclass(frozen=True, slots=True)
class TocEntry:
    level: int
    anchor: str
    title: str


@dataclasses.dataclass(frozen=True, slots=True)
class DocPage:
    """One rendered page; `text` is its plain text (for search), `html` is sanitized."""

    slug: str
    title: str
    summary: str
    order: int
    html: Markup
    toc: tuple[TocEntry, ...]
    text: str
    sections: tuple[tuple[TocEntry, str], ...]  # (h2 heading, its plain text): glossary terms


@dataclasses.dataclass(frozen=True, slots=True)
class SearchHit:
    slug: str
    anchor: str | None
    title: str
    snippet: str


def slugify(text: str) -> str:
    """Anchor id for a heading: lowercase words joined by dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _front_matter(source: str) -> tuple[dict[str, str], str]:
    match = _FRONT_RE.match(source)
    if not match:
        return {}, source
    meta = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip()
    return meta, source[match.end():]


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _render(body: str) -> tuple[str, list[TocEntry]]:
    """Markdown to HTML with an id on every heading; returns the HTML and the headings in order."""
    tokens = _md.parse(body)
    toc: list[TocEntry] = []
    used: set[str] = set()
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        title = tokens[i + 1].content
        anchor = base = slugify(title)
        n = 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        token.attrSet("id", anchor)
        toc.append(TocEntry(int(token.tag[1]), anchor, title))
    return _md.renderer.render(tokens, _md.options, {}), toc


def _sections(rendered: str, toc: list[TocEntry]) -> tuple[tuple[TocEntry, str], ...]:
    """Split the rendered page at its h2 headings: (heading, plain text up to the next h2)."""
    parts = re.split(r'<h2 id="[^"]*">.*?</h2>', rendered)[1:]
    heads = [t for t in toc if t.level == 2]
    return tuple((head, _plain(part)) for head, part in zip(heads, parts, strict=False))


@functools.lru_cache(maxsize=256)
def _load(path: str, mtime_ns: int, size: int) -> DocPage:
    """Parse and render one file; cached until the file changes (mtime or size)."""
    meta, body = _front_matter(Path(path).read_text(encoding="utf-8"))
    rendered, toc = _render(body)
    h1 = next((t.title for t in toc if t.level == 1), None)
    slug = Path(path).stem
    try:
        order = int(meta.get("order", "100"))
    except ValueError:
        order = 100
    return DocPage(slug=slug, title=meta.get("title") or h1 or slug.replace("-", " ").capitalize(),
                   summary=meta.get("summary", ""), order=order, html=sanitize_html(rendered),
                   toc=tuple(t for t in toc if t.level in (2, 3)), text=_plain(rendered),
                   sections=_sections(rendered, toc))


class DocsLibrary:
    """The pages of one content folder."""

    def __init__(self, content_dir: str | Path) -> None:
        self.root = Path(content_dir).resolve()

    def _path(self, slug: str) -> Path:
        """The file of a valid slug; anything else (dots, slashes, case tricks) is NotFound."""
        if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
            raise NotFound("No such page.")
        path = (self.root / f"{slug}.md").resolve()
        if path.parent != self.root or not path.is_file():
            raise NotFound(f"No page called {slug!r}.")
        return path

    def page(self, slug: str) -> DocPage:
        """A docs page by slug (the glossary is served at /glossary, not as a docs page)."""
        if slug == GLOSSARY_SLUG:
            raise NotFound("The glossary lives at /glossary.")
        return self._read(slug)

    def glossary(self) -> DocPage:
        return self._read(GLOSSARY_SLUG)

    def _read(self, slug: str) -> DocPage:
        path = self._path(slug)
        stat = path.stat()
        return _load(str(path), stat.st_mtime_ns, stat.st_size)

    def pages(self) -> list[DocPage]:
        """Every docs page (not the glossary), in their `order`, then by title."""
        if not self.root.is_dir():
            return []
        slugs = [p.stem for p in self.root.glob("*.md") if SLUG_RE.fullmatch(p.stem) and p.stem != GLOSSARY_SLUG]
        return sorted((self._read(s) for s in slugs), key=lambda p: (p.order, p.title.lower()))

    def index(self, query: str | None = None) -> tuple[list[DocPage], list[SearchHit]]:
        """The docs index and, when a query is given, the search hits for it."""
        return self.pages(), self.search(query) if query and query.strip() else []

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Pages and glossary terms containing every word of the query; title matches rank first."""
        words = [w for w in query.lower().split() if w][:8]
        if not words:
            return []
        scored: list[tuple[int, SearchHit]] = []
        candidates = [(p.slug, None, p.title, p.summary + " " + p.text) for p in self.pages()]
        try:
            candidates += [(GLOSSARY_SLUG, head.anchor, head.title, text)
                           for head, text in self.glossary().sections]
        except NotFound:
            pass
        for slug, anchor, title, text in candidates:
            hay_title, hay_text = title.lower(), text.lower()
            if all(w in hay_title or w in hay_text for w in words):
                score = sum(3 * hay_title.count(w) + hay_text.count(w) for w in words)
                scored.append((score, SearchHit(slug, anchor, title, _snippet(text, words[0]))))
        scored.sort(key=lambda pair: (-pair[0], pair[1].title.lower()))
        return [hit for _, hit in scored[:limit]]


def _snippet(text: str, word: str, width: int = 160) -> str:
    """About `width` characters of text around the first occurrence of word."""
    at = text.lower().find(word)
    start = max(0, at - width // 3) if at >= 0 else 0
    piece = text[start:start + width].strip()
    return ("…" if start > 0 else "") + piece + ("…" if start + width < len(text) else "")
