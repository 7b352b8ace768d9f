"""The people directory: RBAC members plus everyone who acted, each with a handle that names one person."""

from __future__ import annotations

import pytest

from app.core.rbac import RoleMap
from app.models import Actor, Role
from app.services.errors import Unauthenticated
from app.services.people import PeopleDirectory, build_directory
from app.services.work_items import WorkItemService
from app.store.delta_store import DeltaStore
from tests.unit.conftest import PLATFORMS, REPORTER, TRIAGER, incident

ROLES = RoleMap(Role.REPORTER, {"Alice@Example.com": Role.TRIAGER, "bob@example.com": Role.REPORTER,
                                "alice@other.org": Role.VIEWER})


def test_handles_are_local_parts_unless_two_people_share_one() -> None:
    people = {p.email: p.handle for p in build_directory(["alice@example.com", "alice@other.org",
                                                          "bob@example.com", "Carol@Example.com"])}
    assert people == {"alice@example.com": "alice@example.com", "alice@other.org": "alice@other.org",
                      "bob@example.com": "bob", "carol@example.com": "carol"}


def test_a_local_part_that_cannot_be_typed_as_a_handle_keeps_the_email() -> None:
    [person] = build_directory(["o'brien@example.com"])
    assert person.handle == "o'brien@example.com"


def test_directory_holds_rbac_members_and_everyone_who_acted(store: DeltaStore) -> None:
    service = WorkItemService(store, PLATFORMS)
    item = service.create(REPORTER, incident())
    service.update(TRIAGER, item.id, 1, {"assignee": "dev@example.com"})
    directory = PeopleDirectory(store, ROLES)
    emails = [p.email for p in directory.directory()]
    assert emails == ["alice@example.com", "alice@other.org", "bob@example.com", "dev@example.com",
                      "rita@example.com", "tess@example.com"]
    service.comment(Actor("zed@example.com", Role.REPORTER), item.id, "me too")
    assert directory.resolve("@zed") == "zed@example.com"  # a new commenter is known at once


def test_resolve_takes_handles_with_or_without_at_and_emails_in_any_case(store: DeltaStore) -> None:
    directory = PeopleDirectory(store, ROLES)
    assert directory.resolve("@bob") == directory.resolve("BOB") == "bob@example.com"
    assert directory.resolve("bob@example.com") == "bob@example.com"
    assert directory.resolve("@alice") is None  # two alices: only their emails name them
    assert directory.resolve("alice@other.org") == "alice@other.org"
    assert directory.resolve("@nobody") is None
    assert directory.resolve("stranger@example.com") is None
    assert directory.resolve("") is None


def test_search_matches_any_part_prefixes_first_and_is_bounded(store: DeltaStore) -> None:
    directory = PeopleDirectory(store, RoleMap(Role.REPORTER, {f"user{n:02}@example.com": Role.REPORTER
                                                              for n in range(30)} | {"abel@x.org": Role.VIEWER}))
    assert [p.email for p in directory.search("@user0", limit=3)] == [
        "user00@example.com", "user01@example.com", "user02@example.com"]
    assert [p.handle for p in directory.search("bel")] == ["abel"]
    assert len(directory.search("example", limit=500)) == 20
    assert directory.search("nobody-like-this") == []


def test_lookup_needs_a_signed_in_caller(store: DeltaStore) -> None:
    directory = PeopleDirectory(store, ROLES)
    with pytest.raises(Unauthenticated):
        directory.lookup(None, "bob")
    assert [p.email for p in directory.lookup(REPORTER, "bob")] == ["bob@example.com"]
