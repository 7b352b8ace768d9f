"""Status, Roadmap, Docs and Glossary pages: parse the request, call one service function, render."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, redirect, render_template, request
from werkzeug.wrappers import Response

from app.core.context import current_actor, services
from app.core.rate_limit import limit
from app.services.docs import DocsLibrary
from app.services.errors import DomainError, ValidationError
from app.services.portal import PortalService

bp = Blueprint("portal", __name__)
VOTE_VALUES = {"1": True, "true": True, "on": True, "yes": True, "0": False, "false": False, "off": False, "no": False}


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


def wants_partial() -> bool:
    """An htmx request that swaps a fragment (not a boosted full-page navigation)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Request-Type") != "full"


def _page(full: str, partial: str, **context: object) -> Response:
    """The full page, or only its swappable partial for htmx; both vary on the htmx headers."""
    response = current_app.make_response(render_template(partial if wants_partial() else full, **context))
    response.vary.update(("HX-Request", "HX-Request-Type"))
    return response


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> tuple[str, int]:
    """Domain errors as a page (or a small fragment for htmx) with the error's status code."""
    template = "portal/_error.html" if wants_partial() else "portal/error.html"
    return render_template(template, error=error, active_section=None), error.status


@bp.get("/status")
def status() -> Response:
    board = portal_service().status(current_actor())
    return _page("portal/status.html", "portal/_status_board.html", board=board, active_section="status")


@bp.get("/roadmap")
def roadmap() -> Response:
    columns = portal_service().roadmap(current_actor())
    return _page("portal/roadmap.html", "portal/_roadmap_board.html", columns=columns, active_section="roadmap")


@bp.post("/roadmap/<item_id>/vote")
@limit("vote")
def vote(item_id: str) -> Response | str:
    """Cast (voted=1) or withdraw (voted=0) the caller's vote; htmx gets the new toggle, forms a redirect."""
    raw = request.form.get("voted", "1").strip().lower()
    if raw not in VOTE_VALUES:
        raise ValidationError({"voted": "Send voted=1 to vote or voted=0 to take your vote back."})
    wanted = VOTE_VALUES[raw]
    voted, count = services().work_items.vote(current_actor(), item_id[:64], wanted)
    if not wants_partial():
        return redirect(f"/roadmap#card-{item_id}", code=303)
    return render_template("portal/_vote.html", item_id=item_id, voted=voted, votes=count, signed_in=True)


@bp.get("/docs")
def docs_index() -> Response:
    query = request.args.get("q", "")[:200]
    pages, hits = docs_library().index(query)
    return _page("portal/docs_index.html", "portal/_docs_results.html", pages=pages, hits=hits, query=query,
                 active_section="docs")


@bp.get("/docs/<slug>")
def doc(slug: str) -> str:
    page = docs_library().page(slug)
    return render_template("portal/doc.html", page=page, active_section="docs")


@bp.get("/glossary")
def glossary() -> str:
    page = docs_library().glossary()
    return render_template("portal/glossary.html", page=page, active_section="glossary")
