"""The real app for the HTTP benchmark (gunicorn bench.app_wsgi:app, no --preload).

Identity comes from X-Forwarded-Email (AUTH_MODE=proxy, set by the bench). The CSRF check is switched
off here only: the load client cannot do the browser's token round trip, and the check costs a
dictionary lookup. Each worker drops a marker file once its store is loaded, so the bench knows when
both workers serve."""

from __future__ import annotations

import os
from pathlib import Path

from app import create_app

app = create_app()
app.config["CSRF_DISABLED"] = True

if os.environ.get("BENCH_READY_DIR"):
    Path(os.environ["BENCH_READY_DIR"], f"worker-{os.getpid()}").touch()
