"""``/charts``: svcgen as a Helm chart repository (``helm repo add`` works).

``GET /charts/index.yaml`` lists every stored revision's chart (see
:mod:`svcgen.helmindex`); ``GET /charts/<name>-<version>.tgz`` serves a stored
archive. Each process keeps the last index it built with the stamp of the
stored charts it was built from (:func:`svcgen.history.charts_stamp`): a request
costs one narrow query, and the YAML is rebuilt only when a chart was added or
deleted. Both answer ``If-None-Match`` with a 304.
"""

from __future__ import annotations

import hashlib
import threading

import semver
from flask import Flask, Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from .. import history
from ..errors import TopologyNotFound
from ..helmindex import build_index
from .apidoc import ARCHIVE_CONTENT, CONDITIONAL_GET, doc, error_responses
from .storage import open_session, reader
from .views import archive_response, conditional

blp = Blueprint("helmrepo", __name__, description="A Helm chart repository of every revision.")

_EXTENSION = "svcgen.helm_index"
#: Helm's index.yaml, as a YAML mapping (a client that parses YAML sees an object).
_INDEX_CONTENT = {
    "application/yaml": {
        "schema": {
            "type": "object",
            "required": ["apiVersion", "entries"],
            "properties": {
                "apiVersion": {"type": "string"},
                "entries": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "object"}},
                },
            },
        }
    }
}


class IndexCache:
    """The last index built in this process, its ETag, and the stamp it was built for."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stamp: str | None = None
        self.data = b""
        self.etag = ""
        self.builds = 0

    def get(self) -> tuple[bytes, str]:
        """The current index and its ETag (sha256 of the bytes): cached when the
        stored charts' stamp is unchanged, else a fresh build (cached for the next
        request)."""
        with open_session() as session, session.begin():
            stamp = history.charts_stamp(session)
            with self.lock:
                if stamp == self.stamp:
                    return self.data, self.etag
            data = build_index(history.chart_entries(session))
        etag = hashlib.sha256(data).hexdigest()
        with self.lock:
            self.stamp, self.data, self.etag = stamp, data, etag
            self.builds += 1
        return data, etag


def init_app(app: Flask) -> None:
    """Give the app its index cache.

    :param app: the app.
    """
    app.extensions[_EXTENSION] = IndexCache()


def index_cache() -> IndexCache:
    """The current app's :class:`IndexCache`."""
    return current_app.extensions[_EXTENSION]


@blp.route("/charts/index.yaml")
class Index(MethodView):
    """The repository index."""

    @doc(blp, **CONDITIONAL_GET)
    @doc(blp, responses={200: {"content": _INDEX_CONTENT}})
    @blp.response(
        200,
        content_type="application/yaml",
        description="Helm's index.yaml; its ETag is the sha256 of the body",
    )
    def get(self):
        """The chart repository's index.yaml: every revision's chart"""
        data, etag = index_cache().get()
        return conditional(Response(data, mimetype="application/yaml"), etag)


@blp.route("/charts/<filename>")
class Archive(MethodView):
    """One chart archive."""

    @doc(blp, **CONDITIONAL_GET)
    @doc(blp, responses={200: {"content": ARCHIVE_CONTENT}})
    @blp.response(
        200,
        content_type="application/gzip",
        description="<name>-<version>.tgz; its ETag is the sha256 of the bytes (the index's digest)",
    )
    @error_responses(blp, 404)
    def get(self, filename: str):
        """A chart archive listed in the index, as stored"""
        for name, version in candidates(filename):
            try:
                found = history.find_chart(reader(), name, version)
            except TopologyNotFound:
                continue
            return archive_response(
                found.name, found.chart_version, found.data, digest=found.digest
            )
        raise TopologyNotFound(f"no chart archive named {filename!r} in this repository")


def candidates(filename: str) -> list[tuple[str, str]]:
    """The ``(name, version)`` pairs a ``<name>-<version>.tgz`` file name can mean:
    a name, a ``-``, and a SemVer 2 version (which may hold ``-`` itself).

    :returns: every split whose version is valid SemVer, shortest name first.
    """
    stem = filename.removesuffix(".tgz")
    if stem == filename:
        return []
    pairs = []
    for index, char in enumerate(stem):
        if char == "-" and index > 0 and semver.Version.is_valid(stem[index + 1 :]):
            pairs.append((stem[:index], stem[index + 1 :]))
    return pairs
