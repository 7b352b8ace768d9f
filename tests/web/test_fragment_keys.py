"""A cached partial may read only what its key carries: the context it is rendered from (which the
fragment cache turns into the key) and a few globals that do not depend on the request or the user."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from flask import Flask
from jinja2 import DictLoader, Environment, meta, nodes

from app.core.context import services
from app.services.fragments import fragment_key
from app.web.fragment_cache import FragmentCache
from tests.web.helpers import BOB

# Request-independent globals: url_for is keyed by the mount point (see fragment_cache._mount_point).
SAFE_GLOBALS = frozenset({"url_for"})
MACRO_LIBRARIES = ("work_items/_macros.html", "portal/_macros.html")  # imported by the partials that use them


def bare(env: Environment) -> Environment:
    """The same templates and syntax without any globals: Jinja leaves globals out of the names a template
    reads, and a cached partial must not read request-dependent ones (csrf_token, has_endpoint) either."""
    return Environment(loader=env.loader, extensions=list(env.extensions))


def names_read(env: Environment, template: str, follow: bool = True) -> set[str]:
    """Every name `template` (and, with `follow`, whatever it includes) reads from its context or the globals.
    Imported macro libraries are not followed: their macros see only their arguments (checked below)."""
    source = env.loader.get_source(env, template)[0]  # type: ignore[union-attr]
    tree = env.parse(source)
    names = set(meta.find_undeclared_variables(tree))
    for include in tree.find_all(nodes.Include) if follow else ():
        if isinstance(include.template, nodes.Const):
            names |= names_read(env, include.template.value)
    return names


def unkeyed_reads(env: Environment, template: str, context_names: set[str]) -> set[str]:
    """Names the partial reads that neither its context (its key) nor a safe global carries."""
    return names_read(env, template) - context_names - SAFE_GLOBALS


def _record_cached_partials(app: Flask, monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """template -> context names, for every cached partial the pages below render."""
    seen: dict[str, set[str]] = {}
    original = FragmentCache._get

    def recording(self: FragmentCache, template: str, root: str, context: dict[str, Any]) -> Any:
        seen.setdefault(template, set(context)).intersection_update(context)  # names every call site passes
        return original(self, template, root, context)

    monkeypatch.setattr(FragmentCache, "_get", recording)
    return seen


def test_every_cached_partial_reads_only_what_its_key_carries(app: Flask, client: Any, make_item: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _record_cached_partials(app, monkeypatch)
    item = make_item()
    services(app).work_items.comment(BOB, item.id, "A comment")
    services(app).work_items.vote(BOB, item.id)
    for path in ("/work-items", "/work-items?platform=kafka", f"/work-items/{item.id}", "/status", "/roadmap"):
        assert client.get(path).status_code == 200, path
    assert {"work_items/_row.html", "work_items/_entry.html", "work_items/_item_facts.html",
            "work_items/_filters.html", "work_items/_comment_body.html", "_site_nav.html"} <= set(seen)
    problems = {t: unkeyed_reads(bare(app.jinja_env), t, names) for t, names in seen.items()}
    assert not any(problems.values()), problems


def test_the_macro_libraries_read_nothing_from_the_request(app: Flask) -> None:
    """Macros read their arguments (the textarea's preview include sees the macro's own arguments)."""
    for template in MACRO_LIBRARIES:
        assert names_read(bare(app.jinja_env), template, follow=False) <= SAFE_GLOBALS, template


def test_the_check_catches_a_partial_reading_what_its_key_lacks() -> None:
    env = Environment(loader=DictLoader(SOURCES))
    assert unkeyed_reads(env, "row", {"item"}) == {"actor"}
    assert unkeyed_reads(env, "outer", {"item"}) == {"csrf_token"}, "reads inside included partials count too"


SOURCES = {"row": "{{ item.title }}{% if actor %} mine{% endif %}{{ url_for('x') }}",
           "outer": "{{ item.id }}{% include 'inner' %}", "inner": "{{ csrf_token() }}"}


def test_keys_change_with_the_item_version_and_refuse_unknown_values(make_item: Any) -> None:
    item = make_item()
    newer = dataclasses.replace(item, version=item.version + 1, title="Changed")
    assert fragment_key({"item": item, "votes": 1}) != fragment_key({"item": newer, "votes": 1})
    assert fragment_key({"item": item, "votes": 1}) != fragment_key({"item": item, "votes": 2})
    assert fragment_key({"item": item}) != fragment_key({"item": item, "signed_in": True})
    with pytest.raises(TypeError):
        fragment_key({"actor": object()})
