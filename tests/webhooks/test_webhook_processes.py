"""At least once, nothing lost, across real processes: a dispatcher SIGKILLed mid-delivery and restarted still
delivers every event, and two dispatchers at once do not double deliveries (one holds the lease)."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.fixtures import create_app, sign_in
from tests.webhooks.receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "admin@example.com"
EVENTS = 12


def _env(data: Path, rbac: str) -> dict[str, str]:
    return {**os.environ, "DATA_DIR": str(data), "RBAC_FILE": rbac, "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
            "WEBHOOK_POLL_SECONDS": "0.1", "WEBHOOK_RETRY_BASE_SECONDS": "0.2", "WEBHOOK_LEASE_SECONDS": "1.5",
            "RATELIMIT_ENABLED": "0", "PYTHONPATH": str(ROOT)}


class Dispatchers:
    """Spawned dispatcher processes, killed at the end whatever happens."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env, self.procs = env, []

    def spawn(self) -> subprocess.Popen[str]:
        proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("dispatcher_process.py"))],
                                env=self.env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        self.procs.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        return proc

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)


@pytest.fixture
def writer(tmp_path: Path, rbac_file: str) -> Iterator[tuple[Flask, Dispatchers]]:
    """The app people use (no dispatcher of its own) and a way to start dispatcher processes beside it."""
    env = _env(tmp_path / "data", rbac_file)
    app = create_app({"DATA_DIR": env["DATA_DIR"], "RBAC_FILE": rbac_file, "WEBHOOK_DISPATCH": "0",
                      "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", "RATELIMIT_ENABLED": "0"})
    procs = Dispatchers(env)
    yield app, procs
    procs.close()


def _make_events(app: Flask, receiver: Receiver) -> None:
    admin = sign_in(app.test_client(), ADMIN)
    hook = admin.post("/api/v1/webhooks", json={"url": receiver.url, "events": ["*"]}).get_json()
    receiver.secret = hook["secret"]
    for n in range(EVENTS // 2):
        item = admin.post("/api/v1/work-items", json={"item_type": "improvement", "title": f"Item {n}"}).get_json()
        admin.post(f"/api/v1/work-items/{item['id']}/comments", json={"body": f"note {n}"})


def _copies(receiver: Receiver) -> collections.Counter[str]:
    return collections.Counter(r.delivery_id for r in receiver.received if r.status == 200)


def test_a_dispatcher_killed_mid_delivery_loses_nothing_after_restart(writer: tuple[Flask, Dispatchers]) -> None:
    app, procs = writer
    with Receiver(delay=0.15) as receiver:
        _make_events(app, receiver)
        first = procs.spawn()
        deadline = time.monotonic() + 20
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.4)  # a few delivered, one in the middle of its answer
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        before = len(receiver.delivered_ids())
        assert 0 < before < EVENTS, f"killed after {before} of {EVENTS} deliveries: not mid-way"
        procs.spawn()
        assert receiver.wait_for(EVENTS, 30), f"only {len(receiver.delivered_ids())} of {EVENTS} after restart"
        copies = _copies(receiver)
        assert all(r.signature_ok for r in receiver.received)
        assert sum(copies.values()) - EVENTS <= 2, f"duplicates beyond the one in flight: {copies}"


def test_two_dispatchers_at_once_deliver_each_event_once(writer: tuple[Flask, Dispatchers]) -> None:
    app, procs = writer
    with Receiver(delay=0.02) as receiver:
        procs.spawn()
        procs.spawn()
        _make_events(app, receiver)
        assert receiver.wait_for(EVENTS, 30), f"only {len(receiver.delivered_ids())} of {EVENTS}"
        time.sleep(1.0)
        copies = _copies(receiver)
        assert len(copies) == EVENTS and max(copies.values()) == 1, f"doubled deliveries: {copies}"
