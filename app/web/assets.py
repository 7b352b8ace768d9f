"""Static files under content-hashed URLs, cached for a year (issue #12).

Templates name a static file with `asset_url('css/app.css')`, which gives `/static/css/app.css?v=<hash>`
(sha256 of the file's bytes, 12 hex digits; `absolute=True` for pages shown on other sites). A response
to the URL whose `v` is the file's current hash may be kept for a year without asking again
(`public, max-age=31536000, immutable`): a changed file gets a new URL, so nobody sees a stale copy. Any
other request for the file (no `v`, or a hash of an older version) is still answered, with `no-cache`, so
it is revalidated every time and can never pin old bytes under a name that looks permanent.

The hashes are computed once at start-up (the static folder holds a few hundred KiB). In debug mode each
look-up checks the file's size and mtime first, so an edited file gets its new URL on the next page.
Same-origin URLs: the CSP's `'self'` covers them, query string or not.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for

from app.web.links import app_url

EXTENSION = "deltadesk.assets"
HASH_LENGTH = 12
IMMUTABLE_MAX_AGE = 31_536_000  # one year, the longest max-age caches honour
log = logging.getLogger(__name__)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]


class AssetHashes:
    """The content hash of every file under one static folder, by its path relative to the folder."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder).resolve()
        self._lock = threading.Lock()
        self._known: dict[str, tuple[tuple[int, int], str]] = {}  # name -> ((size, mtime_ns), hash)
        self._missing: set[str] = set()
        for path in sorted(self.folder.rglob("*")) if self.folder.is_dir() else ():
            if path.is_file():
                self._remember(path.relative_to(self.folder).as_posix(), path)

    def _remember(self, name: str, path: Path) -> str:
        stat = path.stat()
        digest = _digest(path)
        with self._lock:
            self._known[name] = ((stat.st_size, stat.st_mtime_ns), digest)
        return digest

    def _path(self, name: str) -> Path | None:
        """The file `name` names inside the folder; None for anything outside it or missing."""
        path = (self.folder / name).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            return None
        return path

    def digest(self, name: str, check: bool = False) -> str | None:
        """The file's hash (None when there is no such file); `check` re-hashes a file changed on disk."""
        known = self._known.get(name)
        if known is not None and not check:
            return known[1]
        path = self._path(name)
        if path is None:
            return None
        stat = path.stat()
        if known is not None and known[0] == (stat.st_size, stat.st_mtime_ns):
            return known[1]
        return self._remember(name, path)

    def warn_missing(self, name: str) -> None:
        """Log once per name that a page links a static file that is not there."""
        if name not in self._missing:
            self._missing.add(name)
            log.warning("static file %s is missing (run `make assets`): linked without a content hash", name)


def hashes(app: Flask | None = None) -> AssetHashes:
    """The app's registry (built at start-up by init_assets)."""
    return (app or current_app).extensions[EXTENSION]


def asset_url(filename: str, absolute: bool = False) -> str:
    """The URL of a static file with its content hash (`absolute` for embeds shown on other sites). A file
    that is not there (front-end assets not built yet) keeps its plain URL, and the log says so once."""
    digest = hashes().digest(filename, check=current_app.debug)
    values = {"filename": filename, "v": digest} if digest else {"filename": filename}
    if digest is None:
        hashes().warn_missing(filename)
    return app_url("static", **values) if absolute else url_for("static", **values)


def cache_static(response: Response) -> Response:
    """A year and `immutable` for the current hash of a static file, `no-cache` for every other request."""
    if request.endpoint != "static" or response.status_code not in (200, 206, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    current = hashes().digest(filename, check=current_app.debug)
    if current is not None and request.args.get("v") == current:
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = IMMUTABLE_MAX_AGE
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = None
        response.cache_control.public = None
        response.cache_control.no_cache = True
    return response


def init_assets(app: Flask) -> None:
    """Hash the static folder once, offer `asset_url` to templates, set the static files' Cache-Control."""
    app.extensions[EXTENSION] = AssetHashes(app.static_folder or os.devnull)
    app.jinja_env.globals["asset_url"] = asset_url
    app.after_request(cache_static)
