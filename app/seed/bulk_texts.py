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
TEAM_IDS = {team: team.replace(" ", "_") for team in TEAMS}
IMPACTS = {  # by severity: what the reporter says is hit
    "sev1": ["Every {team} pipeline is down", "All BI users", "Month-end close at risk", "Revenue reporting down"],
    "sev2": ["{team} dashboards are stale", "{team} analysts blocked", "Real-time metrics delayed"],
    "sev3": ["{team} works around it by hand", "One {team} report is late", "Slower mornings for {team}"],
    "sev4": ["Minor delay for {team}", "Cosmetic for {team}", "Annoying, not blocking"],
}
DESCRIPTIONS = {
    "incident": ["**What happened**\n\n{title}.\n\n- noticed by monitoring at {hour}:00\n- see the {P} runbook\n"
                 "- affects the {team} team",
                 "{title} since {hour}:00. Nothing changed on our side; we saw it on {n} runs in a row.",
                 "## Symptom\n\n{title}.\n\n## Impact\n\n{impact}."],
    "improvement": ["{problem}.\n\n**Why it pays off:** {benefit}.",
                    "## Background\n\n{problem}.\n\n## Ask\n\n{title}. {benefit}, and the {team} team would "
                    "pilot it."],
    "platform_request": ["{title}.\n\n**Why:** {why}.", "{why}, so we need this by the date below. Owner on our "
                         "side: the {team} lead."],
}
# comments by where the item stands when they are written: opening (not taken on yet), working, done, refused
COMMENTS = {
    "opening": ["Any update on this? It blocks the {team} team.", "+1 from {other}, we hit this too.",
                "Same for us since {hour}:00.", "Who looks at this on the platform side?",
                "Seeing this on {x} as well, {n} failures so far."],
    "working": ["Looking at it now.", "Workaround for now: rerun {x} by hand after {hour}:00.",
                "Can we get an ETA? Our deadline is in {n} days.", "Still seeing it on {x} this morning.",
                "Rolled back the last change to {x}; watching it.", "Status: {impact}, better since {hour}:00."],
    "done": ["Confirmed on our side: {x} looks normal again.", "Thanks, all good now.",
             "Closing the loop: the {team} team is unblocked.", "No failures on {x} for {n} runs now."],
}
IDEA_COMMENTS = {
    "opening": ["+1, {other} would use this every week.", "How would this work for {x}?",
                "We built a script for this in {other}; happy to share it.", "Would this cover {x} too?"],
    "working": ["Draft design is in the {P} docs space; comments welcome.", "Pilot with {x} starts next sprint.",
                "Is there a date? We plan our quarter around it.", "First version works for {x}; more teams next.",
                "{other} wants to join the pilot."],
    "done": ["Using it for {x} since Monday, works well.", "Thanks! Saved {other} hours already.",
             "Rolled out to {x}; docs updated."],
    "refused": ["Shame, {other} still needs it.", "Understood; we keep our own script for {x} then."],
}
REQUEST_COMMENTS = {
    "opening": ["Approved by our data owner, see the attached mail.", "Any chance within {n} days?",
                "Who approves this on the platform side?", "This blocks the go-live of {x}."],
    "working": ["Approved; the platform team will set it up this week.", "Waiting for the owner of {x} to confirm.",
                "Set up in staging first; production follows.", "Staging works for {x}; production on {hour}:00 "
                "tomorrow.", "Need the cost centre of {team} to go on."],
    "done": ["Works, thanks!", "Confirmed access to {x} from our side.", "{x} is live with it, thanks."],
    "refused": ["OK, we will resubmit with the owner's approval.", "Understood, we use the shared setup for {x}.",
                "No longer needed: {x} moved elsewhere."],
}
# transition notes by the state moved to: each reason fits the step it explains
NOTES = {
    ("incident", "closed"): ["Duplicate of an earlier report about {x}.", "Not reproducible: {x} ran normally "
                             "on the next try.", "Not a {P} problem: the upstream source was late.",
                             "Expected during the announced {P} maintenance window."],
    ("improvement", "declined"): ["Out of scope for this half-year; we revisit it at planning.",
                                  "Already possible: see the {P} docs.", "Too little demand for the cost.",
                                  "Covered by another roadmap item."],
    ("platform_request", "rejected"): ["Against the access policy: ask the owner of {x} first.",
                                       "Use the shared capacity; dedicated capacity needs a cost centre.",
                                       "Duplicate of an approved request from {team}.",
                                       "Missing the owner's approval: resubmit with it."],
}


FIXED = {"P": "the platform", "x": "the service", "other": "another team", "title": "",
         "impact": "some teams affected"}


def fill(rng: random.Random, template: str, **known: str) -> str:
    """The template with its placeholders filled from `known` or at random, starting with a capital.
    Random values are drawn only for placeholders the template has (this runs for every generated text)."""
    values = {**FIXED, **known}
    if "{team}" in template and "team" not in known:
        values["team"] = rng.choice(TEAMS)
    if "{n}" in template and "n" not in known:
        values["n"] = str(rng.randint(2, 45))
    if "{hour}" in template and "hour" not in known:
        values["hour"] = f"{rng.randint(0, 23):02d}"
    text = template.format(**values)
    return text[:1].upper() + text[1:]
