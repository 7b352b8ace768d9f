"""Settings: README documents every variable, and the config reads them with sane defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.config import SETTINGS, Config

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_readme_table_lists_exactly_the_settings() -> None:
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", README, re.M))
    assert documented == set(SETTINGS)


def test_overrides_and_lists() -> None:
    config = Config.from_env({"PLATFORMS": " spark, kafka ,,", "EMBED_ALLOWED_ORIGINS": "https://a.example/"})
    assert config.platforms == ["spark", "kafka"]
    assert config.embed_origins == ["https://a.example"]


def test_production_requires_a_secret_key() -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Config.from_env({"ENV": "production", "SECRET_KEY": ""}).secret_key()
