"""The database engine and sessions.

:func:`make_engine` builds the one engine of a process (the app's, or Alembic's)
and, for SQLite, sets the per-connection pragmas. Callers own their
transactions::

    Session = make_sessionmaker(engine)
    with Session() as session, session.begin():
        repository.create_topology(session, document)

``journal_mode=WAL`` is deliberately *not* set here: it is a property of the
database file, set once by the first migration. Switching it from every
connection of several gunicorn workers at boot races and fails now and then.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

#: How long a SQLite connection waits for another writer's lock, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 5000


def _set_sqlite_pragmas(dbapi_connection, _connection_record) -> None:
    """Run on every new SQLite connection: wait for locks instead of failing at
    once, fsync less often (safe with WAL), and enforce foreign keys, which
    SQLite ignores unless told on each connection."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def make_engine(url: str, **kwargs) -> Engine:
    """Create the engine for ``url``.

    :param url: an SQLAlchemy URL, e.g. from :func:`svcgen.config.database_url`.
    :param kwargs: passed on to :func:`sqlalchemy.create_engine`.
    :returns: the engine; SQLite connections get ``busy_timeout``,
        ``synchronous=NORMAL`` and ``foreign_keys=ON``; other databases get
        ``pool_pre_ping`` so that a restarted server does not fail the next request.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``.

    Objects are not expired on commit: the repository hands out plain
    dataclasses built inside the transaction, never rows to be reloaded later.

    :param engine: from :func:`make_engine`.
    :returns: a :class:`~sqlalchemy.orm.sessionmaker`.
    """
    return sessionmaker(engine, expire_on_commit=False)
