"""Status, Roadmap, Docs and Glossary pages: parse the request, call one service function, render."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, redirect, render_template, request, url_for

from app.core.context import current_actor, services
from app.core.rate_limit import limit
from app.models.flags import flag_or_none
from app.services.docs import DocsLibrary
from app.services.errors import ValidationError
from app.services.portal import PortalService
from app.web.rendering import render, render_fragment, wants_fragment

bp = Blueprint("portal", __name__)


def init_portal(app: Flask) -> None:
    """Build the portal and docs services next to the work item service and register both blueprints."""
    from app.web.embed import bp as embed_bp

    app.extensions["dd_portal"] = PortalService(app.extensions["deltadesk"].work_items)
    app.extensions["dd_docs"] = DocsLibrary(app.config["DD"]["CONTENT_DIR"])
    app.register_blueprint(bp)
    app.register_blueprint(embed_bp)


def portal_service() -> PortalService:
    return current_app.extensions["dd_portal"]


def docs_library() -> DocsLibrary:
    return current_app.extensions["dd_docs"]


@bp.get("/status")
def status() -> Response:
    board = portal_service().status(current_actor())
    return render("portal/status.html", "portal/_status_board.html", board=board, active_section="status")


@bp.get("/roadmap")
def roadmap() -> Response:
    columns = portal_service().roadmap(current_actor())
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
    return render_fragment("portal/_vote.html", item_id=item_id, voted=voted, votes=count, signed_in=True)


@bp.get("/docs")
def docs_index() -> Response:
    query = request.args.get("q", "")[:200]
    pages, hits = docs_library().index(query)
    return render("portal/docs_index.html", "portal/_docs_results.html", pages=pages, hits=hits, query=query,
                  active_section="docs")


@bp.get("/docs/<slug>")
def doc(slug: str) -> str:
    page = docs_library().page(slug)
    return render_template("portal/doc.html", page=page, active_section="docs")


@bp.get("/glossary")
def glossary() -> str:
    page = docs_library().glossary()
    return render_template("portal/glossary.html", page=page, active_section="glossary")
