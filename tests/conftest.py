"""Fixtures: ``app`` and ``client`` over a freshly migrated database per test.

Every test that uses ``database_url`` (and so ``app`` and ``client``) runs twice:
on a new SQLite file in ``tmp_path``, and on PostgreSQL (127.0.0.1:5432, trust
auth, database ``test``) in a database created for this test session and
dropped after it, emptied before each test. Without a PostgreSQL server the
second run is skipped, saying why.

Authentication is on in every app the fixtures make: ``make_app`` creates an
``admin`` token in the app's database (when it is migrated) and the app's test
client sends it on every request, so tests need not think of it;
``app.test_client(token=None)`` sends none, ``token="..."`` another. Rate limits
are off unless a test sets ``RATELIMIT_ENABLED=True``. Processes started by a test
(gunicorn) get a token from :func:`create_token`.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool
from werkzeug.datastructures import Headers

from svcgen import tokens
from svcgen.api import create_app
from svcgen.api.storage import engine
from svcgen.db import make_engine, make_sessionmaker
from svcgen.models import Base

from .examples import shop_document

ROOT = Path(__file__).resolve().parents[1]

#: The server the PostgreSQL variant uses; ``SVCGEN_TEST_POSTGRES`` overrides
#: (an SQLAlchemy URL of a database the user may create databases from).
POSTGRES_CANDIDATES = [
    os.environ.get("SVCGEN_TEST_POSTGRES", ""),
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
]


#: When set (``.ci/run`` sets it once the server answers), PostgreSQL tests fail
#: instead of skipping when they cannot reach the server.
REQUIRE_POSTGRES_ENV = "SVCGEN_REQUIRE_POSTGRES"


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


@contextlib.contextmanager
def new_postgres_database(prefix: str):
    """A new, empty PostgreSQL database named ``<prefix>_<random>``: yields its URL and
    drops it afterwards. Skips the test when no server answers on 127.0.0.1:5432 (fails
    instead when ``SVCGEN_REQUIRE_POSTGRES`` is set, as in CI)."""
    admin, why = _admin_url()
    if admin is None:
        message = f"no PostgreSQL server answers on 127.0.0.1:5432 ({why})"
        if os.environ.get(REQUIRE_POSTGRES_ENV):  # CI started the server: a skip is a failure
            pytest.fail(message)
        pytest.skip(message)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(admin, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A migrated PostgreSQL database of its own for this test session, dropped after it.

    Skips the test when no PostgreSQL server answers on 127.0.0.1:5432.
    """
    with new_postgres_database("svcgen_test") as url:
        migrate(url)
        yield url


def empty_database(url: str) -> None:
    """Empty every table of the models (a table added later is emptied too)."""
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    wipe = create_engine(url, poolclass=NullPool)
    with wipe.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
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
    empty_database(url)
    return url


def create_token(url: str, role: str = "admin", name: str | None = None) -> str:
    """Make an API token in the migrated database ``url``, as ``svcgen token create`` does.

    :param role: ``reader``, ``writer`` or ``admin``.
    :param name: the token's name; a new unique one by default.
    :returns: the token, for ``Authorization: Bearer <token>``.
    """
    engine_ = make_engine(url, poolclass=NullPool)
    try:
        with make_sessionmaker(engine_)() as session, session.begin():
            _, token = tokens.create_token(session, name or f"test-{uuid.uuid4().hex[:8]}", role)
    finally:
        engine_.dispose()
    return token


#: A well-formed token that names no stored token, for apps whose database is
#: missing or not migrated (their requests then fail as the test expects: 503).
UNKNOWN_TOKEN = "svcgen_" + "0" * 43

_DEFAULT = object()


class TokenClient(FlaskClient):
    """A test client that sends ``Authorization: Bearer <token>`` on every request
    unless the request sets its own ``Authorization`` header.

    :param token: the token to send; ``None`` sends none. Defaults to the
        class's :attr:`token` (the app's admin token, set by ``make_app``).
    """

    token: str | None = None

    def __init__(self, *args, token=_DEFAULT, **kwargs):
        super().__init__(*args, **kwargs)
        if token is not _DEFAULT:
            self.token = token

    def open(self, *args, **kwargs):
        """As :meth:`FlaskClient.open`, with the token added to ``headers``."""
        if self.token and not (args and not isinstance(args[0], str)):
            headers = Headers(kwargs.get("headers") or {})
            if "Authorization" not in headers:
                headers["Authorization"] = f"Bearer {self.token}"
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


def _admin_token(url: str) -> str:
    """An admin token in ``url``, or :data:`UNKNOWN_TOKEN` when it has no token table."""
    probe = make_engine(url, poolclass=NullPool)
    try:
        migrated = inspect(probe).has_table("api_token")
    except SQLAlchemyError:  # a database the test made unreachable on purpose
        migrated = False
    finally:
        probe.dispose()
    return create_token(url, "admin") if migrated else UNKNOWN_TOKEN


@pytest.fixture
def make_app():
    """``make_app(**config)``: an app with ``TESTING`` and ``config`` (rate limits
    off unless given), whose test client sends an admin token; every engine made
    is disposed of after the test."""
    made = []

    def factory(**config):
        app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False, **config})
        token = _admin_token(app.config["DATABASE_URL"])
        app.test_client_class = type("AdminTokenClient", (TokenClient,), {"token": token})
        made.append(app)
        return app

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
    return shop_document()
