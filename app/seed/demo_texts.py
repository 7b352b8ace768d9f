"""The default demo scenario's items and their stories: what a platform team's ticket history looks like.

Each item names the platform its text is about, and its steps tell what happened to it, in order: a state to
move to ("resolved: note" when the workflow asks for a note), "@name" to assign it, or (name, text) for a
comment. demo_data.py spreads the steps over `span` hours after the item was filed `age` days ago.
The status page reads: MLflow degraded (two open incidents), an Airflow outage resolved three days ago.
"""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True, slots=True)
class Demo:
    """One demo item: its fields, when it was filed, and its history."""

    item_type: str
    title: str
    platform: str
    age: float  # days since it was filed
    span: float  # hours from filing to its last step
    fields: dict[str, Any]
    steps: tuple[Any, ...] = ()
    votes: int = 0


def inc(title: str, platform: str, age: float, span: float, severity: str, impact: str, text: str,
         steps: tuple[Any, ...] = (), votes: int = 0) -> Demo:
    """An incident; its priority follows from its severity when it is filed (demo_data)."""
    fields = {"severity": severity, "impact": impact, "description": text}
    return Demo("incident", title, platform, age, span, fields, steps, votes)


def imp(title: str, platform: str, age: float, span: float, priority: str, problem: str, benefit: str,
         steps: tuple[Any, ...] = (), votes: int = 0) -> Demo:
    """An improvement; its description restates the problem and the benefit, as people write them."""
    fields = {"priority": priority, "problem": problem, "proposed_benefit": benefit,
              "description": f"{problem}.\n\n**Why it pays off:** {benefit.lower()}."}
    return Demo("improvement", title, platform, age, span, fields, steps, votes)


def req(title: str, platform: str, age: float, span: float, priority: str, why: str, text: str,
         steps: tuple[Any, ...] = (), votes: int = 0, needed_in: int = 21) -> Demo:
    """A platform request, needed `needed_in` days after it is filed (never a date already past then)."""
    fields = {"priority": priority, "justification": why, "description": text, "needed_by": needed_in}
    return Demo("platform_request", title, platform, age, span, fields, steps, votes)


INCIDENTS = [
    inc("Airflow scheduler stuck: no DAG runs start", "airflow", 3.1, 5, "sev1", "Every scheduled pipeline",
         "Since 06:10 no DAG run has started; the scheduler UI shows the last heartbeat at 06:12.",
         ("triaged", "@dave", "investigating",
          ("dave", "The metadata database refuses new connections: 50 of 50 in use, most idle in transaction."),
          "mitigated", ("erin", "Finance DAGs are running again, about 40 minutes behind."),
          "resolved: Connection pool of the Airflow metadata database raised from 50 to 200 and the stuck "
          "scheduler restarted; every DAG run caught up by 11:30."), votes=4),
    inc("MLflow model registry returns 500 on stage transitions", "mlflow", 1.6, 20, "sev3",
         "Model promotions blocked for three teams",
         "Moving a model version to Production fails with `INTERNAL_ERROR` in the UI and the API.",
         ("triaged", "@alice", "investigating",
          ("alice", "Only models with more than 1 000 versions fail: the registry query times out."),
          ("carol", "Workaround until then: archive old versions first, then the transition goes through.")),
         votes=3),
    inc("Slow answers from the MLflow serving endpoint of the churn model", "mlflow", 0.3, 2, "sev4",
         "CRM scoring takes 2 s instead of 200 ms", "p95 latency went up at 07:40; no deploy since Monday.",
         (("grace", "The pricing endpoint shows the same since this morning."),
          ("carol", "@alice could this be the registry timeout from the stage transitions incident?")), votes=1),
    inc("SQL warehouse queries queue for more than 10 minutes at 9am", "sql-warehouse", 20, 31, "sev2",
         "All BI dashboards load slowly in the morning", "Queries wait in the queue from 08:50 to about 09:40.",
         ("triaged", "@carol", "investigating",
          ("carol", "Max clusters is 2; the morning peak needs about 6."), "mitigated",
          "resolved: Max clusters raised to 6 with queue-based scaling; queue time at 9:00 is under 30 s now.",
          "closed"), votes=5),
    inc("Unity Catalog grants not applied to the new finance schema", "unity-catalog", 34, 26, "sev3",
         "Finance analysts cannot read `finance.close`", "`SELECT` was granted on Monday but reads still fail.",
         ("triaged", "@grace", "investigating",
          ("grace", "The grant went to `finance-analysts`; the analysts are in `finance_analysts`."),
          "resolved: SELECT granted to the right group and the stale grant removed.", "closed")),
    inc("Kafka consumer lag growing on the clickstream topic", "kafka", 25, 9, "sev2",
         "Real-time product metrics 2 hours behind", "Lag grows by about 50 000 messages a minute since 14:00.",
         ("triaged", "@heidi", "investigating",
          ("heidi", "One consumer of the group loops in rebalances since the broker upgrade."), "mitigated",
          "resolved: Consumer client pinned to 3.6.1 and the group restarted; lag was back to zero in 40 minutes.",
          "closed"), votes=2),
    inc("Nightly orders ETL job fails with OutOfMemoryError", "jobs", 47, 30, "sev2",
         "Orders dashboards show the day before yesterday", "The `orders_nightly` run failed twice at the join.",
         ("triaged", "@dave", "investigating",
          ("dave", "The orders table doubled after the backfill; the job still runs on 4 workers."),
          "resolved: Job cluster moved to memory-optimised nodes and the join split by day; runs take 38 min.",
          "closed"), votes=2),
    inc("Billing job runs stay pending for an hour", "jobs", 46.6, 3, "sev3", "Invoices go out late",
         "Runs of `billing_daily` wait for a cluster from the shared pool.",
         ("closed: Same cause as the orders ETL OutOfMemoryError incident: its retries held the whole "
          "job pool. Followed up there.",)),
    inc("Delta Live Tables pipeline fails schema evolution on the customer table", "delta-live-tables", 9, 28,
         "sev3", "Customer 360 not refreshed", "The `customer_silver` update fails with a type mismatch.",
         ("triaged", "@erin", "investigating",
          ("erin", "`loyalty_tier` arrives as STRING in one file and as INT in another."),
          "resolved: `loyalty_tier` cast to STRING in bronze and the pipeline re-run with a full refresh.")),
    inc("Workspace sign-in slow for EU users", "databricks-workspace", 55, 4, "sev4", "Sign-in takes 30 s",
         "Several people in Amsterdam and Berlin report slow sign-in since 18:00.",
         ("closed: Not reproducible: it matched the identity provider's announced maintenance window.",)),
]
