"""WorkItemService: every use case on work items, with its rules, permissions, concurrency and audit."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from app.models import Actor, Comment, Event, EventType, ItemType, Page, Role, WorkItem, WorkItemDetail
from app.models.work_item import ALL_TYPE_FIELDS
from app.services import state_machines as sm
from app.services.clock import new_id, utcnow
from app.services.errors import (
    Forbidden,
    InvalidTransition,
    NotFound,
    Unauthenticated,
    ValidationError,
    VersionConflict,
)
from app.services.item_keys import canonical_key
from app.services.list_query import my_open_queries, parse_list_query
from app.services.markdown import render_markdown
from app.services.permissions import (
    TRIAGER_EDITABLE,
    WRITE_ROLE,
    Permissions,
    allowed_transitions,
    editable_fields,
    may_assign_self,
    permissions,
)
from app.services.validation import FieldErrors, item_fields, label, labels, whole_number
from app.store.base import ItemQuery, Store, StoreConflict

PREVIEW_LIMITS = {"description": "description", "body": "comment", "note": "note"}  # field -> its length rule


@dataclasses.dataclass(slots=True)
class ItemView:
    """An item as one caller sees it: counts, their vote and what they may do next."""

    item: WorkItem
    vote_count: int
    comment_count: int
    my_vote: bool
    allowed_transitions: list[sm.Transition]
    editable_fields: tuple[str, ...]
    can_vote: bool = False
    can_comment: bool = False
    can_assign_self: bool = False  # "Assign to me" is offered (app/services/assignment.py)

    @property
    def can_edit(self) -> bool:
        """True when the caller may change at least one field now (the edit form is shown)."""
        return bool(self.editable_fields)

    def to_dict(self) -> dict[str, Any]:
        out = self.item.to_dict()
        out.update(vote_count=self.vote_count, comment_count=self.comment_count, my_vote=self.my_vote,
                   allowed_transitions=[t.to_state for t in self.allowed_transitions])
        return out


@dataclasses.dataclass(slots=True)
class DetailView:
    view: ItemView
    events: list[Event]
    comments: list[Comment]

    @property
    def item(self) -> WorkItem:
        return self.view.item


class WorkItemService:
    """Use cases over a Store. `actor` is None for an anonymous caller."""

    def __init__(self, store: Store, platforms: list[str], allow_anonymous_read: bool = True,
                 clock: Callable[[], Any] = utcnow) -> None:
        self.store = store
        self.platforms = platforms
        self.allow_anonymous_read = allow_anonymous_read
        self.clock = clock

    # ---- permissions ---------------------------------------------------------------------
    def _require_read(self, actor: Actor | None) -> None:
        if actor is None and not self.allow_anonymous_read:
            raise Unauthenticated("Sign in to see work items.")

    def _require(self, actor: Actor | None, role: Role, doing: str) -> Actor:
        if actor is None:
            raise Unauthenticated(f"Sign in to {doing}.")
        if actor.role < role:
            raise Forbidden(f"Your role ({actor.role.label}) may not {doing}; it needs {role.label}.")
        return actor

    def _load(self, item_id: str) -> WorkItem:
        item = self.store.get_item(item_id) if item_id else None
        if item is None:
            raise NotFound(f"No work item with id {item_id[:64]!r}.")
        return item

    def allowed_transitions(self, item: WorkItem, actor: Actor | None) -> list[sm.Transition]:
        return allowed_transitions(item, actor)

    def editable_fields(self, item: WorkItem, actor: Actor | None) -> tuple[str, ...]:
        return editable_fields(item, actor)

    # ---- reads ---------------------------------------------------------------------------
    def get(self, item_id: str, actor: Actor | None) -> ItemView:
        """The item (by id or key) with counts, the caller's vote and the transitions the caller may take."""
        return self._view(self._read(item_id, actor), actor)

    def detail(self, item_id: str, actor: Actor | None) -> DetailView:
        """Everything a detail page shows (the item by id or key), read in one store call (two for a key)."""
        detail = self._read(item_id, actor)
        return DetailView(self._view(detail, actor), detail.events, detail.comments)

    def _read(self, ref: str, actor: Actor | None) -> WorkItemDetail:
        """The detail of the item `ref` names: its id, or its key as people paste it (INC-12, inc-012)."""
        self._require_read(actor)
        key = canonical_key(ref) if ref else None
        found = self.store.get_item_by_key(key) if key else None
        item_id = found.id if found else ("" if key else ref)
        detail = self.store.get_detail(item_id, actor.id if actor else None) if item_id else None
        if detail is None:
            raise NotFound(f"No work item {key}." if key else f"No work item with id {ref[:64]!r}.")
        return detail

    def _view(self, detail: WorkItemDetail, actor: Actor | None) -> ItemView:
        rights = permissions(actor)
        return ItemView(detail.item, detail.vote_count, detail.comment_count, detail.my_vote,
                        self.allowed_transitions(detail.item, actor), self.editable_fields(detail.item, actor),
                        can_vote=rights.can_vote, can_comment=rights.can_comment,
                        can_assign_self=may_assign_self(actor) and detail.item.assignee != actor.id)

    def create_permissions(self, actor: Actor | None) -> Permissions:
        """What the create page may offer this caller before any item exists."""
        return permissions(actor)

    def events(self, item_id: str, actor: Actor | None, after_version: int = 0) -> list[Event]:
        """The item's audit events in order."""
        self._require_read(actor)
        self._load(item_id)
        return self.store.events_for(item_id, after_version)

    def list(self, actor: Actor | None, params: dict[str, Any]) -> Page:
        """A filtered, sorted page of items; bad parameters are a ValidationError per field."""
        self._require_read(actor)
        return self.store.list_items(self.parse_query(actor, params))

    def my_counts(self, actor: Actor | None) -> dict[str, int] | None:
        """How many open items are assigned to the caller and reported by the caller (None when signed out)."""
        if actor is None:
            return None
        return {name: self.store.list_items(query).total for name, query in my_open_queries(actor.id).items()}

    def parse_query(self, actor: Actor | None, params: dict[str, Any]) -> ItemQuery:
        """The store query for these list parameters (ValidationError per bad field)."""
        return parse_list_query(actor, params)

    def preview(self, actor: Actor | None, field: str, text: Any) -> Markup:
        """The markdown being typed into `field` (description, comment body, note) as it will be shown.
        Signed-in reporters only and no longer than the field may be stored, so a preview costs what
        showing the stored text would (the route adds the comment rate limit)."""
        self._require(actor, WRITE_ROLE, "preview markdown")
        errors = FieldErrors()
        value = errors.text({field: text}, field, limit=PREVIEW_LIMITS.get(field, "description"))
        if errors:
            raise ValidationError(dict(errors))
        return render_markdown(value or "")

    # ---- writes --------------------------------------------------------------------------
    def create(self, actor: Actor | None, data: dict[str, Any]) -> WorkItem:
        """Validate and store a new item in its type's initial state, with its created event."""
        actor = self._require(actor, WRITE_ROLE, "create work items")
        errors = FieldErrors()
        item_type = errors.choice(data, "item_type", [t.value for t in ItemType], required=True)
        fields = item_fields(data, item_type, self.platforms, errors) if item_type else {}
        if errors:
            raise ValidationError(dict(errors))
        now = self.clock()
        item = WorkItem(id=new_id(), key="", item_type=item_type, state=sm.initial_state(item_type),
                        created_at=now, created_by=actor.id, updated_at=now, updated_by=actor.id,
                        version=1, **{**_blank_fields(), **fields})
        event = self._event(item, EventType.CREATED, actor, {}, version=1, at=now)
        return self.store.create_item(item, event)

    def update(self, actor: Actor | None, item_id: str, expected_version: Any, changes: dict[str, Any]) -> WorkItem:
        """Change editable fields; one `updated` event lists each field's before and after."""
        actor = self._require(actor, Role.REPORTER, "edit work items")
        item = self._load(item_id)
        expected = self._check_version(item, expected_version)
        self._check_editable(item, actor, changes)
        errors = FieldErrors()
        values = item_fields(changes, item.item_type, self.platforms, errors, partial=True)
        if errors:
            raise ValidationError(dict(errors))
        diff = {n: {"from": _plain(getattr(item, n)), "to": _plain(v)} for n, v in values.items()
                if getattr(item, n) != v}
        if not diff:
            return item
        return self._save(item, expected, actor, EventType.UPDATED, {"changes": diff}, **values)

    def transition(self, actor: Actor | None, item_id: str, to_state: Any, expected_version: Any,
                   note: Any = None) -> WorkItem:
        """Move the item along its workflow; the note is required where the workflow says so."""
        actor = self._require(actor, Role.REPORTER, "change the state of work items")
        item = self._load(item_id)
        expected = self._check_version(item, expected_version)
        transition = sm.find_transition(item.item_type, item.state, str(to_state or ""))
        if transition is None:
            allowed = [t.to_state for t in self.allowed_transitions(item, actor)]
            raise InvalidTransition(_not_allowed(item, str(to_state or ""), allowed), allowed)
        if not sm.may_take(transition, actor.role, actor.id == item.created_by):
            raise Forbidden(f"Your role ({actor.role.label}) may not move {item.key} to {label(transition.to_state)}.")
        errors = FieldErrors()
        text = errors.text({"note": note}, "note", required=transition.note_required)
        if "note" in errors and transition.note_required:
            errors["note"] = f"{transition.note_label} is required to move to {label(transition.to_state)}."
        if errors:
            raise ValidationError(dict(errors))
        payload = {"from": item.state, "to": transition.to_state, "note": text}
        return self._save(item, expected, actor, EventType.STATE_CHANGED, payload, state=transition.to_state)

    def comment(self, actor: Actor | None, item_id: str, body: Any) -> Comment:
        """Append a markdown comment (comments are never edited or deleted)."""
        actor = self._require(actor, WRITE_ROLE, "comment")
        item = self._load(item_id)
        errors = FieldErrors()
        text = errors.text({"body": body}, "body", required=True, limit="comment")
        if errors:
            raise ValidationError(dict(errors))
        now = self.clock()
        event = self._event(item, EventType.COMMENTED, actor, {"body": text}, version=item.version, at=now)
        comment = Comment(id=event.event_id, item_id=item.id, body=text, created_at=now, created_by=actor.id)
        return self.store.add_comment(comment, event)

    def vote(self, actor: Actor | None, item_id: str, voted: bool = True) -> tuple[bool, int]:
        """Cast (or withdraw) the caller's vote; idempotent. Returns (voted, vote_count)."""
        actor = self._require(actor, WRITE_ROLE, "vote")
        if not item_id:
            raise NotFound("No work item with an empty id.")
        event_type = EventType.VOTED if voted else EventType.UNVOTED
        event = Event(event_id=new_id(), item_id=item_id, seq=0, event_type=event_type.value,
                      payload={"voter": actor.id}, version=0, created_at=self.clock(), created_by=actor.id)
        try:  # no separate read: the store checks the item exists and stamps its version (one round trip less)
            _, count = self.store.set_vote(item_id, actor.id, voted, event)
        except LookupError:
            raise NotFound(f"No work item with id {item_id[:64]!r}.") from None
        return voted, count

    # ---- helpers -------------------------------------------------------------------------
    def _check_editable(self, item: WorkItem, actor: Actor, changes: dict[str, Any]) -> None:
        allowed = self.editable_fields(item, actor)
        if not allowed:
            raise Forbidden(f"You may not edit {item.key}.")
        unknown = {n: "This field cannot be changed (use a transition for the state)." if n == "state"
                   else "This field cannot be changed." for n in changes if n not in TRIAGER_EDITABLE}
        if unknown:
            raise ValidationError(unknown)
        refused = sorted(n for n in changes if n not in allowed)
        if refused and actor.role >= Role.TRIAGER:
            kind = label(item.item_type).lower()
            raise ValidationError({n: f"Does not apply to {kind} items." for n in refused})
        if refused:
            raise Forbidden(f"Your role ({actor.role.label}) may not change {', '.join(refused)} on {item.key}.")

    def _check_version(self, item: WorkItem, expected_version: Any) -> int:
        expected = whole_number(expected_version)
        if expected is None or expected < 1:
            raise ValidationError({"expected_version": "Required: the version you last saw (a whole number)."})
        if expected != item.version:
            raise self._conflict(item, expected)
        return expected

    def _conflict(self, current: WorkItem, expected: int) -> VersionConflict:
        since = [e for e in self.store.events_for(current.id, expected) if EventType(e.event_type).changes_item]
        return VersionConflict(current, since, expected)

    def _save(self, item: WorkItem, expected: int, actor: Actor, event_type: EventType,
              payload: dict[str, Any], **values: Any) -> WorkItem:
        now = self.clock()
        changed = dataclasses.replace(item, updated_at=now, updated_by=actor.id, version=expected + 1, **values)
        event = self._event(changed, event_type, actor, payload, version=expected + 1, at=now)
        try:
            return self.store.update_item(changed, expected, event)
        except StoreConflict as exc:
            raise self._conflict(exc.current, expected) from None

    @staticmethod
    def _event(item: WorkItem, event_type: EventType, actor: Actor, payload: dict[str, Any],
               version: int, at: Any) -> Event:
        return Event(event_id=new_id(), item_id=item.id, seq=0, event_type=event_type.value,
                     payload=payload, version=version, created_at=at, created_by=actor.id)


def _not_allowed(item: WorkItem, to_state: str, allowed: list[str]) -> str:
    """Why a move is refused, in the words the page uses: "IMP-3: an improvement in Planned cannot move to
    Done. Allowed now: In progress." (the raw ids stay in the error's details)."""
    kind = label(item.item_type).lower()
    article = "an" if kind[0] in "aeiou" else "a"
    target = label(to_state) if to_state in sm.all_states() else repr(to_state[:40])
    return (f"{item.key}: {article} {kind} in {label(item.state)} cannot move to {target}. "
            f"Allowed now: {labels(allowed) or 'none'}.")


def _blank_fields() -> dict[str, Any]:
    return {"description": "", "priority": "p3", "platform": None, "assignee": None,
            **dict.fromkeys(ALL_TYPE_FIELDS)}


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
