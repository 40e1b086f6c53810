"""The benchmark's baseline: a minimal Flask app that answers every path and
method with one constant JSON object, served by the same gunicorn settings
(``gunicorn -c gunicorn.conf.py bench.baseline:app``) as svcgen."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT"])
@app.route("/<path:path>", methods=["GET", "POST", "PUT"])
def constant(path: str):
    """The same small JSON object, whatever was asked."""
    return {"status": "ok"}
