"""`make run` says what it is doing and, before the server starts, how to sign in (issue #12).

Before, it printed nothing for minutes while pip worked, then only Flask's "Running on ...": a new user had
to find the sign-in page and guess the demo users. The recipe is read from the Makefile itself (`make -n -B`
prints every command of every stage without running any), so the test checks what `make run` really does,
then runs its hint command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("==> Creating virtualenv", "==> Installing Python packages (takes a few minutes the first time)",
          "==> Installing front-end assets", "==> Loading demo data")


def _make_run_commands() -> list[str]:
    """Every command `make run` would run, in order, as if nothing were built yet."""
    env = {k: v for k, v in os.environ.items() if k not in ("RBAC_FILE", "AUTH_MODE", "PORT", "MAKEFLAGS")}
    bin_dir = str(Path(sys.executable).parent)  # the venv running these tests stands in for .venv/bin
    out = subprocess.run(["make", "-n", "-B", "run", f"BIN={bin_dir}"], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True, timeout=60).stdout
    return out.splitlines()


def _rbac_users(path: Path) -> dict[str, str]:
    data = tomllib.loads(path.read_text())
    return {identity: role for role, identities in data["roles"].items() for identity in identities}


def test_every_stage_announces_itself_and_pip_shows_its_progress() -> None:
    commands = _make_run_commands()
    text = "\n".join(commands)
    positions = [text.find(stage) for stage in STAGES]
    assert -1 not in positions and positions == sorted(positions), positions
    installs = [c for c in commands if re.search(r"pip install", c)]
    assert installs and not [c for c in installs if "--quiet" in c or " -q" in c], installs


def test_the_sign_in_hint_names_the_url_and_every_demo_user_before_the_server_starts() -> None:
    commands = _make_run_commands()
    hint_at = next(i for i, c in enumerate(commands) if "sign_in_hint.py" in c)
    server_at = next(i for i, c in enumerate(commands) if " run --host" in c)
    assert hint_at < server_at
    hint = commands[hint_at]
    env = {k: v for k, v in os.environ.items() if k not in ("RBAC_FILE", "AUTH_MODE")}
    shown = subprocess.run(["bash", "-c", hint], cwd=ROOT, env=env, check=True, capture_output=True, text=True,
                           timeout=30).stdout
    assert "http://127.0.0.1:5000/sign-in" in shown
    users = _rbac_users(ROOT / "rbac.dev.toml")
    assert len(users) >= 4
    for identity, role in users.items():
        line = next((row for row in shown.splitlines() if identity in row), "")
        assert re.search(rf"{re.escape(identity)}\s+{role}\b", line), (identity, role, shown)
    assert "any other email address: it gets the role reporter" in shown  # rbac.dev.toml's default_role


def test_the_hint_follows_another_rbac_file_and_port(tmp_path: Path) -> None:
    rbac = tmp_path / "team.toml"
    rbac.write_text('default_role = "viewer"\n[roles]\nadmin = ["lead@corp.example"]\n')
    command = [sys.executable, str(ROOT / "scripts" / "sign_in_hint.py"), "--rbac", str(rbac),
               "--url", "http://127.0.0.1:8123/sign-in"]
    shown = subprocess.run(command, check=True, capture_output=True, text=True, timeout=30).stdout
    assert "http://127.0.0.1:8123/sign-in" in shown and "lead@corp.example  admin" in shown
    assert "alice@example.com" not in shown and "gets the role viewer" in shown
