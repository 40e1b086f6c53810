"""Migration 0002 on SQLite and PostgreSQL: revisions stored before it get their
chart archive, rendered once by the migration, and ``alembic check`` stays clean."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from svcgen.package import package_chart

from .conftest import alembic_config, new_postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path):
    """A database with no tables: a new SQLite file, or a new PostgreSQL database
    (dropped afterwards; skipped, saying why, when no server answers, failed instead
    when ``SVCGEN_REQUIRE_POSTGRES`` is set)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    with new_postgres_database("svcgen_mig") as url:
        yield url


def test_0002_packages_revisions_stored_before_it(empty_url, shop):
    config = alembic_config(empty_url)
    command.upgrade(config, "0001")
    second = dict(shop, description="second", chartVersion="2.0.0")
    moment = datetime(2026, 11, 1, tzinfo=UTC)
    engine = create_engine(empty_url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO topology (id, name, current_revision, created_at, updated_at) "
                "VALUES (1, 'shop', 2, :at, :at)"
            ),
            {"at": moment},
        )
        for number, document in ((1, shop), (2, second)):
            connection.execute(
                text(
                    "INSERT INTO revision (topology_id, number, document, chart_version, "
                    "created_at) VALUES (1, :number, :document, :version, :at)"
                ),
                {
                    "number": number,
                    "document": json.dumps(document),
                    "version": document.get("chartVersion", "0.1.0"),
                    "at": moment,
                },
            )
    command.upgrade(config, "head")
    command.check(config)  # raises when models and migrations drift
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT number, archive, digest, created_by FROM revision ORDER BY number")
        ).all()
    columns = {c["name"]: c for c in inspect(engine).get_columns("revision")}
    engine.dispose()
    assert not columns["archive"]["nullable"] and not columns["digest"]["nullable"]
    assert columns["created_by"]["nullable"]
    for (number, archive, digest, created_by), (version, document) in zip(
        rows, (("0.1.0", shop), ("2.0.0", second)), strict=True
    ):
        assert bytes(archive) == package_chart(document, version), number
        assert digest == hashlib.sha256(archive).hexdigest()
        assert created_by is None
    command.downgrade(config, "0001")
    command.upgrade(config, "head")
