"""Comments, votes and the audit trail of one work item over JSON."""

from __future__ import annotations

from flask import Response, jsonify

from app.api import bp
from app.api.parsing import actor, json_object, work_items
from app.core.rate_limit import limit


@bp.get("/work-items/<item_id>/comments")
def list_comments(item_id: str) -> Response:
    """Comments oldest first."""
    detail = work_items().detail(item_id, actor())
    return jsonify({"items": [c.to_dict() for c in detail.comments]})


@bp.post("/work-items/<item_id>/comments")
@limit("comment")
def add_comment(item_id: str) -> tuple[Response, int]:
    """Append a comment (markdown); comments are never edited or deleted."""
    body = json_object(("body",))
    comment = work_items().comment(actor(), item_id, body.get("body"))
    return jsonify(comment.to_dict()), 201


@bp.post("/work-items/<item_id>/vote")
@limit("vote")
def vote(item_id: str) -> Response:
    """Cast the caller's vote; idempotent (voting twice still counts once). The body, if any, is {}."""
    json_object((), optional=True)
    voted, count = work_items().vote(actor(), item_id, True)
    return jsonify({"voted": voted, "vote_count": count})


@bp.delete("/work-items/<item_id>/vote")
@limit("vote")
def unvote(item_id: str) -> Response:
    """Withdraw the caller's vote; idempotent. The body, if any, is {}."""
    json_object((), optional=True)
    voted, count = work_items().vote(actor(), item_id, False)
    return jsonify({"voted": voted, "vote_count": count})


@bp.get("/work-items/<item_id>/events")
def list_events(item_id: str) -> Response:
    """The audit trail in order: who did what, when, at which version."""
    events = work_items().events(item_id, actor())
    return jsonify({"items": [e.to_dict() for e in events]})
