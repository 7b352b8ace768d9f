"""The large scenario reads like a real queue (issue #12, "demo data a person believes", for MOCK_SCENARIO=large):
a scaled-down run of the very generator has distinct titles that name their own platform, two years of filing
with gaps a team would take, assignees on the items taken on, priorities that follow severity, reasons that fit
their transition, and comments that fit where the item stood when they were written."""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import statistics
from typing import Any

import pytest

from app.config import DEFAULT_PLATFORMS
from app.seed.bulk_data import END, Sizes, generate
from app.seed.bulk_incidents import CASES
from app.seed.bulk_stories import PRIORITY_OF_SEVERITY
from app.seed.bulk_talk import PHASES, TALK
from app.seed.bulk_texts import NOTES

PLATFORMS = DEFAULT_PLATFORMS.split(",")
SIZES = Sizes(items=3_000, events=30_000, comments=12_000, votes=60_000)  # the large scenario's proportions
# words in a title that name one of the default platforms
PLATFORM_WORDS = {"kafka": "kafka", "airflow": "airflow", "mlflow": "mlflow", "unity catalog": "unity-catalog",
                  "sql warehouse": "sql-warehouse", "delta live tables": "delta-live-tables",
                  "databricks jobs": "jobs", "databricks workspace": "databricks-workspace"}
DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def data() -> dict[str, list[dict[str, Any]]]:
    tables = generate(SIZES, PLATFORMS)
    return {name: table.to_pylist() for name, table in tables.items()}


def _pattern(template: str) -> re.Pattern[str]:
    """A filled template as a regular expression: each {placeholder} stands for some text."""
    parts = re.split(r"\{\w+\}", template)
    return re.compile(".+".join(re.escape(p) for p in parts), re.S)


def _matches(text: str, templates: list[str]) -> bool:
    return any(_pattern(t).fullmatch(text) for t in templates)


def _histories(data: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    history: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for event in sorted(data["work_item_events"], key=lambda e: (e["item_id"], e["seq"])):
        history[event["item_id"]].append({**event, "payload": json.loads(event["payload"])})
    return history


def test_titles_are_distinct_and_name_their_own_platform(data) -> None:
    items = data["work_items"]
    titles = collections.Counter(item["title"] for item in items)
    assert [t for t, n in titles.items() if n > 1] == []
    assert not [t for t in titles if "(again)" in t or "(#" in t]
    for item in items:
        named = {p for word, p in PLATFORM_WORDS.items() if word in item["title"].lower()}
        expected = {item["platform"]} if item["platform"] else set()
        assert named == expected, f"{item['title']!r} filed under {item['platform']}"
        assert "{" not in item["description"] and item["description"].strip()


def test_filing_spans_two_years_and_steps_follow_at_a_human_pace(data) -> None:
    created = sorted(item["created_at"] for item in data["work_items"])
    assert created[-1] - created[0] >= 600 * DAY
    assert max(e["created_at"] for e in data["work_item_events"]) <= END
    first_step: dict[str, list[float]] = collections.defaultdict(list)
    items = {item["id"]: item for item in data["work_items"]}
    for item_id, events in _histories(data).items():
        moves = [e for e in events if e["event_type"] == "state_changed"]
        if moves:
            first_step[items[item_id]["item_type"]].append((moves[0]["created_at"] - events[0]["created_at"]) / DAY)
        gaps = [(b["created_at"] - a["created_at"]) for a, b in zip(moves, moves[1:], strict=False)]
        assert all(gap >= dt.timedelta(minutes=1) for gap in gaps), f"{items[item_id]['key']}: steps at once"
    assert statistics.median(first_step["incident"]) < 1  # incidents are triaged within hours
    assert statistics.median(first_step["improvement"]) > 1  # ideas wait for a review
    spans = [(events[-1]["created_at"] - events[0]["created_at"]) / DAY for events in _histories(data).values()]
    assert sum(span > 365 for span in spans) < 0.05 * len(spans)  # not every item is touched for years


def test_items_taken_on_have_an_assignee(data) -> None:
    working = [i for i in data["work_items"] if PHASES[(i["item_type"], i["state"])] == "working"]
    assert len(working) > 100
    assert sum(1 for i in working if i["assignee"]) >= 0.9 * len(working)


def test_incident_priority_follows_severity_through_every_change(data) -> None:
    incidents = [i for i in data["work_items"] if i["item_type"] == "incident"]
    assert {i["severity"] for i in incidents} == set(PRIORITY_OF_SEVERITY)
    assert all(i["priority"] == PRIORITY_OF_SEVERITY[i["severity"]] for i in incidents)
    for events in _histories(data).values():
        for e in events:
            changes = e["payload"].get("changes", {})
            if "severity" in changes:
                assert changes["priority"]["to"] == PRIORITY_OF_SEVERITY[changes["severity"]["to"]]


def test_transition_notes_fit_their_transition(data) -> None:
    items = {item["id"]: item for item in data["work_items"]}
    seen = collections.Counter()
    for item_id, events in _histories(data).items():
        item = items[item_id]
        for e in (e for e in events if e["event_type"] == "state_changed" and e["payload"]["note"]):
            note, to_state = e["payload"]["note"], e["payload"]["to"]
            if to_state == "resolved":  # the fix of the incident case its title comes from
                assert note in {case[2] for case in CASES[item["platform"]]}, note
            else:
                assert _matches(note, NOTES[(item["item_type"], to_state)]), f"{to_state}: {note!r}"
            seen[to_state] += 1
    assert set(seen) == {"resolved", "closed", "declined", "rejected"}


def test_comments_fit_the_moment_they_were_written(data) -> None:
    """Thanks come after the fix, "shame" after a refusal; and the lines vary."""
    items = {item["id"]: item for item in data["work_items"]}
    reached: dict[tuple[str, str], dt.datetime] = {}
    for item_id, events in _histories(data).items():
        for e in (e for e in events if e["event_type"] == "state_changed"):
            reached.setdefault((item_id, PHASES[(items[item_id]["item_type"], e["payload"]["to"])]), e["created_at"])
    comments = data["work_item_comments"]
    bodies = collections.Counter(c["body"] for c in comments)
    assert len(bodies) > 0.1 * len(comments) and bodies.most_common(1)[0][1] < 0.05 * len(comments)
    late = collections.Counter()
    for comment in comments:
        item = items[comment["item_id"]]
        for stage in ("done", "refused"):
            if _matches(comment["body"], TALK[item["item_type"]].get(stage, [])):
                late[stage] += 1
                assert comment["created_at"] >= reached[(item["id"], stage)], comment["body"]
    assert late["done"] > 100 and late["refused"] > 10
    findings = {case[1] for cases in CASES.values() for case in cases}
    told = collections.Counter((c["item_id"], c["body"]) for c in comments if c["body"] in findings)
    assert told and max(told.values()) == 1  # what the investigation found is said once per item
