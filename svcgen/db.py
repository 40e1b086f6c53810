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

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine, Integer, Select, String, create_engine, event
from sqlalchemy.exc import DBAPIError
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


def make_read_engine(engine: Engine) -> Engine:
    """The engine :class:`PreparedRead` queries run on, beside ``engine``.

    On SQLite, ``engine`` itself. On a database server, a second engine on the same
    URL whose connections are in autocommit and not pinged before use: a single
    ``SELECT`` is consistent on its own, and in a transaction with a ping it took
    four round trips (``BEGIN``, the ping, the query, ``ROLLBACK``) where it needs
    one — on PostgreSQL on the same machine, a prepared read took 640 µs and now takes
    about 160 µs (one bare round trip is about 100 µs). A
    connection the server closed is noticed by the read that uses it, which
    then retries once on a new pool (:meth:`PreparedRead.one_or_none`). It is
    disposed of with ``engine``. Each worker holds one more connection for it
    while it reads.

    :param engine: from :func:`make_engine`.
    :returns: ``engine``, or the read engine.
    """
    if engine.dialect.name == "sqlite":
        return engine
    reader = create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_pre_ping=False)
    event.listen(engine, "engine_disposed", lambda _engine: reader.dispose())
    return reader


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``.

    Objects are not expired on commit: the repository hands out plain
    dataclasses built inside the transaction, never rows to be reloaded later.

    :param engine: from :func:`make_engine`.
    :returns: a :class:`~sqlalchemy.orm.sessionmaker`.
    """
    return sessionmaker(engine, expire_on_commit=False)


#: Cursor options by driver: psycopg 3 sends results in PostgreSQL's binary format
#: when asked, the same Python values as the text format (the tests compare them),
#: and a chart's ``bytea`` then arrives as its bytes, not as hex text to decode (a
#: 12 KB archive: 216 -> 168 µs a read on the same machine).
_CURSOR_OPTIONS = {"psycopg": {"binary": True}}


class PreparedRead:
    """A ``SELECT`` compiled once per dialect and run on a pooled DBAPI connection.

    SQLAlchemy's Core execution (a cache key per execution, the transaction, the
    result object) costs three times the query on a hot read (``make bench``: a
    chart download's ``SELECT`` took 40 µs through a Core connection, 14 µs like
    this). The statement is still SQLAlchemy's, compiled by the engine's dialect;
    connections come from the engine's pool (its ``connect`` events, ``pool_pre_ping``
    and reset on return apply); each column goes through its type's own result
    processor (SQLite's ``DateTime`` strings become ``datetime`` as through a
    session). Meant for one-statement reads: no transaction is begun beyond the one
    the driver opens, which the pool rolls back on return. The SQL is kept per
    dialect class and parameter style (two engines of one kind share it).

    A read whose connection turns out broken (the server restarted or closed it)
    replaces the engine's pool and is tried once more, as a Core connection
    invalidates its pool: what ``pool_pre_ping`` gives, without a ping per read
    (see :func:`make_read_engine`).

    :param statement: a ``SELECT`` whose bound parameters are all named
        (``bindparam("name")``) and of type ``String`` or ``Integer``, which no
        driver needs converted.
    :raises TypeError: a bound parameter of another type.
    """

    def __init__(self, statement: Select) -> None:
        for bind in statement.compile().binds.values():
            if not isinstance(bind.type, (String, Integer)):
                raise TypeError(
                    f"bound parameter {bind.key!r} is {bind.type!r}, not a String or Integer"
                )
        self.statement = statement
        # Two threads may compile the same SQL at once; either result is the same.
        self._compiled: dict[tuple, tuple[str, tuple[str, ...] | None, list[Callable | None]]] = {}

    def _for(self, engine: Engine) -> tuple[str, tuple[str, ...] | None, list[Callable | None]]:
        dialect = engine.dialect
        key = (type(dialect), dialect.paramstyle)
        found = self._compiled.get(key)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            order = tuple(compiled.positiontup) if compiled.positional else None
            processors = [
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.selected_columns
            ]
            found = self._compiled[key] = (compiled.string, order, processors)
        return found

    def one_or_none(self, engine: Engine, params: Mapping[str, Any]) -> tuple | None:
        """The first row the statement selects with ``params``, or ``None``.

        :param engine: the engine whose pool and dialect to use.
        :param params: a value for every bound parameter, by name.
        :returns: the row's columns, converted by their types; ``None``: no row.
        :raises sqlalchemy.exc.DBAPIError: the driver's error, wrapped as SQLAlchemy
            wraps it (``OperationalError`` when the database cannot be reached or
            connected to, as :meth:`Engine.connect` raises it), after one more try
            on a new pool when the connection was found broken.
        """
        try:
            return self._read(engine, params)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
        engine.dispose()  # the server dropped connections: the others are likely dead too
        return self._read(engine, params)

    def _read(self, engine: Engine, params: Mapping[str, Any]) -> tuple | None:
        sql, order, processors = self._for(engine)
        arguments = tuple(params[key] for key in order) if order is not None else params
        dialect = engine.dialect
        driver_error = dialect.loaded_dbapi.Error
        try:
            connection = engine.raw_connection()  # the pool does not wrap its errors
        except driver_error as error:
            raise DBAPIError.instance(None, None, error, driver_error, dialect=dialect) from error
        try:
            cursor = connection.cursor(**_CURSOR_OPTIONS.get(dialect.driver, {}))
            try:
                cursor.execute(sql, arguments)
                row = cursor.fetchone()
            finally:
                cursor.close()
        except driver_error as error:
            broken = dialect.is_disconnect(error, connection.dbapi_connection, None)
            if broken:
                connection.invalidate(error)
            raise DBAPIError.instance(
                sql, arguments, error, driver_error, connection_invalidated=broken, dialect=dialect
            ) from error
        finally:
            connection.close()
        if row is None:
            return None
        return tuple(
            value if process is None or value is None else process(value)
            for value, process in zip(row, processors, strict=True)
        )
