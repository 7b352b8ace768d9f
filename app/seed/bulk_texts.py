"""Word material for the large generated data set: people, titles, descriptions and comments."""

from __future__ import annotations

import random

FIRST = ["ada", "ben", "cleo", "dan", "eva", "finn", "gus", "hana", "ivan", "jade", "kai", "lena", "milo", "nora",
         "omar", "pia", "quinn", "rosa", "sam", "tara", "uma", "vik", "wren", "xena", "yuri", "zoe", "alex", "bea",
         "cody", "dina", "eli", "faye", "gil", "hugo", "iris", "joel", "kim", "lou", "max", "nell"]
LAST = ["adams", "berg", "chen", "diaz", "evans", "fox", "garcia", "hall", "ito", "jones", "khan", "lopez", "meyer",
        "novak", "olsen", "patel", "quist", "reyes", "silva", "tanaka", "ueda", "vogel", "weber", "xu", "young",
        "zhang", "abbott", "baker", "costa", "dubois", "ek", "fischer", "grant", "holm", "ibsen", "jensen", "kowal",
        "lind", "moreau", "nagy", "ortiz", "park", "rossi", "schmidt", "toth", "ulrich", "varga", "wolf", "yilmaz",
        "zeller"]
TEAMS = ["orders", "billing", "marketing", "finance", "risk", "search", "growth", "logistics", "payments",
         "customer 360", "data science", "fraud", "pricing", "supply chain", "hr analytics", "security"]
INCIDENT_TITLES = [
    "{platform} jobs fail with OutOfMemoryError for the {team} team",
    "Queries on {platform} queue for more than {n} minutes",
    "Grants not applied to new {team} schema on {platform}",
    "Consumer lag growing on the {team} topic",
    "{platform} returns HTTP 500 for the {team} pipeline",
    "Scheduler stuck: {team} runs not starting on {platform}",
    "Schema evolution fails on the {team} table in {platform}",
    "Login to {platform} slow for {team} users",
    "Nightly {team} load on {platform} missed its SLA by {n} hours",
    "Disk quota exceeded on {platform} cluster used by {team}",
]
IMPROVEMENT_TITLES = [
    "Auto-scale {platform} on queue depth for {team}",
    "Self-service schema creation on {platform}",
    "Cost dashboard per team for {platform}",
    "Templates for new {team} pipelines on {platform}",
    "Alert on {platform} lag before {team} notices",
    "Default retention policy for {team} tables",
    "Faster cold start of {platform} for {team} notebooks",
    "Lineage view for {team} datasets in {platform}",
]
REQUEST_TITLES = [
    "New schema for the {team} team on {platform}",
    "Service principal for the {team} pipeline",
    "Increase {platform} quota for {team}",
    "Access to the gold tables for {team}",
    "Topic for {team} events on {platform}",
    "Dedicated {platform} capacity for the {team} dashboard",
]
IMPACTS = ["All BI users", "{team} dashboards are stale", "{team} analysts blocked", "Model promotions blocked",
           "Real-time metrics delayed", "Minor delay for {team}", "Month-end close at risk"]
PROBLEMS = ["Teams wait days for {platform} changes", "Nobody knows what {team} jobs cost",
            "Every team copies an old pipeline", "Problems are found by {team} users first",
            "Old versions pile up on {platform}"]
BENEFITS = ["Teams onboard in minutes", "Lower cost, faster mornings", "Fewer broken pipelines",
            "We find problems first", "Cheaper storage for {team}"]
JUSTIFICATIONS = ["The {team} project starts next month", "Needed to run {team} jobs without personal tokens",
                  "Quarterly close reporting for {team}", "New {team} service goes live",
                  "{team} dashboard competes with ad-hoc queries"]
DESCRIPTIONS = [
    "**What happened**\n\n{title}.\n\n- noticed by monitoring at {hour}:00\n- see the {platform} runbook\n"
    "- affects the {team} team",
    "{title}.\n\nContext: the {team} team depends on {platform} for daily work. "
    "We measured the effect over {n} days and it keeps growing.",
    "## Background\n\n{title}.\n\n## Ask\n\nPlease look at this for the {team} team; "
    "owner on our side is reachable on the usual channel.",
]
COMMENTS = [
    "Any update on this? It blocks the {team} team.",
    "Looked into it: the {platform} logs show the same error since {hour}:00.",
    "Moved to **{state}**.",
    "+1 from {team}, we hit this too.",
    "Workaround for now: rerun the job manually after {hour}:00.",
    "Linked runbook updated, see the `{platform}` section.",
    "Can we get an ETA? Our deadline is in {n} days.",
    "Root cause found: a config change on {platform}. Fix is being rolled out.",
]
NOTES = ["Root cause found and fixed.", "Duplicate of an earlier ticket.", "Not reproducible after the upgrade.",
         "Out of scope for this quarter.", "Fixed by the {platform} upgrade."]


def fill(rng: random.Random, template: str, **known: str) -> str:
    """The template with its placeholders filled from `known` or at random."""
    values = {"team": rng.choice(TEAMS), "n": str(rng.randint(2, 45)), "hour": f"{rng.randint(0, 23):02d}",
              "platform": "the platform", "state": "triaged", "title": ""}
    values.update(known)
    return template.format(**values)
