"""Contract: both stores tell who has acted (the people directory's source besides the RBAC file)."""

from __future__ import annotations

from typing import Any

from tests.contract.builders import comment, create, update, vote


def test_known_actors_are_authors_editors_assignees_commenters_and_voters(store: Any) -> None:
    assert store.known_actors() == frozenset()
    item = create(store, by="Ann@Example.com")
    update(store, item, 1, by="tri@example.com", assignee="dev@example.com")
    comment(store, item, "seen it", by="carl@example.com")
    vote(store, item, "vic@example.org")
    assert store.known_actors() == {"ann@example.com", "tri@example.com", "dev@example.com",
                                    "carl@example.com", "vic@example.org"}


def test_known_actors_follow_writes_after_the_first_read(store: Any) -> None:
    item = create(store, by="ann@example.com")
    assert store.known_actors() == {"ann@example.com"}
    comment(store, item, "me too", by="new@example.com")
    assert "new@example.com" in store.known_actors()
