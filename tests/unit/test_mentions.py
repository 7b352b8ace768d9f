"""@mentions: found in markdown tokens (not in code or links), resolved through the directory, linked when shown."""

from __future__ import annotations

from app.services import mentions
from app.services.markdown import sanitize_html
from app.services.people import Snapshot, build_directory

PEOPLE = build_directory(["bob@example.com", "alice@example.com", "alice@other.org", "dana.k@corp.io"])
DIRECTORY = Snapshot(frozenset(), PEOPLE, {p.email: p.email for p in PEOPLE} | {p.handle: p.email for p in PEOPLE})


def test_handles_and_emails_of_known_people_are_mentions() -> None:
    text = "Thanks @bob and @dana.k, and @alice@other.org."
    assert mentions.extract(text, DIRECTORY) == {"bob@example.com", "dana.k@corp.io", "alice@other.org"}


def test_unknown_and_ambiguous_handles_are_not_mentions() -> None:
    assert mentions.extract("@nobody @alice @stranger@example.com", DIRECTORY) == set()


def test_code_spans_code_blocks_and_links_hold_no_mentions() -> None:
    text = "`@bob` here\n\n```\n@bob in a fence\n```\n\n    @bob indented code\n\n[@bob](https://x.test) <https://@bob.io>"
    assert mentions.extract(text, DIRECTORY) == set()
    assert mentions.extract(text + "\n\nbut @bob here", DIRECTORY) == {"bob@example.com"}


def test_an_email_address_is_not_a_mention_of_its_domain() -> None:
    assert mentions.extract("write to bob@example.com or x@bob", DIRECTORY) == set()


def test_mentions_in_lists_quotes_and_emphasis_count() -> None:
    text = "- item @bob\n\n> quoted @dana.k\n\n**@alice@example.com**"
    assert mentions.extract(text, DIRECTORY) == {"bob@example.com", "dana.k@corp.io", "alice@example.com"}


def test_rendering_links_known_mentions_and_leaves_the_rest_as_text() -> None:
    html = str(mentions.render("Hi @bob, `@bob`, @nobody", people=DIRECTORY, list_url="/desk/work-items"))
    assert html.count('class="mention"') == 1
    assert '<a href="/desk/work-items?assignee=bob@example.com" class="mention" title="bob@example.com"' in html
    assert "<code>@bob</code>" in html and "@nobody" in html


def test_rendering_without_a_directory_links_nothing() -> None:
    assert 'class="mention"' not in str(mentions.render("Hi @bob"))


def test_mention_links_stay_sanitized() -> None:
    html = str(mentions.render("@bob <script>alert(1)</script> [x](javascript:alert(1))", people=DIRECTORY))
    assert "<script" not in html and 'href="javascript' not in html and 'class="mention"' in html
    forged = '<a class="evil mention" href="/x">x</a>'  # only the exact class "mention" survives
    assert str(sanitize_html(forged)) == '<a href="/x" rel="noopener noreferrer nofollow">x</a>'
