"""What the repository hands out: frozen dataclasses, never ORM rows.

:mod:`svcgen.repository` (writes and reads of topologies) and
:mod:`svcgen.history` (the stored chart archives) build these from rows with
:func:`stored_topology` and :func:`stored_revision`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from .errors import FieldError, TopologyInvalid, TopologyNotFound, shown
from .models import Revision, Topology


@dataclass(frozen=True)
class StoredRevision:
    """One revision of a topology, as stored.

    :param name: the topology's name.
    :param number: the revision number, from 1.
    :param document: the document as given (a fresh dict; keys in the given order).
    :param chart_version: the chart ``version`` of this revision.
    :param created_at: when this revision was stored (aware, UTC).
    :param etag: a strong entity tag (unquoted) for this revision.
    :param created_by: who stored it (an API token's name), ``None`` for revisions
        stored without a token.
    :param digest: sha256 (lowercase hex) of the revision's stored chart archive.
    """

    name: str
    number: int
    document: dict
    chart_version: str
    created_at: datetime
    etag: str
    created_by: str | None
    digest: str


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


@dataclass(frozen=True)
class DeletedTopology:
    """What a delete removed.

    :param name: the topology's name.
    :param revisions: ``(number, chart_version)`` of every revision, oldest first.
    """

    name: str
    revisions: list[tuple[int, str]]


def stored_topology(row: Topology, revision: Revision) -> StoredTopology:
    """A topology row and its current revision row as a :class:`StoredTopology`."""
    return StoredTopology(
        revision=stored_revision(row, revision),
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
    )


#: The form of a revision's entity tag (:func:`etag`), unquoted.
ETAG_FORM = re.compile(r"[0-9a-f]{40}")


def etag(name: str, number: int, chart_version: str, document: str) -> str:
    """A revision's strong entity tag (unquoted, 40 hex digits, :data:`ETAG_FORM`): a
    sha256 of what names it and of its document as stored (JSON text; nothing is parsed)."""
    return hashlib.sha256(f"{name}\n{number}\n{chart_version}\n{document}".encode()).hexdigest()[
        :40
    ]


def not_found(name: str) -> TopologyNotFound:
    """The error of a lookup of topology ``name`` that found none (its name cut to 80
    characters)."""
    return TopologyNotFound(f"no topology named {shown(name)}")


def stored_revision(row: Topology, revision: Revision) -> StoredRevision:
    """A revision row (its archive not loaded) as a :class:`StoredRevision`."""
    tag = etag(row.name, revision.number, revision.chart_version, revision.document)
    return StoredRevision(
        name=row.name,
        number=revision.number,
        document=json.loads(revision.document),
        chart_version=revision.chart_version,
        created_at=utc(revision.created_at),
        etag=tag,
        created_by=revision.created_by,
        digest=revision.digest,
    )


def named(name: str) -> str:
    """``name`` for a lookup; a name no topology can have (PostgreSQL refuses NUL
    in text) is simply not found.

    :raises TopologyNotFound: ``name`` holds a NUL character.
    """
    if "\x00" in name:
        raise not_found(name)
    return name


def now() -> datetime:
    """The current time, aware, UTC."""
    return datetime.now(UTC)


def utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime: SQLite hands back naive datetimes;
    svcgen stores UTC only."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_json(document: dict) -> str:
    """The document as JSON text, keys in the order given (never sorted).

    :raises TopologyInvalid: the document holds a value JSON cannot store.
    """
    try:
        return json.dumps(document, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:  # only if the rules let a non-JSON value through
        raise TopologyInvalid([FieldError((), f"holds a value JSON cannot store: {exc}")]) from None
