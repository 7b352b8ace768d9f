"""The Status and Roadmap boards as live messages carry them (app/web/stream.py): rendered once per change
per process, whichever stream asks first, and shared by all the others.

The status board is the same for every reader. The roadmap differs in two things only: whether the viewer
may vote (a vote button, or a plain count saying "sign in" or "reporters and above": three variants) and
which cards they voted for. So each variant
is rendered twice, every card voted and no card voted, cut at the cards, and each stream joins the pieces
its viewer's votes pick: a string join per stream, no template. The CSRF token of the vote forms is left as
a marker in the shared HTML and replaced by the viewer's own, so no stream ever carries another's token."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable

from flask import render_template
from markupsafe import Markup

from app.bounded_cache import BoundedCache
from app.core.csrf import csrf_token
from app.services.live_boards import BoardUpdate
from app.services.portal import RoadmapColumn

CARD = '<li class="pt-card" id="card-'  # where each roadmap card starts (templates/portal/_roadmap_board.html)
TOKEN = "\x00csrf\x00"  # stands for the viewer's CSRF token in shared HTML
RENDERED: BoundedCache[object] = BoundedCache(64)  # (topic, generation, signed in) -> HTML or the card pieces
_RENDERING = threading.Lock()


def board_html(board: BoardUpdate, signed_in: bool) -> Markup:
    """The board partial of this update, for this stream's viewer (`board.for_viewer`)."""
    if board.status is not None:
        html = _once(("status", board.generation), lambda: render_template(
            "portal/_status_board.html", board=board.status))
        return Markup(html)
    pieces = _once(("roadmap", board.generation, signed_in, board.can_vote),
                   lambda: _roadmap_pieces(board.roadmap or [], board.can_vote))
    return Markup(viewer_roadmap(pieces, board.my_votes, csrf_token() if signed_in else ""))  # type: ignore[arg-type]


def _once(key: tuple[object, ...], render: Callable[[], object]) -> object:
    """The rendering under `key`: the streams woken by one change all miss at once, the first renders."""
    found = RENDERED.get(key)
    if found is None:
        with _RENDERING:
            found = RENDERED.get(key)
            if found is None:
                found = RENDERED.put(key, render())
    return found


def _roadmap_pieces(columns: list[RoadmapColumn], can_vote: bool) -> tuple[list[str], list[str]]:
    """The board cut before each card, rendered with no card voted and with every card voted."""
    def render(voted: bool) -> list[str]:
        marked = [dataclasses.replace(column, cards=[dataclasses.replace(card, my_vote=voted, can_vote=can_vote)
                                                     for card in column.cards]) for column in columns]
        return render_template("portal/_roadmap_board.html", columns=marked, csrf_token=lambda: TOKEN).split(CARD)

    return render(False), render(True)


def viewer_roadmap(pieces: tuple[list[str], list[str]], my_votes: frozenset[str], token: str) -> str:
    """The shared board with the viewer's own votes pressed and their CSRF token in the forms."""
    plain, voted = pieces
    out = [plain[0]]
    for index, piece in enumerate(plain[1:], start=1):
        card_id = piece.split('"', 1)[0]
        out.append(CARD + (voted[index] if card_id in my_votes else piece))
    return "".join(out).replace(TOKEN, token)
