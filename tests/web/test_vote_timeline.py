"""Issue #12, item 11: an htmx vote's answer brings the timeline along (out of band), so the timeline never says
"voted for it" after the vote was withdrawn, and the create form's error summary takes focus (item 10)."""

from __future__ import annotations

import re

from tests.web.helpers import post


def _timeline(html: str) -> str:
    match = re.search(r'<ol id="timeline" class="timeline" hx-swap-oob="true">(.*?)</ol>', html, re.S)
    assert match, "the vote answer carries no out-of-band timeline"
    return match.group(1)


def test_vote_and_unvote_answers_carry_the_timeline_out_of_band(client, make_item):
    item = make_item()
    voted = _timeline(post(client, f"/work-items/{item.id}/vote", {"voted": "1"}, htmx=True).get_data(as_text=True))
    assert "voted for it" in voted and "withdrew their vote" not in voted
    undone = post(client, f"/work-items/{item.id}/vote", {"voted": "0"}, htmx=True).get_data(as_text=True)
    entries = re.findall(r'<p class="entry-meta">(.*?)</p>', _timeline(undone), re.S)
    assert "withdrew their vote" in entries[-1] and "voted for it" in entries[-2]
    assert 'aria-pressed="false"' in undone  # the button itself is still the main swap


def test_a_refused_create_autofocuses_the_error_summary(client):
    response = post(client, "/work-items/new", {"item_type": "improvement", "title": "ab"}, htmx=True)
    assert response.status_code == 422
    assert '<div class="error-summary" role="alert" tabindex="-1" autofocus>' in response.get_data(as_text=True)
