"""Issue #12, item 12: bare URLs and emails in user markdown become links (still sanitized, still cheap), and
aligned table columns keep their alignment."""

from __future__ import annotations

import time

import pytest

from app.services.markdown import MAX_LINKS, MAX_MARKDOWN, render_markdown

REL = 'rel="noopener noreferrer nofollow"'


def test_a_bare_https_url_becomes_a_safe_link() -> None:
    html = str(render_markdown("The job log is at https://logs.example.com/run/42?tail=1. Please look."))
    assert f'<a href="https://logs.example.com/run/42?tail=1" {REL}>https://logs.example.com/run/42?tail=1</a>.' in html


def test_a_bare_email_becomes_a_mailto_link() -> None:
    assert f'<a href="mailto:bob@example.com" {REL}>bob@example.com</a>' in str(render_markdown("ask bob@example.com"))


def test_code_and_explicit_links_are_left_as_they_were() -> None:
    html = str(render_markdown("`https://in.code.example`\n\n```\nhttps://in.fence.example\n```\n\n"
                               "[the runbook](https://rb.example) <https://angle.example>"))
    assert "<code>https://in.code.example</code>" in html and "https://in.fence.example\n</code></pre>" in html
    assert f'<a href="https://rb.example" {REL}>the runbook</a>' in html
    assert html.count("<a ") == 2


@pytest.mark.parametrize("text", ["javascript:alert(1)", "ftp://files.example/x", "//evil.example/x",
                                  "app.py and x.com", "data:text/html,<script>alert(1)</script>"])
def test_unsafe_schemes_and_bare_domains_stay_text(text: str) -> None:
    html = str(render_markdown(text))
    assert "<a" not in html and "<script" not in html


def test_beyond_max_links_candidates_text_stays_plain_and_cheap() -> None:
    text = " ".join(f"https://h{n}.example.com" for n in range(MAX_LINKS + 1))
    assert "<a " not in str(render_markdown(text))
    assert str(render_markdown(text[: text.index(" https://h10.")])).count("<a ") == 10


@pytest.mark.parametrize("unit", ["https://a.example.com/x ", "a@b.com ", "http://", "a@", "www.a "])
def test_link_heavy_texts_render_within_budget(unit: str) -> None:
    text = (unit * (MAX_MARKDOWN // len(unit)))[:MAX_MARKDOWN]
    best = float("inf")
    for _ in range(3):
        render_markdown.cache_clear()
        start = time.perf_counter()
        render_markdown(text)
        best = min(best, time.perf_counter() - start)
    assert best < 0.25


def test_aligned_table_columns_keep_their_alignment() -> None:
    """markdown-it writes style="text-align:…", which nh3 drops: the alignment travels as `align` instead."""
    html = str(render_markdown("| a | b | c |\n| ---: | :-: | --- |\n| 1 | 2 | 3 |"))
    assert '<th align="right">a</th>' in html and '<td align="center">2</td>' in html and "<td>3</td>" in html
    assert "style" not in html
