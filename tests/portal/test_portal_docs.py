"""Docs and Glossary: markdown from CONTENT_DIR, sanitized, with headings' anchors, a TOC and search."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app.config import ROOT
from app.services import state_machines as sm
from app.services.docs import DocsLibrary
from app.services.errors import NotFound

EVIL = """---
title: Evil page
order: 1
---
# Evil page

Hello <script>alert('x')</script> world <img src=x onerror="alert(1)">

[click](javascript:alert(2)) and [fine](https://example.com/ok)

## Section one

### Sub part

## Section one
"""


@pytest.fixture()
def library(tmp_path: Path) -> DocsLibrary:
    (tmp_path / "evil.md").write_text(EVIL)
    (tmp_path / "plain.md").write_text("# Plain title\n\nSome **bold** text about warehouses.\n")
    (tmp_path / "glossary.md").write_text("# Glossary\n\n## Warehouse\nA SQL compute cluster.\n\n## Kafka\nTopics.\n")
    (tmp_path / "Upper.md").write_text("# not a valid slug\n")
    (tmp_path.parent / "secret.md").write_text("# Secret outside the content folder\n")
    return DocsLibrary(tmp_path)


def test_rendering_is_sanitized(library: DocsLibrary) -> None:
    page = library.page("evil")
    html = str(page.html)
    assert "<script" not in html and "<img" not in html and "href=\"javascript" not in html
    assert "&lt;script&gt;" in html  # raw HTML is shown as text, never run
    assert '<a href="https://example.com/ok" rel="noopener noreferrer nofollow">fine</a>' in html


def test_headings_get_unique_anchors_and_toc(library: DocsLibrary) -> None:
    page = library.page("evil")
    assert page.title == "Evil page" and page.order == 1
    assert [(t.level, t.anchor) for t in page.toc] == [(2, "section-one"), (3, "sub-part"), (2, "section-one-2")]
    assert '<h2 id="section-one">' in page.html and '<h2 id="section-one-2">' in page.html


def test_title_from_first_heading_and_ordering(library: DocsLibrary) -> None:
    assert [p.slug for p in library.pages()] == ["evil", "plain"]  # glossary and invalid slugs are not pages
    assert library.page("plain").title == "Plain title"


@pytest.mark.parametrize("slug", ["nope", "../secret", "..", "Upper", "evil.md", "a/b", "", "glossary", "x" * 80])
def test_unknown_or_invalid_slugs_are_not_found(library: DocsLibrary, slug: str) -> None:
    with pytest.raises(NotFound):
        library.page(slug)


def test_search_titles_text_and_glossary_terms(library: DocsLibrary) -> None:
    hits = library.search("warehouse")
    assert [(h.slug, h.anchor) for h in hits] == [("glossary", "warehouse"), ("plain", None)]  # title match first
    assert "warehouses" in hits[1].snippet
    assert [h.slug for h in library.search("EVIL page")] == ["evil"]
    assert library.search("warehouse kafka") == []  # every word must match
    assert library.search("   ") == []


def test_glossary_terms_have_anchors(library: DocsLibrary) -> None:
    glossary = library.glossary()
    assert [t.anchor for t in glossary.toc] == ["warehouse", "kafka"]


# ---- the shipped content, through HTTP ---------------------------------------------------------------------

def test_docs_index_lists_starter_pages(client: FlaskClient) -> None:
    page = client.get("/docs").get_data(as_text=True)
    for slug in ("filing-incidents", "workflows", "status-and-roadmap", "embedding"):
        assert f'href="/docs/{slug}"' in page
        assert client.get(f"/docs/{slug}").status_code == 200
    assert 'aria-current="page">Docs' in page and 'role="search"' in page


def test_doc_page_has_toc_links_to_its_headings(client: FlaskClient) -> None:
    page = client.get("/docs/filing-incidents").get_data(as_text=True)
    assert '<a href="#choosing-a-severity">Choosing a severity</a>' in page
    assert '<h2 id="choosing-a-severity">' in page


def test_unknown_and_traversal_slugs_are_404(client: FlaskClient) -> None:
    for path in ("/docs/nope", "/docs/..%2F..%2Fpyproject", "/docs/%2e%2e", "/docs/Workflows", "/docs/workflows.md"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "[project]" not in response.get_data(as_text=True)


def test_search_page_and_htmx_partial(client: FlaskClient) -> None:
    page = client.get("/docs?q=severity").get_data(as_text=True)
    assert 'href="/docs/filing-incidents"' in page and 'href="/glossary#severity"' in page
    partial = client.get("/docs?q=frame-ancestors", headers={"HX-Request": "true", "HX-Request-Type": "partial"})
    body = partial.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="docs-results"') and 'href="/docs/embedding"' in body
    empty = client.get("/docs?q=zzzqqq").get_data(as_text=True)
    assert "No page or glossary term mentions all of those words." in empty


def test_glossary_page_anchors_per_term(client: FlaskClient) -> None:
    page = client.get("/glossary").get_data(as_text=True)
    assert 'aria-current="page">Glossary' in page
    for term in ("triager", "reporter", "mitigated", "major-outage", "platform-request"):
        assert f'<h2 id="{term}">' in page and f'href="#{term}"' in page


def test_workflows_page_is_true_to_the_state_machines() -> None:
    """Every transition of every workflow is a row of the table with its roles and note, and nothing else is."""
    text = (ROOT / "content" / "workflows.md").read_text()
    cells = [[c.strip() for c in line.strip().strip("|").split("|")] for line in text.splitlines()
             if line.startswith("| ") and not line.startswith(("| From", "| ---"))]
    documented = {tuple(row) for row in cells}
    expected = {
        (t.from_state, t.to_state, "triager, author too" if t.author_may else t.min_role.label,
         f"{t.note_label} required" if t.note_required else "")
        for wf in sm.WORKFLOWS.values() for t in wf["transitions"]
    }
    assert documented == expected
    for item_type, wf in sm.WORKFLOWS.items():
        for state in wf["states"]:
            assert f"**{state.replace('_', ' ')}**" in text or f"{state.replace('_', ' ')}" in text, (item_type, state)
