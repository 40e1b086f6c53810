"""What the views answer with: stored topologies as JSON, charts as archives."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import Response, current_app, request

from .. import archive, metrics, render
from ..errors import TopologyInvalid
from ..package import Packager, chart_filename, package_chart
from ..stored import StoredRevision, StoredTopology
from ..topology import validate_topology

#: The keys the server adds to a stored document when it answers with one.
SERVER_KEYS = ("revision", "chartVersion", "createdAt", "updatedAt", "warnings")


def timestamp(moment: datetime) -> str:
    """An aware UTC datetime as RFC 3339 text, e.g. ``2026-11-29T20:18:21.123Z``."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def etag_header(stored: StoredRevision) -> dict[str, str]:
    """The ``ETag`` header of a stored revision (a quoted strong tag)."""
    return {"ETag": f'"{stored.etag}"'}


def warnings_of(document: dict) -> list[dict]:
    """The document's warnings under today's rules, as ``FieldError.as_dict`` items.

    A stored document that a rule added since no longer passes still reads back:
    its problems come back as warnings.
    """
    try:
        found = validate_topology(
            document, node_port_range=tuple(current_app.config["NODE_PORT_RANGE"])
        ).warnings
    except TopologyInvalid as exc:
        found = exc.errors
    return [w.as_dict() for w in found]


def revision_view(
    revision: StoredRevision,
    *,
    created_at: datetime | None = None,
    updated_at: datetime | None = None,
) -> dict:
    """A revision's document exactly as stored, followed by :data:`SERVER_KEYS`.

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
        warnings=warnings_of(revision.document),
    )
    return body


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


def chart_files(document: dict, chart_version: str) -> dict[str, str]:
    """The chart's files, ``{path relative to the chart root: text}``."""
    return render.render_chart(
        document, chart_version, node_port_range=tuple(current_app.config["NODE_PORT_RANGE"])
    )


def chart_response(document: dict, chart_version: str) -> Response:
    """The chart as a ``.tgz`` download whose ``ETag`` is the sha256 of its bytes.

    :param document: a valid topology document.
    :param chart_version: the chart ``version``.
    :returns: a 200 response, ``application/gzip``, ``Content-Disposition:
        attachment; filename=<name>-<chartVersion>.tgz``.
    """
    name = document["name"]
    data = archive.build_archive(name, chart_files(document, chart_version))
    metrics.CHARTS_RENDERED.inc()
    return archive_response(name, chart_version, data)


def archive_response(name: str, chart_version: str, data: bytes) -> Response:
    """A chart archive as a download, answering ``If-None-Match`` with a 304.

    :param name: the chart's name.
    :param chart_version: its version (names the file).
    :param data: the ``.tgz`` bytes, e.g. as stored with a revision.
    :returns: ``application/gzip``, ``Content-Disposition: attachment;
        filename=<name>-<chartVersion>.tgz``, ``ETag`` the sha256 of ``data``.
    """
    response = Response(data, mimetype="application/gzip")
    response.headers["Content-Disposition"] = (
        f"attachment; filename={chart_filename(name, chart_version)}"
    )
    response.set_etag(hashlib.sha256(data).hexdigest())
    return response.make_conditional(request)
