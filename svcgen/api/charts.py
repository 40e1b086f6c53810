"""``/api/v1/topologies/{name}/chart``: a stored revision's Helm chart.

Both views serve the archive stored with the revision when it was written
(:mod:`svcgen.history`); nothing is rendered on a read.
"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from .. import history
from ..package import archive_files
from .apidoc import (
    ARCHIVE_CONTENT,
    CONDITIONAL_GET,
    FILES_CONTENT,
    doc,
    error_responses,
)
from .queries import query_arguments
from .schemas import RevisionArgsSchema
from .storage import reader
from .views import archive_response, conditional_body

blp = Blueprint("charts", __name__, description="Helm charts of stored topologies.")


def _chart(name: str, revision: int | None) -> history.ChartArchive:
    return history.get_archive(reader(), name, revision)  # one query, no transaction of ours


@blp.route("/topologies/<name>/chart")
class Chart(MethodView):
    """The chart archive of a revision."""

    @query_arguments(blp, RevisionArgsSchema())
    @doc(blp, **CONDITIONAL_GET)
    @doc(blp, responses={200: {"content": ARCHIVE_CONTENT}})
    @blp.response(
        200,
        content_type="application/gzip",
        description="The chart, a reproducible .tgz; its ETag is the sha256 of the bytes",
    )
    @error_responses(blp, 404)
    def get(self, name: str, revision: int | None):
        """Download a topology's chart (the current revision, or ?revision=n)"""
        found = _chart(name, revision)
        return archive_response(found.name, found.chart_version, found.data, digest=found.digest)


@blp.route("/topologies/<name>/chart/files")
class ChartFiles(MethodView):
    """The chart's files, for previews."""

    @query_arguments(blp, RevisionArgsSchema())
    @doc(blp, **CONDITIONAL_GET)
    @doc(blp, responses={200: {"content": FILES_CONTENT}})
    @blp.response(
        200,
        description="{path relative to the chart root: text}; its ETag is the sha256 of the body",
    )
    @error_responses(blp, 404)
    def get(self, name: str, revision: int | None):
        """A topology's chart files as JSON (the current revision, or ?revision=n)"""
        files = archive_files(_chart(name, revision).data)
        return conditional_body(current_app.json.response(files))
