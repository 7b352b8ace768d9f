"""The data the axe-core page scan (test_axe_pages.py) needs: every severity pill, an open SEV1 (Overall: Major
outage), a resolved incident, all four roadmap columns, an item of each type, and two items for conflicts."""

from __future__ import annotations

from app.models import Actor, Role, WorkItem
from app.services.work_items import WorkItemService

TINA = Actor("alice@example.com", Role.TRIAGER)
ROB = Actor("rob@example.com", Role.REPORTER)
VOTER = "bob@example.com"  # a reporter who has voted on one roadmap item only


def walk(items: WorkItemService, item: WorkItem, *states: str) -> WorkItem:
    for state in states:
        item = items.transition(TINA, item.id, state, item.version, f"Note for {state}")
    return item


def _incidents(items: WorkItemService) -> str:
    sev1 = items.create(ROB, {"item_type": "incident", "title": "Consumers lagging", "severity": "sev1",
                              "platform": "kafka", "priority": "p1", "description": "Lag **grows** on `orders`."})
    walk(items, sev1, "triaged", "investigating")
    items.comment(TINA, sev1.id, "Rolling back the **broker** upgrade.")
    items.vote(Actor(VOTER, Role.REPORTER), sev1.id)
    for severity, platform in (("sev2", "sql-warehouse"), ("sev3", "airflow"), ("sev4", "jobs"), ("sev3", "kafka")):
        items.create(ROB, {"item_type": "incident", "title": f"{severity} trouble on {platform}",
                           "severity": severity, "platform": platform, "priority": "p3"})
    fixed = items.create(ROB, {"item_type": "incident", "title": "Model registry slow", "severity": "sev2",
                               "platform": "mlflow"})
    walk(items, fixed, "triaged", "investigating", "resolved")
    return sev1.id


def seed_pages(items: WorkItemService) -> dict[str, str]:
    """The data; returns the ids the page paths name."""
    incident = _incidents(items)
    ideas = [items.create(ROB, {"item_type": "improvement", "title": f"Improvement idea {n}"}) for n in range(8)]
    walk(items, ideas[1], "under_review")
    walk(items, ideas[2], "under_review", "planned")
    walk(items, ideas[3], "under_review", "planned", "in_progress")
    walk(items, ideas[4], "under_review", "planned", "in_progress", "done")
    for idea in ideas[6:]:
        walk(items, idea, "under_review")
    request = items.create(ROB, {"item_type": "platform_request", "title": "Access to the sales catalog",
                                 "platform": "kafka", "justification": "Quarterly close"})
    walk(items, request, "triaged", "approved")
    for n, idea in enumerate(ideas[:6]):
        for voter in range(n % 3):
            items.vote(Actor(f"voter{voter}@example.com", Role.REPORTER), idea.id)
    items.vote(Actor(VOTER, Role.REPORTER), ideas[5].id)  # one pressed button beside the unpressed ones
    return {"incident": incident, "improvement": ideas[2].id, "request": request.id, "modal": ideas[6].id,
            "conflict_page": ideas[7].id}


def change_behind_their_back(items: WorkItemService, item_id: str) -> None:
    """Another triager edits the item, so a page showing the older version makes a stale write."""
    item = items.get(item_id, TINA).item
    items.update(TINA, item.id, item.version, {"priority": "p1" if item.priority != "p1" else "p2"})
