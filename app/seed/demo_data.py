"""Demo data: realistic items of every type and state, with comments, votes and histories."""

from __future__ import annotations

import random
from typing import Any

from app.models import Actor, Role
from app.services import state_machines as sm
from app.services.work_items import WorkItemService
from app.store.base import ItemQuery, Store

USERS = ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com",
         "erin@example.com", "frank@example.com", "grace@example.com", "heidi@example.com"]
TRIAGER = Actor("alice@example.com", Role.TRIAGER)

INCIDENTS = [
    ("Nightly ETL job fails with OutOfMemoryError on the orders cluster", "sev2", "Orders dashboards are stale"),
    ("SQL warehouse queries queue for more than 10 minutes", "sev1", "All BI users"),
    ("Unity Catalog grants not applied to new schema", "sev3", "Finance analysts cannot read tables"),
    ("Kafka consumer lag growing on clickstream topic", "sev2", "Real-time metrics delayed"),
    ("MLflow model registry returns 500 on transition", "sev3", "Model promotions blocked"),
    ("Airflow scheduler stuck, DAG runs not starting", "sev1", "All scheduled pipelines"),
    ("DLT pipeline fails schema evolution on customer table", "sev3", "Customer 360 refresh"),
    ("Workspace login slow for EU users", "sev4", "Minor delay at sign-in"),
]
IMPROVEMENTS = [
    ("Auto-scale SQL warehouses on queue depth", "Warehouses idle at night and queue at 9am",
     "Lower cost, faster mornings"),
    ("Self-service schema creation in Unity Catalog", "Teams wait days for a schema", "Teams onboard in minutes"),
    ("Cost dashboard per team", "Nobody knows what their jobs cost", "Teams can act on their spend"),
    ("Templates for new Airflow DAGs", "Every team copies an old DAG", "Fewer broken DAGs"),
    ("Alert on Kafka consumer lag", "Lag is found by users", "We find it first"),
    ("Default table retention policy", "Old versions pile up", "Cheaper storage"),
]
REQUESTS = [
    ("New schema for the marketing team", "Marketing analytics project starts next month"),
    ("Service principal for the billing pipeline", "Needed to run the job without a personal token"),
    ("Increase cluster quota for data science", "Model training needs more GPUs"),
    ("Access to the sales gold tables for finance", "Quarterly close reporting"),
    ("Kafka topic for payment events", "New payment service goes live"),
    ("Dedicated SQL warehouse for the exec dashboard", "Dashboard competes with ad-hoc queries"),
]


def seed_if_empty(store: Store, scenario: str, platforms: list[str]) -> str:
    """Seed the named scenario unless the store already holds items; says what it did."""
    if store.list_items(ItemQuery(page_size=1)).total:
        return "Store already has data: nothing seeded."
    if scenario == "empty":
        return "Scenario 'empty': nothing seeded."
    if scenario == "large":
        from app.seed.bulk_data import seed_large

        return seed_large(store, platforms)
    return seed_default(WorkItemService(store, platforms), platforms)


def seed_default(service: WorkItemService, platforms: list[str]) -> str:
    """A few dozen items walked through their workflows by the service itself (real events)."""
    rng = random.Random(42)
    created = 0
    for round_no in range(2):
        for title, severity, impact in INCIDENTS:
            data = {"item_type": "incident", "title": title, "severity": severity, "impact": impact,
                    "platform": rng.choice(platforms), "priority": rng.choice(["p1", "p2", "p3"]),
                    "description": f"**What happened**\n\n{title}.\n\n- noticed by monitoring\n- see runbook"}
            created += _walk(service, rng, data, round_no)
        for title, problem, benefit in IMPROVEMENTS:
            data = {"item_type": "improvement", "title": title, "problem": problem, "proposed_benefit": benefit,
                    "platform": rng.choice(platforms + [""]), "description": f"{problem}. {benefit}."}
            created += _walk(service, rng, data, round_no)
        for title, why in REQUESTS:
            data = {"item_type": "platform_request", "title": title, "justification": why,
                    "platform": rng.choice(platforms), "needed_by": f"2027-0{rng.randint(1, 9)}-15"}
            created += _walk(service, rng, data, round_no)
    return f"Seeded {created} work items with comments, votes and histories."


def _walk(service: WorkItemService, rng: random.Random, data: dict[str, Any], round_no: int) -> int:
    author = Actor(rng.choice(USERS[1:]), Role.REPORTER)
    if round_no:
        data = {**data, "title": f"{data['title']} (again)"}
    item = service.create(author, data)
    for _ in range(rng.randint(0, 4)):
        service.vote(Actor(rng.choice(USERS), Role.REPORTER), item.id)
    service.comment(author, item.id, "Any update on this? It blocks our team.")
    steps = rng.randint(0, len(sm.states(item.item_type)))
    for _ in range(steps):
        options = sm.transitions_from(item.item_type, item.state)
        if not options:
            break
        choice = rng.choice(options)
        note = "Root cause found and fixed." if choice.note_required else None
        item = service.transition(TRIAGER, item.id, choice.to_state, item.version, note)
        if rng.random() < 0.4:
            service.comment(TRIAGER, item.id, f"Moved to **{item.state.replace('_', ' ')}**.")
    return 1
