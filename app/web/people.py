"""People: the directory's active search (`GET /people?q=`), "Assign to me", and @mention links in markdown.

`/people` answers htmx with the `_people_options.html` listbox that the assignee combobox and the
mention autocomplete (static/js/combobox.js) show, and a plain page otherwise. "Assign to me" posts like
every other write: CSRF, the transition rate limit, `expected_version` (409 when stale), an audited update;
htmx gets the changed detail or triage row back, a plain form a redirect to where it came from.
"""

from __future__ import annotations

import re

from flask import Blueprint, Flask, Response, g, has_request_context, redirect, request, url_for
from markupsafe import Markup

from app.core.context import current_actor, services
from app.core.rate_limit import limit
from app.core.redirects import safe_next
from app.services import mentions
from app.services.assignment import assign_to_me
from app.web.detail import after_write
from app.web.rendering import render, render_fragment, wants_fragment

bp = Blueprint("people", __name__)
LISTBOX_ID = re.compile(r"[a-z][a-z0-9-]{0,39}")


@bp.get("/people")
def search() -> Response:
    """Known people matching `q`: the listbox options for htmx, a page of them otherwise."""
    q = request.args.get("q", "")[:200]
    listbox = request.args.get("listbox", "")
    listbox = listbox if LISTBOX_ID.fullmatch(listbox) else "people-listbox"
    found = services().people.lookup(current_actor(), q)
    return render("people/index.html", "work_items/_people_options.html", people=found, q=q, listbox=listbox,
                  list_url=url_for("tickets.list_items"), active_section="tickets")


@bp.post("/work-items/<item_id>/assign-to-me")
@limit("transition")
def assign_self(item_id: str) -> Response:
    """Take the item (triagers); the detail facts or the triage row swap in place, or a 303 back."""
    view = assign_to_me(services().work_items, current_actor(), item_id, request.form.get("expected_version"))
    if not wants_fragment():
        return redirect(safe_next(request.form.get("next"), url_for("tickets.detail", item_id=item_id)), 303)
    if request.form.get("from") == "row":
        return render_fragment("work_items/_triage_row.html", item=view.item, votes=view.vote_count,
                               assign_as=view.item.assignee, next=request.form.get("next", ""))
    return after_write(item_id, "work_items/_item.html")


def markdown_with_mentions(text: str) -> Markup:
    """The `markdown` template filter: user markdown, with mentions of known people linked to their items.
    The directory snapshot is taken once per request (g); outside a request mentions stay text."""
    if not has_request_context():
        return mentions.render(text)
    if "people_snapshot" not in g:
        g.people_snapshot = services().people.snapshot()
    return mentions.render(text, people=g.people_snapshot, list_url=url_for("tickets.list_items"))


def register_people(app: Flask) -> None:
    """The people blueprint and the mention-aware markdown filter."""
    app.register_blueprint(bp)
    app.jinja_env.filters["markdown"] = markdown_with_mentions
