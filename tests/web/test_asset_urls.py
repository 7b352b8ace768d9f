"""Static files under content-hashed URLs with a year's cache (issue #12: 4-5 revalidations per page before).

A browser that has a page's CSS and JavaScript asks for none of them again until a file changes, and a
changed file must show at once: it has a new URL. A URL without the hash, or with an older file's hash,
still answers, but with `no-cache`, so it can never pin old bytes for a year."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from app.config import ROOT
from app.web import assets
from tests.fixtures import sign_in

STATIC = ROOT / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
PAGES = ("/work-items", "/work-items/new", "/sign-in", "/status", "/roadmap", "/docs", "/glossary",
         "/embed/status", "/embed/roadmap")
STATIC_URL = re.compile(r'(?:href|src)="((?:http://localhost)?/static/[^"]*)"')


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_urls(client: FlaskClient, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    return STATIC_URL.findall(response.get_data(as_text=True))


@pytest.fixture()
def signed_in(app: Flask) -> FlaskClient:
    return sign_in(app.test_client(), "alice@example.com")


def test_every_static_url_of_every_page_carries_the_files_hash(signed_in: FlaskClient) -> None:
    seen = set()
    for page in PAGES:
        urls = static_urls(signed_in, page)
        assert urls, f"{page} links no static file"
        for url in urls:
            name, _, version = url.split("/static/", 1)[1].partition("?v=")
            assert version == digest(STATIC / name), (page, url)
            seen.add(name)
    assert {"css/app.css", "vendor/htmx.min.js", "js/app.js", "css/portal.css", "css/embed.css"} <= seen


def test_the_hashed_url_is_cached_for_a_year_also_when_revalidated(signed_in: FlaskClient) -> None:
    for url in static_urls(signed_in, "/work-items"):
        response = signed_in.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == IMMUTABLE, url
        assert response.mimetype in ("text/css", "text/javascript"), url
        again = signed_in.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and again.headers["Cache-Control"] == IMMUTABLE, url


def test_unhashed_and_stale_urls_still_work_but_are_revalidated(client: FlaskClient) -> None:
    body = (STATIC / "css" / "app.css").read_bytes()
    for url in ("/static/css/app.css", "/static/css/app.css?v=0123456789ab", "/static/css/app.css?v="):
        response = client.get(url)
        assert response.status_code == 200 and response.data == body, url
        cache = response.headers["Cache-Control"]
        assert "no-cache" in cache and "immutable" not in cache and "max-age=31536000" not in cache, url


def test_a_missing_static_file_is_a_404_not_cached(client: FlaskClient) -> None:
    response = client.get("/static/css/nothing-here.css?v=0123456789ab")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")


def _own_static_folder(app: Flask, folder: Path) -> None:
    """Serve `folder` instead of the repository's static files (as a fresh start of the app would hash it)."""
    app.static_folder = str(folder)
    app.extensions[assets.EXTENSION] = assets.AssetHashes(folder)


@pytest.fixture()
def editable_static(make_app: Callable[..., Flask], tmp_path: Path) -> tuple[Flask, Path]:
    """An app serving a copy of static/ that the test may edit, in debug mode (files re-hashed when changed)."""
    app = make_app()
    folder = tmp_path / "static"
    shutil.copytree(STATIC, folder)
    _own_static_folder(app, folder)
    app.debug = True
    return app, folder


def test_a_changed_file_gets_a_new_url_and_the_old_one_is_no_longer_immutable(
        editable_static: tuple[Flask, Path]) -> None:
    app, folder = editable_static
    client = sign_in(app.test_client(), "alice@example.com")
    before = next(u for u in static_urls(client, "/work-items") if "/css/app.css" in u)
    assert client.get(before).headers["Cache-Control"] == IMMUTABLE
    css = folder / "css" / "app.css"
    css.write_text(css.read_text() + "\n.new-rule { color: red; }\n")
    after = next(u for u in static_urls(client, "/work-items") if "/css/app.css" in u)
    assert after != before and after.endswith(f"?v={digest(css)}")
    fresh = client.get(after)
    assert fresh.headers["Cache-Control"] == IMMUTABLE and b".new-rule" in fresh.data
    stale = client.get(before)
    assert b".new-rule" in stale.data and "immutable" not in stale.headers["Cache-Control"]
    assert "no-cache" in stale.headers["Cache-Control"]


def test_without_debug_the_hashes_of_start_up_hold_until_the_next_start(tmp_path: Path) -> None:
    (tmp_path / "a.css").write_text("a { color: blue; }")
    hashes = assets.AssetHashes(tmp_path)
    first = hashes.digest("a.css")
    (tmp_path / "a.css").write_text("a { color: green; }")
    assert hashes.digest("a.css") == first  # no stat per page in production
    assert hashes.digest("a.css", check=True) == digest(tmp_path / "a.css") != first
    assert assets.AssetHashes(tmp_path).digest("a.css") == digest(tmp_path / "a.css")
    assert hashes.digest("../a.css") is None and hashes.digest("nothing.css") is None


def test_embeds_link_their_stylesheet_absolutely_with_the_hash(client: FlaskClient) -> None:
    html = client.get("/embed/status").get_data(as_text=True)
    assert f'href="http://localhost/static/css/embed.css?v={digest(STATIC / "css" / "embed.css")}"' in html


def test_a_file_that_is_not_built_keeps_its_plain_url(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with app.test_request_context("/"):
        url = render_template_string("{{ asset_url('vendor/not-built.js') }}")
    assert url == "/static/vendor/not-built.js"
    assert "vendor/not-built.js is missing (run `make assets`)" in caplog.text


def test_no_template_links_a_static_file_without_asset_url() -> None:
    """A static link built with url_for('static', ...) would have no hash: revalidated on every page again."""
    plain = re.compile(r"""(?:url_for|app_url)\(\s*["']static["']""")
    offenders = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "templates").rglob("*.html"))
                 if plain.search(path.read_text())]
    assert not offenders, f"use asset_url('path/in/static') in: {offenders}"
