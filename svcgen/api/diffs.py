"""``/api/v1/topologies/{name}/diff``: what changed between two revisions."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import history
from ..diff import document_changes, file_diffs
from ..package import archive_files
from .apidoc import error_responses
from .schemas import DiffArgsSchema, DiffSchema
from .storage import open_session

blp = Blueprint("diffs", __name__, description="Differences between revisions.")


@blp.route("/topologies/<name>/diff")
class Diff(MethodView):
    """The difference between two revisions."""

    @blp.arguments(DiffArgsSchema(), location="query", as_kwargs=True)
    @blp.response(200, DiffSchema)
    @error_responses(blp, 404, 422)
    def get(self, name: str, from_: int, to: int):
        """Compare two revisions (?from=m&to=n): document fields and chart files"""
        with open_session() as session, session.begin():
            old, old_archive = history.get_chart(session, name, from_)
            new, new_archive = history.get_chart(session, name, to)
        return {
            "name": name,
            "from_": {"revision": old.number, "chartVersion": old.chart_version},
            "to": {"revision": new.number, "chartVersion": new.chart_version},
            "document": document_changes(old.document, new.document),
            "files": file_diffs(name, archive_files(old_archive), archive_files(new_archive)),
        }
