"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitizes. Used for descriptions, comments, notes, previews.

Rendering cost is bounded (issue #11: 250 000 `[` took 5.9 s of CPU). Block nesting (`>`, lists) is capped
by markdown-it's maxNesting; inline parsing costs up to ~15 µs per markup character (`[` is the worst: each
unclosed one scans ahead for its label), so a text whose paragraphs, headings and table cells hold more
than MAX_INLINE_MARKUP markup characters keeps its block structure but shows inline markup literally;
tables need few enough `|` (MAX_TABLE_PIPES); and a text longer than MAX_MARKDOWN (longer than any field
may be stored) or of more than MAX_LINES lines is shown as escaped plain text. Worst cases measured on
the shared 2-core box (load 4-5): 76 ms at most (tests/unit/test_markdown_cost.py keeps them under 250 ms).

Bare URLs (http:// and https://) and emails become links (markdown-it's linkify, which needs linkify-it-py),
unless a text holds more than MAX_LINKS candidates; nh3 still checks every link's scheme and gives it
rel="noopener noreferrer nofollow".
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, inline, linkify, text_join
from markdown_it.token import Token
from markupsafe import Markup, escape

MAX_MARKDOWN = 20_000  # the longest text a field may hold (a description)
MAX_LINES = 1_000  # block parsing costs ~10-30 µs a line (list items ~60 µs), even blank ones
MAX_INLINE_MARKUP = 1_000
MAX_TABLE_PIPES = 1_500  # table parsing costs ~30 µs a row: beyond this many `|`, tables stay text
MAX_LINKS = 300  # bare-link candidates (`://`, `@`) cost ~35 µs each to link: beyond this many, none are
MARKUP_CHARS = frozenset("[]()!*_~`<>&\\|")
_OPTIONS = {"html": False, "linkify": True, "typographer": False, "maxNesting": 20}
INLINE_RULES = ["escape", "backticks", "emphasis", "link", "image", "autolink", "html_inline", "entity",
                "strikethrough", "linkify"]


@functools.cache
def _parser(tables: bool, inline: bool = True, blocks_only: bool = False, links: bool = True) -> MarkdownIt:
    """The renderer for one cost class: with or without tables, inline markup parsed or shown literally,
    bare URLs linked or not."""
    md = MarkdownIt("commonmark", _OPTIONS).enable(["table", "strikethrough", "linkify"] if tables
                                                   else ["strikethrough", "linkify"])
    # Link what nh3 keeps (http, https, mailto), and no bare domains: "app.py" is not a link to Paraguay.
    md.linkify.add("ftp:", None).add("//", None).set({"fuzzy_link": False})
    if not inline:
        md.disable(INLINE_RULES)
    if not links:
        md.disable("linkify")
    if blocks_only:
        md.disable("inline")
    return md


_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"},
               "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}}


def inline_markup(tokens: list[Token]) -> int:
    """How many markup characters inline parsing would see (code blocks and fences are not inline-parsed)."""
    return sum(1 for token in tokens if token.type == "inline" for char in token.content if char in MARKUP_CHARS)


def _align_cells(tokens: list[Token]) -> None:
    """Column alignment as an `align` attribute: markdown-it writes a style attribute, which nh3 drops (and the
    CSP would refuse), so aligned columns lost their alignment."""
    for token in tokens:
        style = token.attrs.get("style") if token.type in ("th_open", "td_open") else None
        if isinstance(style, str) and style.startswith("text-align:"):
            del token.attrs["style"]
            token.attrs["align"] = style.removeprefix("text-align:")


def _parse(text: str, tables: bool) -> tuple[MarkdownIt, list[Token], dict[str, object]]:
    """Parse the blocks once, then parse their inline content with markup or literally, as it costs."""
    env: dict[str, object] = {}
    tokens = _parser(tables, blocks_only=True).parse(text, env)
    literal = inline_markup(tokens) > MAX_INLINE_MARKUP
    links = not literal and text.count("://") + text.count("@") <= MAX_LINKS
    md = _parser(tables, inline=not literal, links=links)
    state = StateCore(text, md, env, tokens)
    inline(state)
    if links:  # the core rule links the emails in the text tokens inline parsing left
        linkify(state)
    text_join(state)
    _align_cells(tokens)
    return md, tokens, env


def _plain(text: str) -> bool:
    """Texts shown as escaped plain text, never parsed (see the module docstring)."""
    return len(text) > MAX_MARKDOWN or text.count("\n") > MAX_LINES


def markdown_tokens(text: str) -> list[Token]:
    """The tokens render_markdown renders `text` from (same cost classes), for readers such as
    app/services/mentions.py, which must see code spans exactly where the page shows them."""
    text = text or ""
    return [] if _plain(text) else _parse(text, tables=text.count("|") <= MAX_TABLE_PIPES)[1]


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str, rewrite: Callable[[list[Token]], None] | None = None) -> Markup:
    """Render user markdown to HTML that is safe to embed: no scripts, handlers or javascript: links.
    Pathological texts get a cheaper rendering (see the module docstring) instead of seconds of CPU.
    `rewrite` (hashable: it is part of the cache key) may change the parsed tokens before they are
    rendered, e.g. turn @mentions into links; its output is sanitized like everything else."""
    text = text or ""
    if _plain(text):
        return Markup('<pre class="plain-text">') + escape(text) + Markup("</pre>")
    md, tokens, env = _parse(text, tables=text.count("|") <= MAX_TABLE_PIPES)
    if rewrite is not None:
        rewrite(tokens)
    return sanitize_html(md.renderer.render(tokens, md.options, env))


def sanitize_html(html: str) -> Markup:
    """Sanitize HTML produced elsewhere (e.g. rendered docs with heading ids) with the same rules."""
    return Markup(nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                            tag_attribute_values={"a": {"class": {"mention"}}},  # @mentions (mentions.py)
                            link_rel="noopener noreferrer nofollow"))
