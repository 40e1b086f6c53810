"""What the views answer with: stored topologies as JSON, charts as archives."""

from __future__ import annotations

import copy
import hashlib
import threading
from datetime import datetime

from flask import Response, current_app, request

from .. import metrics
from ..errors import PreconditionFailed, TopologyInvalid
from ..helmindex import rfc3339
from ..history import CurrentRevision
from ..package import Packager, chart_filename, package_chart
from ..stored import StoredRevision, StoredTopology
from ..topology import validate_topology

#: An aware datetime as RFC 3339 UTC text, e.g. ``2026-11-29T20:18:21.123Z``; the
#: chart repository index spells its times the same way.
timestamp = rfc3339


def etag_header(stored: StoredRevision) -> dict[str, str]:
    """The ``ETag`` header of a stored revision (a quoted strong tag)."""
    return {"ETag": f'"{stored.etag}"'}


def conditional(response: Response, etag: str) -> Response:
    """``response`` with ``ETag: "<etag>"``, answering a ``GET`` or ``HEAD``'s
    preconditions in RFC 9110's order (section 13.2.2): ``If-Match`` first, then
    ``If-None-Match``.

    - ``If-Match`` that does not name the tag (strong comparison; ``*`` names any;
      a header Werkzeug cannot read names none, as on ``PUT``): 412.
    - ``If-None-Match`` that names it (weak comparison, section 13.1.2) or is ``*``:
      304, the body dropped when it is sent.

    Werkzeug's ``make_conditional`` did the same and more that these downloads do
    not use (a ``Date`` header, which gunicorn writes anyway; ``Range`` and
    ``If-Modified-Since``, which need ``Accept-Ranges`` and ``Last-Modified``, never
    sent), for a tenth of a chart download's time. Other methods (``POST
    /render``) are answered as they are: RFC 9110 gives them no 304.

    :param response: a 200 response.
    :param etag: the strong tag of its body, unquoted.
    :returns: ``response``, changed in place.
    :raises PreconditionFailed: ``If-Match`` names another tag.
    """
    response.set_etag(etag)
    asked = request._get_current_object()  # one context lookup, not one per use
    if asked.method not in ("GET", "HEAD"):
        return response
    if "If-Match" in asked.headers and not asked.if_match.contains(etag):
        raise PreconditionFailed(f'this answer\'s ETag is "{etag}", which If-Match does not name')
    if asked.if_none_match.contains_weak(etag):
        response.status_code = 304
    return response


def conditional_body(response: Response) -> Response:
    """:func:`conditional` with the sha256 of ``response``'s body as its tag: for an
    answer made anew from a stored revision on each request (a diagram, the chart's
    files, catalog entities), whose bytes are the same while the revision is.

    :param response: a 200 response with its whole body set (not streamed).
    :returns: ``response``, changed in place (a 304 when ``If-None-Match`` names it).
    :raises PreconditionFailed: ``If-Match`` names another tag.
    """
    return conditional(response, hashlib.sha256(response.get_data()).hexdigest())


#: How many revisions' warnings a worker keeps (:func:`warnings_of`).
WARNINGS_CACHE_SIZE = 1024
_warnings_cache: dict[tuple[str, tuple[int, int]], list[dict]] = {}
#: Held while either per-worker cache of this module evicts or adds (a threaded
#: server, such as ``flask run``, serves several requests at once).
_cache_lock = threading.Lock()


def warnings_of(document: dict, *, etag: str | None = None) -> list[dict]:
    """The document's warnings under today's rules, as ``FieldError.as_dict`` items.

    A stored document that a rule added since no longer passes still reads back:
    its problems come back as warnings.

    Validation was most of the time of a ``GET`` of a topology (``make bench``), so
    the warnings of a stored revision are kept per worker, by its ETag (which names
    its document) and the node-port range: a revision is never rewritten, and the
    rules change only with svcgen itself, that is with a new process. The
    :data:`WARNINGS_CACHE_SIZE` most recently computed are kept.

    :param document: the document.
    :param etag: the stored revision's ETag, or ``None`` for a document that is
        not stored (computed every time).
    :returns: a new list on every call.
    """
    node_port_range = tuple(current_app.config["NODE_PORT_RANGE"])
    key = (etag, node_port_range)
    found = _warnings_cache.get(key) if etag is not None else None
    if found is None:
        try:
            problems = validate_topology(document, node_port_range=node_port_range).warnings
        except TopologyInvalid as exc:
            problems = exc.errors
        found = [w.as_dict() for w in problems]
        if etag is not None:
            _remember(key, found)
    return copy.deepcopy(found)


def remember_warnings(etag: str, warnings: list) -> None:
    """Keep the warnings a write has just computed for the revision it stored, so
    that its answer (and the next reads) need not validate the document again.

    :param etag: the new revision's ETag.
    :param warnings: :class:`~svcgen.errors.FieldError` items, from the validation
        of the request's document under the app's node-port range.
    """
    _remember((etag, tuple(current_app.config["NODE_PORT_RANGE"])), [w.as_dict() for w in warnings])


def _remember(key: tuple[str, tuple[int, int]], warnings: list[dict]) -> None:
    with _cache_lock:  # a threaded server (flask run) may evict from two threads at once
        while len(_warnings_cache) >= WARNINGS_CACHE_SIZE:
            _warnings_cache.pop(next(iter(_warnings_cache)))
        _warnings_cache[key] = warnings


def revision_view(
    revision: StoredRevision,
    *,
    created_at: datetime | None = None,
    updated_at: datetime | None = None,
) -> dict:
    """A revision's document exactly as stored, followed by :data:`~svcgen.api.apidoc.SERVER_PROPERTIES`.

    :param revision: the revision.
    :param created_at: the topology's creation time; the revision's when ``None``.
    :param updated_at: the topology's last change; the revision's when ``None``.
    """
    body = dict(revision.document)
    body.update(
        revision=revision.number,
        chartVersion=revision.chart_version,
        createdAt=timestamp(created_at or revision.created_at),
        updatedAt=timestamp(updated_at or revision.created_at),
        warnings=warnings_of(revision.document, etag=revision.etag),
    )
    return body


#: How many characters of stored documents the answers kept by :func:`current_view`
#: may hold in all (their keys hold the document text, their bodies the parsed
#: document), and how many answers at most.
VIEW_CACHE_CHARS = 2_000_000
VIEW_CACHE_SIZE = 1024
_views: dict[tuple, tuple[bytes, str]] = {}
_view_chars = 0


def current_view(current: CurrentRevision) -> Response:
    """The answer to ``GET /topologies/{name}``: :func:`topology_view` of the current
    revision as JSON, with its :func:`etag_header`.

    Parsing the document, hashing its ETag, building the view and encoding it as
    JSON were most of such a ``GET`` (``make bench``), so answers are kept per
    worker as encoded bytes (by the app's JSON provider, as ``jsonify`` writes
    them), keyed by every column they are made of (``current``, document text
    included), the node-port range (the warnings' only setting) and the app's JSON
    provider and debug flag (which decide the bytes): equal keys make equal answers,
    and a new revision, or a topology deleted and made again, is a new key. The most recently made are kept, up to :data:`VIEW_CACHE_SIZE`
    answers and :data:`VIEW_CACHE_CHARS` characters of documents.

    :param current: the revision as read by :func:`svcgen.history.get_current`.
    :returns: a new 200 response on every call, or a 304 to an ``If-None-Match`` that
        names its ETag (:func:`conditional`).
    :raises PreconditionFailed: ``If-Match`` names another ETag.
    """
    app = current_app._get_current_object()  # one context lookup, not one per use
    provider = app.json  # the bytes are its: one app's, in debug mode indented
    key = (current, tuple(app.config["NODE_PORT_RANGE"]), provider, app.debug)
    found = _views.get(key)
    if found is None:
        stored = current.stored()
        body = provider.response(topology_view(stored)).get_data()
        found = (body, stored.revision.etag)
        _keep_view(key, found, len(current.document))
    body, etag = found
    return conditional(Response(body, mimetype=provider.mimetype), etag)


def _keep_view(key: tuple, answer: tuple[bytes, str], chars: int) -> None:
    global _view_chars
    if chars > VIEW_CACHE_CHARS:
        return
    with _cache_lock:  # a threaded server (flask run) may make two answers at once
        if key in _views:
            return
        while _views and (len(_views) >= VIEW_CACHE_SIZE or _view_chars + chars > VIEW_CACHE_CHARS):
            oldest = next(iter(_views))
            del _views[oldest]
            _view_chars -= len(oldest[0].document)
        _views[key] = answer
        _view_chars += chars


def revision_detail(revision: StoredRevision) -> dict:
    """The body of ``GET /topologies/{name}/revisions/{n}``: :func:`revision_view`
    plus ``createdBy`` (the name of the token that stored it, or ``null``)."""
    body = revision_view(revision)
    body["createdBy"] = revision.created_by
    return body


def topology_view(stored: StoredTopology) -> dict:
    """The body of ``GET /topologies/{name}`` (see :func:`revision_view`)."""
    return revision_view(
        stored.revision, created_at=stored.created_at, updated_at=stored.updated_at
    )


def packager() -> Packager:
    """:func:`svcgen.package.package_chart` with the app's ``NODE_PORT_RANGE``, for
    the repository to archive a new revision's chart with; each chart it makes
    counts in ``svcgen_charts_rendered_total``."""
    node_port_range = tuple(current_app.config["NODE_PORT_RANGE"])

    def package(document: dict, chart_version: str) -> bytes:
        data = package_chart(document, chart_version, node_port_range=node_port_range)
        metrics.CHARTS_RENDERED.inc()
        return data

    return package


def chart_response(document: dict, chart_version: str) -> Response:
    """The chart of a document that is not stored (``POST /render``), made as a stored
    revision's is (:func:`packager`), as a ``.tgz`` download whose ``ETag`` is the
    sha256 of its bytes.

    :param document: a valid topology document.
    :param chart_version: the chart ``version``.
    :returns: a 200 response, ``application/gzip``, ``Content-Disposition:
        attachment; filename=<name>-<chartVersion>.tgz``.
    """
    return archive_response(document["name"], chart_version, packager()(document, chart_version))


def archive_response(
    name: str, chart_version: str, data: bytes, *, digest: str | None = None
) -> Response:
    """A chart archive as a download, answering ``If-None-Match`` with a 304.

    :param name: the chart's name.
    :param chart_version: its version (names the file).
    :param data: the ``.tgz`` bytes, e.g. as stored with a revision.
    :param digest: the sha256 of ``data`` when known (stored with the revision);
        computed when ``None``.
    :returns: ``application/gzip``, ``Content-Disposition: attachment;
        filename=<name>-<chartVersion>.tgz``, ``ETag`` the sha256 of ``data``.
    """
    response = Response(data, mimetype="application/gzip")
    response.headers["Content-Disposition"] = (
        f"attachment; filename={chart_filename(name, chart_version)}"
    )
    return conditional(response, digest or hashlib.sha256(data).hexdigest())
