"""Storage of topologies and their revisions.

This is the only module that sees ORM rows; it hands out frozen dataclasses.
Every function takes a :class:`~sqlalchemy.orm.Session` whose transaction the
caller owns (``with session.begin():``) and only flushes, so that an error
raised here, or later in the caller, rolls everything back: a failed write
never leaves half a row behind.

Revision numbers are race-free on SQLite and PostgreSQL: a new revision starts
its transaction with ``UPDATE topology SET current_revision = current_revision + 1``,
which takes the write lock (SQLite) or the row lock (PostgreSQL) before
anything is read, and the unique ``(topology_id, number)`` constraint is the
last guard.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import semver
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .errors import (
    FieldError,
    PreconditionFailed,
    TopologyExists,
    TopologyInvalid,
    TopologyNotFound,
)
from .models import Revision, Topology
from .topology import chart_version_for

#: A test of the current ETag (unquoted) taken from ``If-Match``; ``None``: no precondition.
ETagMatcher = Callable[[str], bool] | None


@dataclass(frozen=True)
class StoredRevision:
    """One revision of a topology, as stored.

    :param name: the topology's name.
    :param number: the revision number, from 1.
    :param document: the document as given (a fresh dict; keys in the given order).
    :param chart_version: the chart ``version`` of this revision.
    :param created_at: when this revision was stored (aware, UTC).
    :param etag: a strong entity tag (unquoted) for this revision.
    """

    name: str
    number: int
    document: dict
    chart_version: str
    created_at: datetime
    etag: str


@dataclass(frozen=True)
class StoredTopology:
    """A topology with its current revision.

    :param revision: the current revision (see :class:`StoredRevision`).
    :param created_at: when the topology was first stored (aware, UTC).
    :param updated_at: when its current revision was stored (aware, UTC).
    """

    revision: StoredRevision
    created_at: datetime
    updated_at: datetime

    @property
    def name(self) -> str:
        """The topology's name."""
        return self.revision.name


def create_topology(session: Session, document: dict) -> StoredTopology:
    """Store a new topology as revision 1.

    :param session: a session inside the caller's transaction.
    :param document: a validated document; its ``name`` names the topology.
    :returns: the stored topology.
    :raises TopologyExists: a topology of that name exists.
    :raises TopologyInvalid: the document holds a value JSON cannot store.
    """
    name = document["name"]
    text = _to_json(document)
    if session.scalar(select(Topology.id).where(Topology.name == name)) is not None:
        raise TopologyExists(f"a topology named {name!r} exists already")
    now = _now()
    row = Topology(name=name, current_revision=1, created_at=now, updated_at=now)
    row.revisions.append(_revision(1, text, chart_version_for(document, 1), now))
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # created by a concurrent request since the check above
        raise TopologyExists(f"a topology named {name!r} exists already") from None
    return _stored(row, row.revisions[0])


def replace_topology(
    session: Session, name: str, document: dict, *, if_match: ETagMatcher = None
) -> StoredTopology:
    """Store ``document`` as the next revision of topology ``name``.

    :param session: a session inside the caller's transaction.
    :param name: the topology's name; ``document["name"]`` must be the same.
    :param document: a validated document.
    :param if_match: when given, the current revision's ETag must pass it.
    :returns: the topology with its new current revision.
    :raises TopologyNotFound: no topology of that name.
    :raises PreconditionFailed: ``if_match`` rejects the current ETag.
    :raises TopologyInvalid: the document names another topology, the new chart
        version is not higher (SemVer precedence) than the last, or a value JSON
        cannot store.
    """
    _named(name)
    if document.get("name") != name:
        raise TopologyInvalid(
            [FieldError(("name",), f"must be {name!r}: a topology cannot be renamed")]
        )
    text = _to_json(document)
    now = _now()
    bumped = session.execute(
        update(Topology)
        .where(Topology.name == name)
        .values(current_revision=Topology.current_revision + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:
        raise TopologyNotFound(f"no topology named {name!r}")
    row = session.execute(
        select(Topology).where(Topology.name == name).execution_options(populate_existing=True)
    ).scalar_one()
    previous = _revision_row(session, row, row.current_revision - 1)
    if if_match is not None and not if_match(_stored_revision(row, previous).etag):
        raise PreconditionFailed(
            f"topology {name!r} has changed: its current revision is {previous.number}"
        )
    chart_version = chart_version_for(document, row.current_revision)
    _check_chart_version_rises(chart_version, previous.chart_version)
    revision = _revision(row.current_revision, text, chart_version, now)
    revision.topology_id = row.id
    session.add(revision)
    session.flush()
    return _stored(row, revision)


def delete_topology(session: Session, name: str, *, if_match: ETagMatcher = None) -> None:
    """Delete topology ``name`` and, through ``ON DELETE CASCADE``, its revisions.

    :param session: a session inside the caller's transaction.
    :param name: the topology's name.
    :param if_match: when given, the current revision's ETag must pass it.
    :raises TopologyNotFound: no topology of that name.
    :raises PreconditionFailed: ``if_match`` rejects the current ETag, or the
        topology changed while it was being deleted.
    """
    _named(name)
    statement = delete(Topology).where(Topology.name == name)
    if if_match is not None:
        current = get_topology(session, name).revision
        if not if_match(current.etag):
            raise PreconditionFailed(
                f"topology {name!r} has changed: its current revision is {current.number}"
            )
        statement = statement.where(Topology.current_revision == current.number)
    result = session.execute(statement.execution_options(synchronize_session=False))
    if result.rowcount != 1:
        if if_match is not None:
            raise PreconditionFailed(f"topology {name!r} changed while being deleted")
        raise TopologyNotFound(f"no topology named {name!r}")


def get_topology(session: Session, name: str) -> StoredTopology:
    """The topology ``name`` with its current revision.

    :raises TopologyNotFound: no topology of that name.
    """
    _named(name)
    found = session.execute(_current().where(Topology.name == name)).one_or_none()
    if found is None:
        raise TopologyNotFound(f"no topology named {name!r}")
    return _stored(*found)


def get_revision(session: Session, name: str, number: int) -> StoredRevision:
    """Revision ``number`` of topology ``name``.

    :raises TopologyNotFound: no topology of that name, or no such revision.
    """
    _named(name)
    found = session.execute(
        select(Topology, Revision)
        .join(Revision, Revision.topology_id == Topology.id)
        .where(Topology.name == name, Revision.number == number)
    ).one_or_none()
    if found is None:
        if session.scalar(select(Topology.id).where(Topology.name == name)) is None:
            raise TopologyNotFound(f"no topology named {name!r}")
        raise TopologyNotFound(f"topology {name!r} has no revision {number}")
    return _stored_revision(*found)


def list_revisions(session: Session, name: str) -> list[StoredRevision]:
    """Every revision of topology ``name``, oldest (1) first.

    :raises TopologyNotFound: no topology of that name.
    """
    _named(name)
    rows = session.execute(
        select(Topology, Revision)
        .join(Revision, Revision.topology_id == Topology.id)
        .where(Topology.name == name)
        .order_by(Revision.number)
    ).all()
    if not rows:
        raise TopologyNotFound(f"no topology named {name!r}")
    return [_stored_revision(*found) for found in rows]


def list_topologies(
    session: Session, *, offset: int, limit: int
) -> tuple[list[StoredTopology], int]:
    """One page of topologies, newest (by creation) first.

    :param offset: how many to skip, 0 or more.
    :param limit: how many to return at most, 1 or more.
    :returns: the page and the total number of topologies.
    """
    total = session.scalar(select(func.count()).select_from(Topology)) or 0
    page = session.execute(
        _current()
        .order_by(Topology.created_at.desc(), Topology.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return [_stored(*found) for found in page], total


def _named(name: str) -> str:
    """``name`` for a lookup; a name no topology can have (PostgreSQL refuses NUL
    in text) is simply not found."""
    if "\x00" in name:
        raise TopologyNotFound(f"no topology named {name!r}")
    return name


def _current():
    return select(Topology, Revision).join(
        Revision,
        (Revision.topology_id == Topology.id) & (Revision.number == Topology.current_revision),
    )


def _revision_row(session: Session, row: Topology, number: int) -> Revision:
    return session.execute(
        select(Revision).where(Revision.topology_id == row.id, Revision.number == number)
    ).scalar_one()


def _revision(number: int, text: str, chart_version: str, now: datetime) -> Revision:
    return Revision(number=number, document=text, chart_version=chart_version, created_at=now)


def _check_chart_version_rises(new: str, last: str) -> None:
    """SemVer 2 precedence (semver.org section 11), by the ``semver`` library."""
    if not semver.Version.is_valid(new):
        raise TopologyInvalid([FieldError(("chartVersion",), f"{new!r} is not a SemVer 2 version")])
    if semver.Version.is_valid(last) and semver.Version.parse(new) <= semver.Version.parse(last):
        raise TopologyInvalid(
            [
                FieldError(
                    ("chartVersion",),
                    f"the chart version must rise with every revision: {new} is not higher "
                    f"than {last}, the last revision's; set chartVersion above {last}",
                )
            ]
        )


def _stored(row: Topology, revision: Revision) -> StoredTopology:
    return StoredTopology(
        revision=_stored_revision(row, revision),
        created_at=_utc(row.created_at),
        updated_at=_utc(row.updated_at),
    )


def _stored_revision(row: Topology, revision: Revision) -> StoredRevision:
    tag = hashlib.sha256(
        f"{row.name}\n{revision.number}\n{revision.chart_version}\n{revision.document}".encode()
    ).hexdigest()[:40]
    return StoredRevision(
        name=row.name,
        number=revision.number,
        document=json.loads(revision.document),
        chart_version=revision.chart_version,
        created_at=_utc(revision.created_at),
        etag=tag,
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; svcgen stores UTC only."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _to_json(document: dict) -> str:
    """The document as JSON text, keys in the order given (never sorted)."""
    try:
        return json.dumps(document, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:  # only if the rules let a non-JSON value through
        raise TopologyInvalid([FieldError((), f"holds a value JSON cannot store: {exc}")]) from None
