"""``/api/v1/topologies``: create, list, read, replace and delete topologies."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import PreconditionRequired

from .. import history, metrics, repository
from ..errors import PreconditionFailed
from ..package import chart_filename, prepared
from ..stored import ETAG_FORM
from .apidoc import (
    CONDITIONAL_GET,
    DOCUMENT_BODY,
    ETAG_HEADER,
    STORED_CONTENT,
    doc,
    error_responses,
    header_parameter,
)
from .auth import current_token_name
from .bodies import read_valid_document
from .queries import query_arguments
from .schemas import DeletedSchema, ListArgsSchema, TopologyPageSchema
from .storage import connect, open_session, reader
from .views import (
    current_view,
    etag_header,
    packager,
    remember_warnings,
    timestamp,
    topology_view,
)

blp = Blueprint("topologies", __name__, description="Stored topologies and their revisions.")

_IF_MATCH = header_parameter(
    "If-Match",
    "the ETag of the revision the change is based on (strong: a W/ tag never matches); "
    "required (428 without it) when the server sets REQUIRE_IF_MATCH",
)
_IF_NONE_MATCH = header_parameter(
    "If-None-Match",
    "412 when it names the current revision's ETag or is * (a topology of that name "
    "exists): RFC 9110 section 13.1.2",
)


def preconditions():
    """The preconditions of a ``PUT`` or ``DELETE`` (``If-Match``, then
    ``If-None-Match``, RFC 9110 section 13.2.2) as one test of the current revision's
    (unquoted) ETag, or ``None`` without either header.

    The test returns false when ``If-Match`` names other tags (the topology changed
    since the client read it: the caller answers 412 saying so), and raises the 412
    itself, saying why, when the client's precondition cannot pass for another reason:

    - ``If-Match`` or ``If-None-Match`` that names no entity tag Werkzeug can read
      (``If-Match: not quoted``): never taken for no precondition;
    - ``If-Match`` naming the tag only as weak (``W/"..."``): writes compare strongly
      (RFC 9110 section 13.1.1), so it never matches;
    - ``If-Match`` naming no tag of the form svcgen makes (40 hexadecimal digits,
      :data:`svcgen.stored.ETAG_FORM`): it cannot be a revision's, so "has changed"
      would mislead;
    - ``If-None-Match`` that is ``*`` or names the tag (weak comparison, section
      13.1.2): the write is refused; a ``PUT`` never creates, so ``*`` never passes.

    What does not depend on the tag is worked out once here; the test runs before the
    body is read and again under the write lock.

    :raises PreconditionRequired: there is no ``If-Match`` and the app's
        ``REQUIRE_IF_MATCH`` setting is true (``SVCGEN_REQUIRE_IF_MATCH=true``).
    """
    asked = request._get_current_object()  # one context lookup, not one per use
    sent_if_match = "If-Match" in asked.headers
    sent_if_none_match = "If-None-Match" in asked.headers
    if not sent_if_match and current_app.config.get("REQUIRE_IF_MATCH"):
        raise PreconditionRequired(
            "this server requires If-Match on PUT and DELETE: send the ETag of the "
            "revision your change is based on (GET the topology for it)"
        )
    if not (sent_if_match or sent_if_none_match):
        return None
    wanted, unwanted = asked.if_match, asked.if_none_match
    if sent_if_match and not wanted:
        unreadable = "If-Match"
    elif sent_if_none_match and not unwanted:
        unreadable = "If-None-Match"
    else:
        unreadable = None
    # Werkzeug reads an empty tag (W/"" or "") as None
    foreign = not any(tag and ETAG_FORM.fullmatch(tag) for tag in wanted.as_set(include_weak=True))
    instead = (
        "drop If-None-Match to delete it"
        if asked.method == "DELETE"
        else "a PUT replaces an existing topology, a POST creates one"
    )

    def passes(etag: str) -> bool:
        if unreadable is not None:
            raise PreconditionFailed(
                f"{unreadable} names no entity tag: send the ETag as the server sent it, "
                f'in double quotes ({unreadable}: "{etag[:8]}...")'
            )
        if sent_if_match and not wanted.contains(etag):
            if wanted.is_weak(etag):
                raise PreconditionFailed(
                    "If-Match names the current ETag as weak (W/...); PUT and DELETE "
                    "compare ETags strongly (RFC 9110 section 13.1.1): send it without W/"
                )
            if foreign:
                raise PreconditionFailed(
                    "If-Match names no ETag svcgen makes (40 hexadecimal digits in double "
                    "quotes): GET the topology and send its ETag header as it came"
                )
            return False
        if sent_if_none_match and unwanted.contains_weak(etag):
            which = "is *" if unwanted.star_tag else "names the current revision's ETag"
            raise PreconditionFailed(
                f"If-None-Match {which}, so the topology is not changed (RFC 9110 section "
                f"13.1.2); {instead}"
            )
        return True

    return passes


@blp.route("/topologies")
class Topologies(MethodView):
    """The collection of topologies."""

    @query_arguments(blp, ListArgsSchema())
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

    @doc(blp, requestBody=DOCUMENT_BODY, responses={201: {"content": STORED_CONTENT}})
    @blp.response(201, description="Stored as revision 1", headers=ETAG_HEADER)
    @error_responses(blp, 400, 409, 413, 415, 422)
    def post(self):
        """Validate and store a new topology"""
        validated = read_valid_document()
        with open_session() as session, session.begin():
            stored = repository.create_topology(
                session, validated.document, package=packager(), created_by=current_token_name()
            )
        metrics.TOPOLOGIES_STORED.labels("create").inc()
        remember_warnings(stored.revision.etag, validated.warnings)
        headers = etag_header(stored.revision)
        headers["Location"] = url_for("topologies.Topology", name=stored.name)
        return topology_view(stored), headers


@blp.route("/topologies/<name>")
class Topology(MethodView):
    """One topology, at its current revision."""

    @doc(blp, **CONDITIONAL_GET)
    @doc(blp, responses={200: {"content": STORED_CONTENT}})
    @blp.response(200, description="The current revision")
    @error_responses(blp, 404)
    def get(self, name: str):
        """Read a topology's current document"""
        return current_view(history.get_current(reader(), name))  # one query, no ORM

    @doc(
        blp,
        requestBody=DOCUMENT_BODY,
        parameters=[_IF_MATCH, _IF_NONE_MATCH],
        responses={200: {"content": STORED_CONTENT}},
    )
    @blp.response(200, description="Stored as the next revision", headers=ETAG_HEADER)
    @error_responses(blp, 400, 404, 412, 413, 415, 422, 428)
    def put(self, name: str):
        """Replace a topology's document: a new revision"""
        precondition = preconditions()
        current = history.get_current(reader(), name)  # a 404 before the body
        if precondition is not None and not precondition(current.etag):
            raise repository.changed(name, current.number)  # a 412 before the body, too

        def server_chose(version: str) -> bool:
            with connect() as connection, connection.begin():
                return history.server_chose(connection, name, version)

        validated = read_valid_document(name=name, server_chose=server_chose)
        # The chart is made before the write transaction, at the version the next
        # revision will probably get, so no lock is held while it renders; when
        # another revision lands first, it is made again under the lock.
        guess = repository.next_chart_version(current, validated.document)
        package = prepared(packager(), validated.document, guess)
        with open_session() as session, session.begin():
            stored = repository.replace_topology(
                session,
                name,
                validated.document,
                if_match=precondition,
                package=package,
                created_by=current_token_name(),
            )
        metrics.TOPOLOGIES_STORED.labels("replace").inc()
        remember_warnings(stored.revision.etag, validated.warnings)
        return topology_view(stored), etag_header(stored.revision)

    @doc(blp, parameters=[_IF_MATCH, _IF_NONE_MATCH])
    @blp.response(200, DeletedSchema, description="Deleted with all its revisions and charts")
    @error_responses(blp, 404, 412, 428)
    def delete(self, name: str):
        """Delete a topology, all its revisions and their charts"""
        precondition = preconditions()
        with open_session() as session, session.begin():
            deleted = repository.delete_topology(session, name, if_match=precondition)
        return {
            "deleted": {
                "name": deleted.name,
                "revisions": [number for number, _ in deleted.revisions],
                "charts": [chart_filename(deleted.name, v) for _, v in deleted.revisions],
            }
        }
