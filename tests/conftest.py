"""Fixtures: ``app`` and ``client`` over a freshly migrated database per test.

Every test that uses ``database_url`` (and so ``app`` and ``client``) runs twice:
on a new SQLite file in ``tmp_path``, and on PostgreSQL (127.0.0.1:5432, trust
auth, database ``test``) in a database created for this test session and
dropped after it, emptied before each test. Without a PostgreSQL server the
second run is skipped, saying why.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from svcgen.api import create_app
from svcgen.api.storage import engine

ROOT = Path(__file__).resolve().parents[1]

#: The server the PostgreSQL variant uses; ``SVCGEN_TEST_POSTGRES`` overrides
#: (an SQLAlchemy URL of a database the user may create databases from).
POSTGRES_CANDIDATES = [
    os.environ.get("SVCGEN_TEST_POSTGRES", ""),
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
]


def alembic_config(url: str) -> Config:
    """The project's Alembic configuration, pointed at ``url``, without logging setup."""
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    return config


def migrate(url: str) -> None:
    """``alembic upgrade head`` on ``url``."""
    command.upgrade(alembic_config(url), "head")


def _admin_url() -> tuple[str | None, str]:
    reasons = []
    for candidate in filter(None, POSTGRES_CANDIDATES):
        probe = create_engine(candidate, poolclass=NullPool, connect_args={"connect_timeout": 3})
        try:
            with probe.connect() as connection:
                connection.execute(text("SELECT 1"))
            return candidate, ""
        except Exception as exc:  # any failure to connect means: skip, saying why
            reasons.append(f"{make_url(candidate).render_as_string()}: {type(exc).__name__}")
        finally:
            probe.dispose()
    return None, "; ".join(reasons)


@pytest.fixture(scope="session")
def postgres_url():
    """A migrated PostgreSQL database of its own for this test session, dropped after it.

    Skips the test when no PostgreSQL server answers on 127.0.0.1:5432.
    """
    admin, why = _admin_url()
    if admin is None:
        pytest.skip(f"no PostgreSQL server answers on 127.0.0.1:5432 ({why})")
    name = f"svcgen_test_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(admin, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        migrate(url)
        yield url
    finally:
        with admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


def _empty(url: str) -> None:
    wipe = create_engine(url, poolclass=NullPool)
    with wipe.begin() as connection:
        connection.execute(text("TRUNCATE topology, revision RESTART IDENTITY CASCADE"))
    wipe.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """The URL of an empty, migrated database: a new SQLite file, or the session's
    PostgreSQL database emptied."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'svcgen.sqlite3'}"
        migrate(url)
        return url
    url = request.getfixturevalue("postgres_url")
    _empty(url)
    return url


@pytest.fixture
def make_app():
    """``make_app(**config)``: an app with ``TESTING`` and ``config``; every
    engine made is disposed of after the test."""
    made = []

    def factory(**config):
        made.append(create_app({"TESTING": True, **config}))
        return made[-1]

    yield factory
    for app in made:
        with app.app_context():
            engine().dispose()


@pytest.fixture
def app(make_app, database_url):
    """The app over ``database_url``."""
    return make_app(DATABASE_URL=database_url)


@pytest.fixture
def client(app):
    """A test client of ``app``."""
    return app.test_client()


#: The keys the server adds to a stored document in its answers.
SERVER_KEYS = ("revision", "chartVersion", "createdAt", "updatedAt", "warnings")


def document_of(body: dict) -> dict:
    """A stored view without the server's keys (``chartVersion`` kept when given)."""
    return {k: v for k, v in body.items() if k not in SERVER_KEYS}


@pytest.fixture
def shop() -> dict:
    """A valid topology document: the seed article's shop (a fresh copy)."""
    return {
        "name": "shop",
        "description": "Front end, back end and an external data source",
        "components": [
            {
                "name": "web",
                "role": "frontend",
                "image": "nginx:1.27",
                "ports": [{"name": "http", "port": 80, "nodePort": 30008}],
                "service": {"type": "NodePort"},
                "dependsOn": ["api"],
            },
            {
                "name": "api",
                "role": "backend",
                "image": "ghcr.io/example/shop-api:2.3.1",
                "ports": [{"port": 8080}],
                "dependsOn": ["orders-db"],
            },
            {
                "name": "orders-db",
                "role": "external",
                "external": {"host": "orders.db.example.com"},
                "ports": [{"port": 5432}],
            },
        ],
    }
