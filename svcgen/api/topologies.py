"""``/api/v1/topologies``: create, list, read, replace and delete topologies."""

from __future__ import annotations

from flask import request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from .. import repository
from .apidoc import DOCUMENT_BODY, ETAG_HEADER, STORED_CONTENT, error_responses
from .bodies import read_valid_document
from .schemas import ListArgsSchema, TopologyPageSchema
from .storage import open_session
from .views import etag_header, timestamp, topology_view

blp = Blueprint("topologies", __name__, description="Stored topologies and their revisions.")

_IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"}}


def if_match():
    """The ``If-Match`` header as a test of an (unquoted) ETag, or ``None`` without one."""
    return request.if_match.contains if request.if_match else None


@blp.route("/topologies")
class Topologies(MethodView):
    """The collection of topologies."""

    @blp.arguments(ListArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, TopologyPageSchema)
    def get(self, page: int, page_size: int):
        """List topologies, newest first"""
        with open_session() as session, session.begin():
            found, total = repository.list_topologies(
                session, offset=(page - 1) * page_size, limit=page_size
            )
        items = [
            {
                "name": t.name,
                "description": t.revision.document.get("description"),
                "revision": t.revision.number,
                "chartVersion": t.revision.chart_version,
                "createdAt": timestamp(t.created_at),
                "updatedAt": timestamp(t.updated_at),
            }
            for t in found
        ]
        return {
            "items": items,
            "page": page,
            "pageSize": page_size,
            "totalItems": total,
            "totalPages": (total + page_size - 1) // page_size,
        }

    @blp.doc(requestBody=DOCUMENT_BODY, responses={201: {"content": STORED_CONTENT}})
    @blp.response(201, description="Stored as revision 1", headers=ETAG_HEADER)
    @error_responses(blp, 400, 409, 413, 415, 422)
    def post(self):
        """Validate and store a new topology"""
        validated = read_valid_document()
        with open_session() as session, session.begin():
            stored = repository.create_topology(session, validated.document)
        headers = etag_header(stored.revision)
        headers["Location"] = url_for("topologies.Topology", name=stored.name)
        return topology_view(stored), headers


@blp.route("/topologies/<name>")
class Topology(MethodView):
    """One topology, at its current revision."""

    @blp.doc(responses={200: {"content": STORED_CONTENT}})
    @blp.response(200, description="The current revision", headers=ETAG_HEADER)
    @error_responses(blp, 404)
    def get(self, name: str):
        """Read a topology's current document"""
        with open_session() as session, session.begin():
            stored = repository.get_topology(session, name)
        return topology_view(stored), etag_header(stored.revision)

    @blp.doc(
        requestBody=DOCUMENT_BODY,
        parameters=[_IF_MATCH],
        responses={200: {"content": STORED_CONTENT}},
    )
    @blp.response(200, description="Stored as the next revision", headers=ETAG_HEADER)
    @error_responses(blp, 400, 404, 412, 413, 415, 422)
    def put(self, name: str):
        """Replace a topology's document: a new revision"""
        validated = read_valid_document(name=name)
        with open_session() as session, session.begin():
            stored = repository.replace_topology(
                session, name, validated.document, if_match=if_match()
            )
        return topology_view(stored), etag_header(stored.revision)

    @blp.doc(parameters=[_IF_MATCH])
    @blp.response(204, description="Deleted with all its revisions")
    @error_responses(blp, 404, 412)
    def delete(self, name: str):
        """Delete a topology and all its revisions"""
        with open_session() as session, session.begin():
            repository.delete_topology(session, name, if_match=if_match())
        return ""
