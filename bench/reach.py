"""`python -m bench.reach`: issue #13's reach targets, measured (printed, never asserted).

1. A comment's write latency on an item with 50 watchers and 2 webhooks, with the notifier and the webhook
   dispatcher running, against a comment on an item nobody else watches with neither running: p50/p95/max
   of both and the p95 difference (target: at most 5 ms added; the fan-out runs after the commit point).
   The notifications and deliveries are then waited for and counted, so the figure is honest: each (webhook,
   item) lane keeps delivering after every success, so the 300 comments on one item reach each webhook about
   a second after the last write.
2. The inbox page and the notifications API for a user with 10 000 notifications (target: p95 <= 15 ms).
Options: --comments N (per run, default 300), --requests N (per inbox case, default 200).
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from bench.reach_comments import HOOKS, WATCHERS, baseline, with_reach
from bench.reach_inbox import TOTAL, inbox_pages
from bench.run import print_table

TARGET_ADDED_P95_MS = 5.0
TARGET_INBOX_P95_MS = 15.0


def comments(tmp: Path, n: int) -> dict[str, Any]:
    """The two comment runs, printed; the p95 the reach added and whether everything arrived."""
    plain = baseline(tmp / "baseline", n)
    reach, arrived = with_reach(tmp / "reach", n)
    title = f"Comment writes: baseline vs {WATCHERS} watchers + {len(HOOKS)} webhooks (notifier, dispatcher on)"
    print_table(title, {"comment, no watchers, no notifier/dispatcher": plain,
                        f"comment, {WATCHERS} watchers, {len(HOOKS)} webhooks": reach})
    added = reach["p95"] - plain["p95"]
    print(f"p95 added by the reach: {added:+.2f} ms (target <= {TARGET_ADDED_P95_MS:.0f} ms: "
          f"{'met' if added <= TARGET_ADDED_P95_MS else 'MISSED'})")
    print(f"arrived: {arrived['inbox_of_one_watcher']} of {arrived['expected_each']} notifications in watcher0's "
          f"inbox; deliveries received {arrived['deliveries']} of {arrived['expected_each']} each; the last "
          f"{arrived['all_arrived_s_after_last_write']} s after the last write (by then: "
          f"{arrived['by_last_write']['inbox']} notifications, {arrived['by_last_write']['deliveries']} deliveries)")
    return {"baseline": plain, "reach": reach, "p95_added_ms": added, "arrived": arrived}


def inbox(tmp: Path, n: int) -> dict[str, Any]:
    """The inbox cases, printed with what each page showed and the target's verdict."""
    results, shown = inbox_pages(tmp / "inbox", n)
    print_table(f"Inbox of a user with {TOTAL} notifications (Flask test client, whole app)", results)
    for name, text in shown.items():
        print(f"  {name}: {text}")
    worst = max(r["p95"] for r in results.values())
    print(f"worst inbox p95 {worst:.2f} ms (target <= {TARGET_INBOX_P95_MS:.0f} ms: "
          f"{'met' if worst <= TARGET_INBOX_P95_MS else 'MISSED'})")
    return {"pages": results, "shown": shown, "worst_p95_ms": worst}


def run(n_comments: int = 300, n_requests: int = 200) -> dict[str, Any]:
    """Both measurements in a fresh temp folder; the figures as a dict (for bench/run.py's results file)."""
    print(f"\nReach (issue #13): load average {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="dd-reach-", ignore_cleanup_errors=True) as tmp:
        return {"comments": comments(Path(tmp), n_comments), "inbox": inbox(Path(tmp), n_requests)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=300)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    report = run(args.comments, args.requests)
    print(f"load average at end {os.getloadavg()}")
    return report


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    main()
