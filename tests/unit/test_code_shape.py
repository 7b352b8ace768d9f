"""The code stays readable in the sizes we agreed on: no function of the product or the bench over 50 lines.

(Complexity is checked by ruff's C90 rule, max 10, in `make test`.)"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 50


def test_no_function_is_longer_than_fifty_lines() -> None:
    too_long = []
    for folder in ("app", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = node.end_lineno - node.lineno + 1
                    if lines > MAX_LINES:
                        too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)")
    assert not too_long, "functions over 50 lines:\n" + "\n".join(too_long)
