"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitizes. Used for descriptions, comments, docs."""

from __future__ import annotations

import functools

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_md.enable("strikethrough")

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"},
               "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}}


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Render user markdown to HTML that is safe to embed: no scripts, handlers or javascript: links."""
    html = _md.render(text or "")
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


def sanitize_html(html: str) -> Markup:
    """Sanitize HTML produced elsewhere (e.g. rendered docs with heading ids) with the same rules."""
    return Markup(nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                            link_rel="noopener noreferrer nofollow"))
