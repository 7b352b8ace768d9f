"""Items found by key (INC-12) on every store (issue #12: keys in URLs). The store takes the stored form of a
key; turning what people paste (inc-012) into it is the service's job (app/services/item_keys.py)."""

from __future__ import annotations

from typing import Any

from tests.contract.builders import create, update


def test_get_item_by_key_finds_each_type_and_only_exact_keys(store: Any) -> None:
    first, second = create(store, "incident"), create(store, "incident")
    improvement = create(store, "improvement", platform=None)
    request = create(store, "platform_request")
    assert store.get_item_by_key("INC-2") == second
    assert store.get_item_by_key("INC-1") == first
    assert store.get_item_by_key("IMP-1") == improvement
    assert store.get_item_by_key("REQ-1") == request
    for missing in ("INC-3", "IMP-2", "REQ-0", "inc-1", "INC-01", "INC-", "", first.id):
        assert store.get_item_by_key(missing) is None, missing


def test_get_item_by_key_answers_the_current_version(store: Any) -> None:
    item = create(store, "incident", title="Before")
    changed = update(store, item, 1, title="After")
    assert store.get_item_by_key(item.key) == changed


def test_a_key_created_by_one_instance_is_found_by_another(two_instances: tuple[Any, Any]) -> None:
    first, second = two_instances
    assert second.get_item_by_key("INC-1") is None
    item = create(first, "incident")
    assert second.get_item_by_key("INC-1") == item
