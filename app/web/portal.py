"""Status, Roadmap, Docs and Glossary pages: parse the request, call one service function, render."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, redirect, render_template, request, url_for

from app.core.context import current_actor, services
from app.core.rate_limit import limit
from app.models.flags import flag_or_none
from app.services.errors import ValidationError
from app.web.rendering import render, render_fragment, wants_fragment

bp = Blueprint("portal", __name__)


def register_portal(app: Flask) -> None:
    """Register the portal pages and the embeds (their services are in the container create_app built)."""
    from app.web.embed import bp as embed_bp

    app.register_blueprint(bp)
    app.register_blueprint(embed_bp)


@bp.get("/status")
def status() -> Response:
    board = services().portal.status(current_actor())
    return render("portal/status.html", "portal/_status_board.html", board=board, active_section="status")


@bp.get("/roadmap")
def roadmap() -> Response:
    columns = services().portal.roadmap(current_actor())
    return render("portal/roadmap.html", "portal/_roadmap_board.html", columns=columns, active_section="roadmap")


@bp.post("/roadmap/<item_id>/vote")
@limit("vote")
def vote(item_id: str) -> Response:
    """Cast (voted=1) or withdraw (voted=0) the caller's vote; htmx gets the new toggle, forms a redirect."""
    raw = request.form.get("voted", "1")
    wanted = flag_or_none(raw) if raw.strip() else None
    if wanted is None:
        raise ValidationError({"voted": "Send voted=1 to vote or voted=0 to take your vote back."})
    voted, count = services().work_items.vote(current_actor(), item_id[:64], wanted)
    if not wants_fragment():
        return redirect(url_for("portal.roadmap", _anchor=f"card-{item_id}"), code=303)
    return render_fragment("portal/_vote.html", item_id=item_id, voted=voted, votes=count, can_vote=True,
                           signed_in=True)


@bp.get("/docs")
def docs_index() -> Response:
    query = request.args.get("q", "")[:200]
    pages, hits = services().docs.index(query)
    return render("portal/docs_index.html", "portal/_docs_results.html", pages=pages, hits=hits, query=query,
                  active_section="docs")


@bp.get("/docs/<slug>")
def doc(slug: str) -> str:
    page = services().docs.page(slug)
    return render_template("portal/doc.html", page=page, active_section="docs")


@bp.get("/glossary")
def glossary() -> str:
    page = services().docs.glossary()
    return render_template("portal/glossary.html", page=page, active_section="glossary")
