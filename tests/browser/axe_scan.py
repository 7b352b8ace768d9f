"""axe-core scans for the page checks (test_axe_pages.py): one page scanned at each width in each colour scheme,
switched in place, with every axe rule; the serious and critical violations are what fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, shot

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "360px": {"width": 360, "height": 780}}
THEMES = ("light", "dark")
BLOCKING = ("serious", "critical")
SHOTS = ("status", "roadmap-signed-in")  # pages also saved as screenshots under test-artifacts/


def blocking_violations(page: Page) -> list[dict[str, Any]]:
    """axe.run() with every rule on the whole page; the violations of impact serious or critical."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm install` (make setup does it on a fresh clone)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}")
        for node in v["nodes"][:8]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def scan_everywhere(page: Page, name: str) -> list[str]:
    """The page scanned at each width in each theme (switched in place); a report line per failing combination."""
    failures = []
    ARTIFACTS.mkdir(exist_ok=True)
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        for theme in THEMES:
            page.emulate_media(color_scheme=theme)
            if name in SHOTS:
                shot(page, f"axe-{name}-{theme}-{width}")
            found = blocking_violations(page)
            (ARTIFACTS / f"axe-{name}-{theme}-{width}.json").write_text(json.dumps(found, indent=1))
            if found:
                nodes = sum(len(v["nodes"]) for v in found)
                failures.append(f"{name} {theme} {width}: {nodes} serious/critical nodes\n{describe(found)}")
    return failures
