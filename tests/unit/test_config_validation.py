"""Settings are validated at start-up: enum-like values, booleans, the production SECRET_KEY, and the dev
key file's permissions (issue #11, finding 14)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app import create_app
from app.config import Config
from app.core.context import services

STRONG = "x" * 40


@pytest.mark.parametrize("value", ["prod", "staging", "dev", "test", "", " "])
def test_env_accepts_only_development_or_production(value: str) -> None:
    with pytest.raises(RuntimeError, match=r"ENV=.*development, production"):
        Config.from_env({"ENV": value, "SECRET_KEY": STRONG})


@pytest.mark.parametrize("value", ["development", "production", " Production "])
def test_env_known_values_pass(value: str) -> None:
    config = Config.from_env({"ENV": value, "SECRET_KEY": STRONG})
    assert config.production == ("production" in value.lower())


@pytest.mark.parametrize(("name", "value", "allowed"), [
    ("STORE", "sqlite", "embedded, databricks"),
    ("AUTH_MODE", "magic", "dev, proxy, token"),
    ("MOCK_SCENARIO", "huge", "default, empty, large"),
    ("LOG_LEVEL", "VERBOSE", "DEBUG, INFO"),
    ("DEFAULT_ROLE", "boss", "viewer, reporter, triager, admin"),
    ("RATELIMIT_ENABLED", "maybe", "1, 0"),
    ("ALLOW_ANONYMOUS_READ", "2", "1, 0"),
    ("USE_MOCK_DATA", "enabled", "1, 0"),
    ("MAX_CONTENT_LENGTH", "big", "a whole number"),
])
def test_other_enum_like_settings_name_the_variable_and_the_choices(name: str, value: str, allowed: str) -> None:
    with pytest.raises(RuntimeError, match=rf"{name}=.*{allowed}"):
        Config.from_env({name: value})


def test_flags_accept_the_usual_spellings() -> None:
    config = Config.from_env({"RATELIMIT_ENABLED": " TRUE ", "USE_MOCK_DATA": "off", "ALLOW_ANONYMOUS_READ": "no"})
    assert config.flag("RATELIMIT_ENABLED") and not config.flag("USE_MOCK_DATA")
    assert not config.flag("ALLOW_ANONYMOUS_READ")


@pytest.mark.parametrize("key", ["", " ", " " * 40, "short-but-not-blank", "k" * 31, " " + "k" * 31 + " "])
def test_production_refuses_a_blank_or_short_secret_key(key: str) -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Config.from_env({"ENV": "production", "SECRET_KEY": key})


def test_production_accepts_a_long_secret_key() -> None:
    assert Config.from_env({"ENV": "production", "SECRET_KEY": "k" * 32}).secret_key() == "k" * 32


def test_create_app_refuses_to_start_with_an_unknown_env(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="ENV='staging'"):
        create_app({"DATA_DIR": str(tmp_path), "ENV": "staging"})


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_dev_key_file_is_private(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        app = create_app({"DATA_DIR": str(tmp_path), "RATELIMIT_ENABLED": "0"})
    finally:
        os.umask(old_umask)
    key_file = tmp_path / ".dev_secret_key"
    assert _mode(key_file) == 0o600
    assert app.config["SECRET_KEY"] == key_file.read_text().strip() and len(app.config["SECRET_KEY"]) >= 32
    services(app).store.close()


def test_an_existing_world_readable_dev_key_file_is_made_private(tmp_path: Path) -> None:
    key_file = tmp_path / ".dev_secret_key"
    key_file.write_text("e" * 64)
    key_file.chmod(0o644)
    app = create_app({"DATA_DIR": str(tmp_path), "RATELIMIT_ENABLED": "0"})
    assert _mode(key_file) == 0o600 and app.config["SECRET_KEY"] == "e" * 64
    services(app).store.close()
