"""Reads of stored revisions and their chart archives (the read half of the
repository; like :mod:`svcgen.repository` it sees ORM rows and hands out
:mod:`svcgen.stored` dataclasses, and the caller owns the transaction).

Archives are read as stored: nothing here renders a chart. The column reads
(:func:`get_current`, :func:`get_archive`, :func:`find_chart`) take a Core
connection or the engine itself as well as a session (:data:`Reader`): a chart
download needs no ORM, and given the engine, the one query runs on a pooled
DBAPI connection (:class:`svcgen.db.PreparedRead`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import Connection, Engine, bindparam, select
from sqlalchemy.orm import Session, undefer

from .db import PreparedRead
from .errors import TopologyNotFound
from .models import Revision, Topology
from .stored import (
    StoredRevision,
    StoredTopology,
    etag,
    named,
    not_found,
    stored_revision,
    stored_topology,
    utc,
)

#: What the column reads run on: an ORM session or a Core connection, in a
#: transaction the caller owns; or, for the one-query reads that take it, the engine
#: (the query runs alone, on a connection of the pool).
Reader = Session | Connection | Engine


def _one(reader: Reader, query: PreparedRead, params: dict) -> tuple | None:
    """The first row of ``query`` with ``params``, or ``None``."""
    if isinstance(reader, Engine):
        return query.one_or_none(reader, params)
    return reader.execute(query.statement, params).first()


@dataclass(frozen=True)
class ChartEntry:
    """One stored chart, as a chart repository lists it.

    :param name: the topology's (and chart's) name.
    :param number: the revision number.
    :param chart_version: the chart ``version``.
    :param document: the revision's document (for ``description``, ``appVersion``).
    :param digest: sha256 of the archive, lowercase hex.
    :param created_at: when the revision was stored (aware, UTC).
    """

    name: str
    number: int
    chart_version: str
    document: dict
    digest: str
    created_at: datetime


def get_revision(session: Session, name: str, number: int) -> StoredRevision:
    """Revision ``number`` of topology ``name``.

    :raises TopologyNotFound: no topology of that name, or no such revision.
    """
    return _find(session, name, number)[0]


@dataclass(frozen=True)
class RevisionSummary:
    """One revision without its document: what a list of revisions shows.

    :param number: the revision number, from 1.
    :param chart_version: its chart ``version``.
    :param created_at: when it was stored (aware, UTC).
    :param created_by: the name of the token that stored it, or ``None``.
    :param digest: sha256 (lowercase hex) of its stored chart archive.
    """

    number: int
    chart_version: str
    created_at: datetime
    created_by: str | None
    digest: str


#: :func:`list_revisions`' query, built once: columns only, no document.
_SUMMARIES = (
    select(
        Revision.number,
        Revision.chart_version,
        Revision.created_at,
        Revision.created_by,
        Revision.digest,
    )
    .join(Topology, Revision.topology_id == Topology.id)
    .where(Topology.name == bindparam("name"))
    .order_by(Revision.number)
)


def list_revisions(session: Reader, name: str) -> list[RevisionSummary]:
    """Every revision of topology ``name``, oldest (1) first, without documents (a
    list of a long-lived topology's revisions reads no document and parses none).

    :param session: a session or a Core connection.
    :raises TopologyNotFound: no topology of that name.
    """
    named(name)
    rows = session.execute(_SUMMARIES, {"name": name}).all()
    if not rows:
        raise not_found(name)
    return [
        RevisionSummary(number, version, utc(created_at), created_by, digest)
        for number, version, created_at, created_by, digest in rows
    ]


@dataclass(frozen=True)
class CurrentRevision:
    """A topology's current revision exactly as stored, its document still the
    stored JSON text: every column ``GET /topologies/{name}`` answers from, read
    without parsing anything, so that equal values mean an equal answer (see
    :func:`svcgen.api.views.current_view`).

    :param name: the topology's name.
    :param created_at: when the topology was first stored (as the database returns it).
    :param updated_at: when its current revision was stored (idem).
    :param number: the revision number.
    :param chart_version: the chart ``version``.
    :param document: the document as stored: JSON text.
    :param revision_created_at: when the revision was stored (idem).
    :param created_by: who stored it, or ``None``.
    :param digest: sha256 of the revision's chart archive.
    """

    name: str
    created_at: datetime
    updated_at: datetime
    number: int
    chart_version: str
    document: str
    revision_created_at: datetime
    created_by: str | None
    digest: str

    @property
    def etag(self) -> str:
        """This revision's ETag (:func:`svcgen.stored.etag`), without parsing the document."""
        return etag(self.name, self.number, self.chart_version, self.document)

    def stored(self) -> StoredTopology:
        """This revision as :func:`svcgen.repository.get_topology` hands it out."""
        topology = SimpleNamespace(
            name=self.name, created_at=self.created_at, updated_at=self.updated_at
        )
        revision = SimpleNamespace(
            number=self.number,
            chart_version=self.chart_version,
            document=self.document,
            created_at=self.revision_created_at,
            created_by=self.created_by,
            digest=self.digest,
        )
        return stored_topology(topology, revision)


#: :func:`get_current`'s query, built once; columns in :class:`CurrentRevision`'s order.
_CURRENT = PreparedRead(
    select(
        Topology.name,
        Topology.created_at,
        Topology.updated_at,
        Revision.number,
        Revision.chart_version,
        Revision.document,
        Revision.created_at,
        Revision.created_by,
        Revision.digest,
    )
    .join(
        Revision,
        (Revision.topology_id == Topology.id) & (Revision.number == Topology.current_revision),
    )
    .where(Topology.name == bindparam("name"))
)


def get_current(session: Reader, name: str) -> CurrentRevision:
    """The current revision of topology ``name``, as stored, with one prepared column query.

    :param session: a session or a Core connection (cheaper: no ORM execution), or
        the engine (cheaper still: the query alone on a pooled connection).
    :param name: the topology's name.
    :returns: the columns; :meth:`CurrentRevision.stored` makes the
        :class:`~svcgen.stored.StoredTopology` of them.
    :raises TopologyNotFound: no topology of that name.
    """
    named(name)
    found = _one(session, _CURRENT, {"name": name})
    if found is None:
        raise not_found(name)
    return CurrentRevision(*found)


def server_chose(session: Reader, name: str, version: str) -> bool:
    """Whether ``version`` is the chart version of a stored revision of topology
    ``name`` that the server chose (``0.<revision>.0``: that revision's document set
    no ``chartVersion``), so that a ``GET`` answer of any revision, sent back in a
    ``PUT``, is not taken to set it.

    :param session: a session or a Core connection.
    """
    number = version.removeprefix("0.").removesuffix(".0")
    if not (number.isascii() and number.isdigit()) or version != f"0.{int(number)}.0":
        return False  # the server only ever chooses 0.<revision>.0 (chart_version_for)
    document = session.scalar(
        select(Revision.document)
        .join(Topology, Revision.topology_id == Topology.id)
        .where(
            Topology.name == name,
            Revision.number == int(number),
            Revision.chart_version == version,
        )
    )
    return document is not None and "chartVersion" not in json.loads(document)


def get_chart(session: Session, name: str, number: int | None) -> tuple[StoredRevision, bytes]:
    """A revision and its stored chart archive.

    :param name: the topology's name.
    :param number: the revision number; ``None``: the current revision.
    :returns: the revision and the archive bytes, exactly as stored.
    :raises TopologyNotFound: no topology of that name, or no such revision.
    """
    revision, row = _find(session, name, number, archive=True)
    return revision, row.archive


@dataclass(frozen=True)
class ChartArchive:
    """A revision's stored chart, as a download needs it.

    :param name: the topology's (and chart's) name.
    :param number: the revision number.
    :param chart_version: the chart ``version`` (names the file).
    :param digest: sha256 of ``data``, lowercase hex, as stored.
    :param data: the ``.tgz`` bytes, as stored.
    """

    name: str
    number: int
    chart_version: str
    digest: str
    data: bytes


_ARCHIVE = select(
    Topology.name, Revision.number, Revision.chart_version, Revision.digest, Revision.archive
).join(Revision, Revision.topology_id == Topology.id)
#: Built once: building a statement and loading ORM entities cost more than the
#: query itself on a chart download (``make bench``).
_CURRENT_ARCHIVE = PreparedRead(
    _ARCHIVE.where(Topology.name == bindparam("name"), Revision.number == Topology.current_revision)
)
_NUMBERED_ARCHIVE = PreparedRead(
    _ARCHIVE.where(Topology.name == bindparam("name"), Revision.number == bindparam("number"))
)


def get_archive(session: Reader, name: str, number: int | None) -> ChartArchive:
    """A revision's stored chart archive, read with one prepared column query.

    :param session: a session or a Core connection (cheaper: no ORM execution), or
        the engine (cheaper still: the query alone on a pooled connection).
    :param name: the topology's name.
    :param number: the revision number; ``None``: the current revision.
    :returns: the archive exactly as stored, with its digest and version.
    :raises TopologyNotFound: no topology of that name, or no such revision.
    """
    named(name)
    if number is None:
        found = _one(session, _CURRENT_ARCHIVE, {"name": name})
    else:
        found = _one(session, _NUMBERED_ARCHIVE, {"name": name, "number": number})
    if found is None:
        _not_found(session, name, number)
    return ChartArchive(*found)


_VERSIONED_ARCHIVE = PreparedRead(
    _ARCHIVE.where(
        Topology.name == bindparam("name"), Revision.chart_version == bindparam("version")
    )
)


def find_chart(session: Reader, name: str, version: str) -> ChartArchive:
    """The stored chart of topology ``name`` whose chart has ``version``.

    Chart versions rise with every revision, so at most one matches.

    :param session: a session, a Core connection or the engine (see :data:`Reader`).
    :raises TopologyNotFound: no such topology or version.
    """
    named(name)
    found = _one(session, _VERSIONED_ARCHIVE, {"name": name, "version": version})
    if found is None:
        raise TopologyNotFound(f"no chart {name!r} of version {version!r}")
    return ChartArchive(*found)


def chart_entries(session: Session) -> list[ChartEntry]:
    """Every stored chart of every topology, by name, then newest revision first."""
    rows = session.execute(
        select(Topology.name, Revision)
        .join(Revision, Revision.topology_id == Topology.id)
        .order_by(Topology.name, Revision.number.desc())
    ).all()
    return [
        ChartEntry(
            name=name,
            number=revision.number,
            chart_version=revision.chart_version,
            document=json.loads(revision.document),
            digest=revision.digest,
            created_at=utc(revision.created_at),
        )
        for name, revision in rows
    ]


def charts_stamp(session: Session) -> str:
    """A short hash that changes whenever the set of stored charts changes (a
    revision added, a topology deleted); cheap next to building an index.

    Revisions are never rewritten, so their ids, digests and times name the set.
    """
    digest = hashlib.sha256()
    rows = session.execute(
        select(Revision.id, Revision.digest, Revision.created_at).order_by(Revision.id)
    )
    for row_id, chart_digest, created_at in rows:
        digest.update(f"{row_id} {chart_digest} {utc(created_at).isoformat()}\n".encode())
    return digest.hexdigest()


def _find(
    session: Session, name: str, number: int | None, *, archive: bool = False
) -> tuple[StoredRevision, Revision]:
    named(name)
    condition = (
        Revision.number == Topology.current_revision
        if number is None
        else Revision.number == number
    )
    statement = (
        select(Topology, Revision)
        .join(Revision, Revision.topology_id == Topology.id)
        .where(Topology.name == name, condition)
    )
    if archive:
        statement = statement.options(undefer(Revision.archive))
    found = session.execute(statement).one_or_none()
    if found is None:
        _not_found(session, name, number)
    return stored_revision(*found), found[1]


_TOPOLOGY_ID = PreparedRead(select(Topology.id).where(Topology.name == bindparam("name")))


def _not_found(session: Reader, name: str, number: int | None):
    """:raises TopologyNotFound: saying whether the topology or the revision is missing
    (asked as the read before it was, so on the engine with the same retry)."""
    if _one(session, _TOPOLOGY_ID, {"name": name}) is None:
        raise not_found(name)
    raise TopologyNotFound(f"topology {name!r} has no revision {number}")
