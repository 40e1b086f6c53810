"""The database of the app: one engine per app, one session per unit of work.

Views own their transactions::

    with open_session() as session, session.begin():
        stored = repository.create_topology(session, document)

so that an error raised inside the block rolls the whole write back before the
error handler answers (no commit in request teardown, STYLE.md known traps).

The hot reads (a topology, a chart download) need no ORM and no transaction of
their own: they hand :func:`reader` to their one prepared query, which runs alone on
a pooled connection (:class:`svcgen.db.PreparedRead`), in autocommit on a database
server::

    found = history.get_archive(reader(), name, None)

(an ORM session's begin, execute and commit cost three times the query itself, and
a Core connection's execution twice). Reads of several statements that must agree
use :func:`connect` or :func:`open_session` with ``begin()``.
"""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from ..db import make_engine, make_read_engine, make_sessionmaker

_EXTENSION = "svcgen.db"


def init_app(app: Flask) -> None:
    """Create the app's engine, its read engine and session factory from ``DATABASE_URL``.

    :param app: the app; its config holds ``DATABASE_URL``.
    """
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[_EXTENSION] = {
        "engine": engine,
        "reader": make_read_engine(engine),
        "sessionmaker": make_sessionmaker(engine),
    }


def engine() -> Engine:
    """The current app's engine (tests dispose of it; ``/readyz`` pings it)."""
    return current_app.extensions[_EXTENSION]["engine"]


def reader() -> Engine:
    """The current app's engine for one-query reads (:func:`svcgen.db.make_read_engine`:
    autocommit, no ping, on a database server; the engine itself on SQLite), disposed
    of with :func:`engine`."""
    return current_app.extensions[_EXTENSION]["reader"]


def open_session() -> Session:
    """A new session of the current app; use it as a context manager.

    :returns: a session with no transaction begun yet.
    """
    return current_app.extensions[_EXTENSION]["sessionmaker"]()


def connect() -> Connection:
    """A connection of the current app's pool; use it as a context manager, with
    ``connection.begin()`` for the transaction.

    :returns: a Core connection, for reads that load no ORM entities.
    """
    return current_app.extensions[_EXTENSION]["engine"].connect()


def ping() -> None:
    """Run ``SELECT 1`` on a connection of the pool.

    :raises sqlalchemy.exc.SQLAlchemyError: the database does not answer.
    """
    with engine().connect() as connection:
        connection.execute(text("SELECT 1"))
