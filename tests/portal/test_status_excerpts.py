"""Status board entries as plain text (issue #12, item 5): the latest timeline entry and the resolution notes
show the words of their markdown, never the markup itself, and never as HTML."""

from __future__ import annotations

from flask.testing import FlaskClient

from app.services.excerpts import EXCERPT_LENGTH, SOURCE_LIMIT, plain_excerpt
from app.services.work_items import WorkItemService
from tests.portal.support import TRIAGER, incident, move

MARKDOWN = ("**Bold** move: see [the runbook](https://runbooks.example/kafka) and `kafkactl lag`\n\n"
            "```\nrm -rf /var/lib/kafka\n```\n")


def _resolved_entry(page: str, item_id: str) -> str:
    return page.split(f'id="resolved-{item_id}"', 1)[1].split("</li>", 1)[0]


def test_the_latest_comment_is_shown_as_plain_text(client: FlaskClient, live_items: WorkItemService) -> None:
    item = incident(live_items, "sev2", title="Consumers lagging")
    live_items.comment(TRIAGER, item.id, MARKDOWN)
    page = client.get("/status").get_data(as_text=True)
    assert "Comment: Bold move: see the runbook and kafkactl lag" in page
    for raw in ("**Bold**", "[the runbook]", "runbooks.example", "`kafkactl", "```", "rm -rf"):
        assert raw not in page, raw


def test_resolution_notes_are_shown_as_plain_text(client: FlaskClient, live_items: WorkItemService) -> None:
    item = move(live_items, incident(live_items, "sev1", title="Broker down"), "triaged", "investigating")
    note = "Restarted the **broker**; details in [INC-9](https://wiki.example/inc-9).\n\n# Follow-up\n- add alerts"
    live_items.transition(TRIAGER, item.id, "resolved", item.version, note)
    entry = _resolved_entry(client.get("/status").get_data(as_text=True), item.id)
    assert "Moved from investigating to resolved: Restarted the broker; details in INC-9. Follow-up add alerts" in entry
    assert "**" not in entry and "wiki.example" not in entry and "# Follow-up" not in entry


def test_html_in_an_entry_stays_text(client: FlaskClient, live_items: WorkItemService) -> None:
    item = incident(live_items, "sev3", title="Odd one")
    live_items.comment(TRIAGER, item.id, "<script>alert(1)</script> <b>done</b>")
    page = client.get("/status").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<b>done</b>" not in page
    assert "Comment: &lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;done&lt;/b&gt;" in page


def test_long_entries_are_cut_at_a_word(client: FlaskClient, live_items: WorkItemService) -> None:
    item = incident(live_items, "sev3", title="Chatty one")
    live_items.comment(TRIAGER, item.id, "_status_ " + "word " * 200)
    page = client.get("/status").get_data(as_text=True)
    shown = page.split("Comment: ", 1)[1].split(" · ", 1)[0]
    assert shown.startswith("status word word") and shown.endswith("word…") and len(shown) <= EXCERPT_LENGTH


def test_plain_excerpt_keeps_the_words_of_every_construct() -> None:
    assert plain_excerpt("# Title\n\n> quoted *text*\n\n1. one\n2. two") == "Title quoted text one two"
    assert plain_excerpt("![a **diagram**](https://x.example/d.png) and ~~old~~ new") == "a diagram and old new"
    assert plain_excerpt("| a | b |\n|---|---|\n| 1 | 2 |") == "a b 1 2"
    assert plain_excerpt("Fish &amp; chips \\*not emphasis\\*\nnext line") == "Fish & chips *not emphasis* next line"
    assert plain_excerpt("    indented code\n\n```\nfenced\n```") == ""
    assert plain_excerpt(None) == "" and plain_excerpt("") == ""


def test_plain_excerpt_of_a_huge_text_parses_only_its_start() -> None:
    text = "[" * 30_000
    assert plain_excerpt(text) == "[" * (EXCERPT_LENGTH - 1) + "…"
    long_words = "a " * SOURCE_LIMIT
    assert plain_excerpt(long_words, length=10) == "a a a a a…"
