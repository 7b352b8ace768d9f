"""Baseline for the HTTP benchmark: a Flask app serving one static 5 KB HTML page at /.

Served by gunicorn exactly like the real app, so the ratio real/static isolates DeltaDesk's own cost."""

from __future__ import annotations

from flask import Flask, Response

ROW = "<tr><td>INC-{n}</td><td>Static row {n} of the baseline page</td><td>open</td></tr>\n"
PAGE = ("<!doctype html><html><head><title>static</title></head><body><table>\n"
        + "".join(ROW.format(n=n) for n in range(80)))[:5100] + "</table></body></html>\n"

app = Flask(__name__)


@app.get("/")
def page() -> Response:
    return Response(PAGE, mimetype="text/html")
