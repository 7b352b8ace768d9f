"""Rendered HTML of small partials whose output depends only on a key ("Russian doll" caching).

A list page renders 25-100 rows and a detail page a timeline of dozens of entries; rendering each one
through Jinja (macros, escaping, url_for) is most of a page's cost. A row is fully determined by its
item's id and version plus its vote count, and a timeline entry by its event or comment id (events
and comments never change), so their HTML can be reused across requests and users. The key is not
written by the caller: it is derived from the context the partial is rendered from
(app.services.fragments.fragment_key), so it names everything the partial can read; a test checks
that cached partials read nothing but that context and a few request-independent globals. Nothing is
ever invalidated, old keys simply stop being asked for and the cache drops its oldest half when it
grows past its bound.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app, has_request_context, request
from markupsafe import Markup

from app.bounded_cache import BoundedCache
from app.services.fragments import fragment_key

MAX_ENTRIES = 20_000  # about 0.5-1 KB each: tens of MiB at most


class FragmentCache:
    """`cached_partial(template, **context)` in templates: the partial's HTML for this context."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._html: BoundedCache[Markup] = BoundedCache(max_entries)

    def __call__(self, template: str, /, **context: Any) -> Markup:
        """The cached HTML, or the partial rendered now from `context` alone and kept: no context
        processors run, so a cached partial cannot show anything about the current user by mistake."""
        return self._get(template, _mount_point(), context)

    def each(self, template: str, contexts: Iterable[dict[str, Any]]) -> Markup:
        """The partial once per context, joined: one call from the template for a whole list."""
        root = _mount_point()
        return Markup("".join([self._get(template, root, context) for context in contexts]))

    def _get(self, template: str, root: str, context: dict[str, Any]) -> Markup:
        full_key = (template, root, fragment_key(context))
        html = self._html.get(full_key)
        if html is None:
            html = self._html.put(full_key, Markup(current_app.jinja_env.get_template(template).render(**context)))
        return html

    def __len__(self) -> int:
        return len(self._html)


def _mount_point() -> str:
    """Links in a partial depend on where the app is mounted; outside a request there is no mount point."""
    return request.script_root if has_request_context() else ""


def init_fragment_cache(app: Flask) -> None:
    """One cache per app, offered to templates as `cached_partial`."""
    app.jinja_env.globals["cached_partial"] = FragmentCache(app.config.get("FRAGMENT_CACHE_ENTRIES", MAX_ENTRIES))
