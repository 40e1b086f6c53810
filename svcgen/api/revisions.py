"""``/api/v1/topologies/{name}/revisions``: the history of a topology."""

from __future__ import annotations

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from .. import repository
from .apidoc import CONDITIONAL_GET, STORED_CONTENT, doc, error_responses
from .schemas import MAX_REVISION, RevisionListSchema
from .storage import open_session
from .views import conditional, revision_detail, timestamp

blp = Blueprint("revisions", __name__, description="Every stored change of a topology.")


@blp.route("/topologies/<name>/revisions")
class Revisions(MethodView):
    """A topology's revisions."""

    @blp.response(200, RevisionListSchema)
    @error_responses(blp, 404)
    def get(self, name: str):
        """List a topology's revisions, oldest first"""
        with open_session() as session, session.begin():
            found = repository.list_revisions(session, name)
        items = [
            {
                "revision": r.number,
                "chartVersion": r.chart_version,
                "createdAt": timestamp(r.created_at),
                "createdBy": r.created_by,
                "digest": r.digest,
            }
            for r in found
        ]
        return {"name": name, "items": items}


@blp.route(f"/topologies/<name>/revisions/<int(min=1, max={MAX_REVISION}):number>")
class Revision(MethodView):
    """One revision, as stored."""

    @doc(blp, **CONDITIONAL_GET)
    @doc(blp, responses={200: {"content": STORED_CONTENT}})
    @blp.response(
        200,
        description="The revision's document, plus createdBy (the name of the token "
        "that stored it; null for revisions stored without one)",
    )
    @error_responses(blp, 404)
    def get(self, name: str, number: int):
        """Read one revision of a topology"""
        with open_session() as session, session.begin():
            found = repository.get_revision(session, name, number)
        return conditional(jsonify(revision_detail(found)), found.etag)
