"""The database tables, as SQLAlchemy 2 declarative models.

Only :mod:`svcgen.repository`, :mod:`svcgen.history` (and :mod:`svcgen.tokens` for :class:`ApiToken`)
uses these classes; everything else gets the plain dataclasses they return. Schema changes go through an Alembic migration in
``migrations/versions``; ``tests/test_migrations.py`` runs ``alembic check`` so
that these models and the migrations never drift.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Constraint names Alembic can find again on every database (Alembic ``docs/naming.rst``).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose metadata carries :data:`NAMING_CONVENTION`."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Topology(Base):
    """A stored topology: its name and which revision is current.

    :param name: the topology's ``name`` (unique; also the chart's name).
    :param current_revision: the number of the newest revision, 1 or more.
    :param created_at: when the first revision was stored (UTC).
    :param updated_at: when the newest revision was stored (UTC).
    """

    __tablename__ = "topology"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    current_revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    revisions: Mapped[list[Revision]] = relationship(
        back_populates="topology",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Revision.number",
    )


class Revision(Base):
    """One stored version of a topology document; never rewritten.

    :param number: 1 for the first document stored, then 2, 3, ...; unique per topology.
    :param document: the document as JSON text, keys in the order given.
    :param chart_version: the chart ``version`` of this revision (SemVer 2).
    :param created_at: when it was stored (UTC).
    :param created_by: who stored it: the name of the API token used; ``None`` for
        revisions stored without one.
    :param archive: the chart archive (``.tgz`` bytes) rendered when the revision was
        written; served as stored, never rendered again. Loaded only when asked for.
    :param digest: the sha256 of ``archive``, lowercase hex (the chart repository
        index's ``digest`` and the download's ``ETag``).
    """

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("topology_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topology_id: Mapped[int] = mapped_column(ForeignKey("topology.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)
    chart_version: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String)
    archive: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    digest: Mapped[str] = mapped_column(String(64))

    topology: Mapped[Topology] = relationship(back_populates="revisions")


class RetiredChart(Base):
    """The highest chart version a deleted topology published under its name.

    Helm clients keep pulled charts by name and version, so a topology made again
    under a deleted one's name must start above this version (migration 0004).

    :param name: the deleted topology's name (the chart's name).
    :param chart_version: the highest chart version ever published under ``name``
        (SemVer 2).
    :param retired_at: when the last topology of that name was deleted (UTC).
    """

    __tablename__ = "retired_chart"

    name: Mapped[str] = mapped_column(String, primary_key=True)
    chart_version: Mapped[str] = mapped_column(String)
    retired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A bearer token of the HTTP API (:mod:`svcgen.auth`); the token itself is never stored.

    :param name: who holds it, e.g. ``portal``; unique and never reused, so a revision's
        ``created_by`` always names one token.
    :param role: ``reader``, ``writer`` or ``admin``.
    :param digest: the SHA-256 of the token, lowercase hex (:func:`svcgen.auth.token_digest`).
    :param created_at: when it was made (UTC).
    :param revoked_at: when it was revoked (UTC), ``None`` while it is valid.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(63), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
