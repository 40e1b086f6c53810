"""Storage of topologies and their revisions.

This module and :mod:`svcgen.history` are the only ones that see ORM rows;
they hand out the frozen dataclasses of :mod:`svcgen.stored`. Every function
takes a :class:`~sqlalchemy.orm.Session` whose transaction the caller owns
(``with session.begin():``) and only flushes, so that an error raised here, or
later in the caller, rolls everything back: a failed write never leaves half a
row behind.

Every revision is written with its chart archive (rendered once, by a
:data:`~svcgen.package.Packager`) and the archive's sha256; a revision is never
rewritten, so its chart's bytes never change.

Revision numbers are race-free on SQLite and PostgreSQL: a new revision starts
its transaction with ``UPDATE topology SET current_revision = current_revision + 1``,
which takes the write lock (SQLite) or the row lock (PostgreSQL) before
anything is read, and the unique ``(topology_id, number)`` constraint is the
last guard. A delete takes the same lock first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .chartversions import check_not_retired, check_rises, retire
from .errors import (
    FieldError,
    PreconditionFailed,
    TopologyExists,
    TopologyInvalid,
)
from .history import CurrentRevision, Reader, get_current
from .history import get_revision as get_revision  # re-exported: revisions are read here too
from .history import list_revisions as list_revisions
from .models import Revision, Topology
from .package import ChartPackage, Packager, package_chart
from .stored import (
    DeletedTopology,
    StoredTopology,
    etag,
    named,
    not_found,
    now,
    stored_topology,
    to_json,
)
from .topology import chart_version_for

#: A test of the current ETag (unquoted) taken from ``If-Match``; ``None``: no precondition.
ETagMatcher = Callable[[str], bool] | None


def create_topology(
    session: Session,
    document: dict,
    *,
    package: Packager = package_chart,
    created_by: str | None = None,
) -> StoredTopology:
    """Store a new topology as revision 1, with its chart archive.

    :param session: a session inside the caller's transaction.
    :param document: a validated document; its ``name`` names the topology.
    :param package: renders the revision's chart archive.
    :param created_by: who stores it (an API token's name), or ``None``.
    :returns: the stored topology.
    :raises TopologyExists: a topology of that name exists.
    :raises TopologyInvalid: the document holds a value JSON cannot store, or its chart
        version is not above the highest a deleted topology of that name published
        (:func:`svcgen.chartversions.check_not_retired`).
    """
    name = document["name"]
    text = to_json(document)
    chart_version = chart_version_for(document, 1)
    if session.scalar(select(Topology.id).where(Topology.name == name)) is not None:
        raise TopologyExists(
            f"a topology named {name!r} exists already; change it with PUT /topologies/{name}"
        )
    check_not_retired(session, name, chart_version, server_set="chartVersion" not in document)
    chart = ChartPackage.of(package(document, chart_version))
    moment = now()
    row = Topology(name=name, current_revision=1, created_at=moment, updated_at=moment)
    row.revisions.append(_revision(1, text, chart_version, chart, created_by, moment))
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # created by a concurrent request since the check above
        raise TopologyExists(
            f"a topology named {name!r} exists already; change it with PUT /topologies/{name}"
        ) from None
    return stored_topology(row, row.revisions[0])


def replace_topology(
    session: Session,
    name: str,
    document: dict,
    *,
    if_match: ETagMatcher = None,
    package: Packager = package_chart,
    created_by: str | None = None,
) -> StoredTopology:
    """Store ``document`` as the next revision of topology ``name``, with its chart.

    :param session: a session inside the caller's transaction.
    :param name: the topology's name; ``document["name"]`` must be the same.
    :param document: a validated document.
    :param if_match: when given, the current revision's ETag must pass it.
    :param package: renders the new revision's chart archive.
    :param created_by: who stores it (an API token's name), or ``None``.
    :returns: the topology with its new current revision.
    :raises TopologyNotFound: no topology of that name.
    :raises PreconditionFailed: ``if_match`` rejects the current ETag.
    :raises TopologyInvalid: the document names another topology, the new chart
        version is not higher (SemVer precedence) than the last, or a value JSON
        cannot store.
    """
    named(name)
    if document.get("name") != name:
        raise TopologyInvalid(
            [FieldError(("name",), f"must be {name!r}: a topology cannot be renamed")]
        )
    text = to_json(document)
    moment = now()
    bumped = session.execute(
        update(Topology)
        .where(Topology.name == name)
        .values(current_revision=Topology.current_revision + 1, updated_at=moment)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:
        raise not_found(name)
    row = session.execute(
        select(Topology).where(Topology.name == name).execution_options(populate_existing=True)
    ).scalar_one()
    previous = _revision_row(session, row, row.current_revision - 1)
    if if_match is not None and not if_match(
        etag(name, previous.number, previous.chart_version, previous.document)
    ):
        raise changed(name, previous.number)
    chart_version = chart_version_for(document, row.current_revision)
    check_rises(chart_version, previous.chart_version, server_set="chartVersion" not in document)
    chart = ChartPackage.of(package(document, chart_version))
    revision = _revision(row.current_revision, text, chart_version, chart, created_by, moment)
    revision.topology_id = row.id
    session.add(revision)
    session.flush()
    return stored_topology(row, revision)


def changed(name: str, number: int, *, deleting: bool = False) -> PreconditionFailed:
    """The 412 of a write whose ``If-Match`` no longer names the current revision.

    :param name: the topology's name.
    :param number: its current revision.
    :param deleting: the write is a delete (the advice differs).
    """
    advice = (
        "GET it again, and send its ETag in If-Match if it is still to be deleted"
        if deleting
        else "GET it again, make your change to that, and send its ETag in If-Match"
    )
    return PreconditionFailed(
        f"topology {name!r} has changed: its current revision is {number}; {advice}"
    )


def next_chart_version(current: CurrentRevision, document: dict) -> str | None:
    """The chart version the next revision gets if nothing else is stored first: a
    guess, from a read without a lock, that lets a caller make the chart before its
    write transaction (:func:`svcgen.package.prepared`).

    :param current: the topology's current revision (:func:`svcgen.history.get_current`).
    :param document: the validated document to be stored.
    :returns: the version; ``None`` when it would not rise (the write will be a 422),
        so that no chart is made for it. The caller checks ``If-Match`` itself, first.
    """
    version = chart_version_for(document, current.number + 1)
    try:
        check_rises(version, current.chart_version)
    except TopologyInvalid:
        return None
    return version


def delete_topology(
    session: Session, name: str, *, if_match: ETagMatcher = None
) -> DeletedTopology:
    """Delete topology ``name`` and, through ``ON DELETE CASCADE``, its revisions
    and their charts, keeping the highest chart version it published
    (:func:`svcgen.chartversions.retire`): a new topology of that name starts above it.

    :param session: a session inside the caller's transaction.
    :param name: the topology's name.
    :param if_match: when given, the current revision's ETag must pass it.
    :returns: the name and every revision's number and chart version, as they
        were when the lock was taken (no revision can be added meanwhile).
    :raises TopologyNotFound: no topology of that name.
    :raises PreconditionFailed: ``if_match`` rejects the current ETag.
    """
    named(name)
    locked = session.execute(
        update(Topology)
        .where(Topology.name == name)
        .values(current_revision=Topology.current_revision)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:
        raise not_found(name)
    if if_match is not None:
        current = get_current(session, name)
        if not if_match(current.etag):
            raise changed(name, current.number, deleting=True)
    revisions = session.execute(
        select(Revision.number, Revision.chart_version)
        .join(Topology, Revision.topology_id == Topology.id)
        .where(Topology.name == name)
        .order_by(Revision.number)
    ).all()
    retire(session, name, [version for _, version in revisions])
    session.execute(
        delete(Topology).where(Topology.name == name).execution_options(synchronize_session=False)
    )
    return DeletedTopology(name, [(number, version) for number, version in revisions])


def get_topology(session: Reader, name: str) -> StoredTopology:
    """The topology ``name`` with its current revision.

    :param session: a session or a Core connection.
    :raises TopologyNotFound: no topology of that name.
    """
    return get_current(session, name).stored()


def list_topologies(
    session: Session, *, offset: int = 0, limit: int | None = None
) -> tuple[list[StoredTopology], int]:
    """One page of topologies, newest (by creation) first.

    :param offset: how many to skip, 0 or more.
    :param limit: how many to return at most, 1 or more; ``None``: all of them.
    :returns: the page and the total number of topologies.
    """
    total = session.scalar(select(func.count()).select_from(Topology)) or 0
    page = session.execute(
        _current()
        .order_by(Topology.created_at.desc(), Topology.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return [stored_topology(*found) for found in page], total


def _current():
    return select(Topology, Revision).join(
        Revision,
        (Revision.topology_id == Topology.id) & (Revision.number == Topology.current_revision),
    )


def _revision_row(session: Session, row: Topology, number: int) -> Revision:
    return session.execute(
        select(Revision).where(Revision.topology_id == row.id, Revision.number == number)
    ).scalar_one()


def _revision(
    number: int,
    text: str,
    chart_version: str,
    chart: ChartPackage,
    created_by: str | None,
    moment: datetime,
) -> Revision:
    return Revision(
        number=number,
        document=text,
        chart_version=chart_version,
        created_at=moment,
        created_by=created_by,
        archive=chart.data,
        digest=chart.digest,
    )
