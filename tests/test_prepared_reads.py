"""The hot reads run their one query on a pooled DBAPI connection
(:class:`svcgen.db.PreparedRead`): they must answer exactly what the same query
answers through a session, give every connection back, and fail as SQLAlchemy
fails (a 503 when the database cannot answer), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import DateTime, bindparam, create_engine, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from svcgen import history
from svcgen.api.storage import engine, open_session, reader
from svcgen.db import PreparedRead, make_engine, make_read_engine
from svcgen.errors import TopologyNotFound
from svcgen.models import Topology
from tests.conftest import empty_database


def _reads(reader) -> list:
    return [
        history.get_current(reader, "shop"),
        history.get_archive(reader, "shop", None),
        history.get_archive(reader, "shop", 1),
        history.get_archive(reader, "shop", 2),
        history.find_chart(reader, "shop", "0.1.0"),
        history.find_chart(reader, "shop", "0.2.0"),
    ]


def test_a_prepared_read_answers_what_a_session_reads(app, client, shop):
    assert client.post("/api/v1/topologies", json=shop).status_code == 201
    shop["components"][1]["replicas"] = 3
    assert client.put("/api/v1/topologies/shop", json=shop).status_code == 200
    with app.app_context():
        prepared = _reads(engine())
        with open_session() as session, session.begin():
            through_session = _reads(session)
    assert prepared == through_session
    current = prepared[0]
    assert (current.number, current.chart_version) == (2, "0.2.0")
    assert isinstance(current.created_at, datetime.datetime)  # SQLite's text, converted
    assert type(current.updated_at) is type(through_session[0].updated_at)
    assert [a.number for a in prepared[1:4]] == [2, 1, 2]
    assert isinstance(prepared[1].data, bytes) and prepared[1].data[:2] == b"\x1f\x8b"


def test_prepared_reads_say_what_is_missing_and_give_connections_back(app, client, shop):
    assert client.post("/api/v1/topologies", json=shop).status_code == 201
    with app.app_context():
        pool = engine().pool
        for _ in range(3):
            with pytest.raises(TopologyNotFound, match="no topology named 'nope'"):
                history.get_current(engine(), "nope")
            with pytest.raises(TopologyNotFound, match="topology 'shop' has no revision 7"):
                history.get_archive(engine(), "shop", 7)
            with pytest.raises(TopologyNotFound, match="no chart 'shop' of version '9.9.9'"):
                history.find_chart(engine(), "shop", "9.9.9")
            assert history.get_archive(engine(), "shop", None).number == 1
        assert pool.checkedout() == 0


def test_a_driver_error_is_sqlalchemys_and_the_connection_goes_back(tmp_path):
    unmigrated = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        with pytest.raises(OperationalError, match="no such table"):
            history.get_current(unmigrated, "shop")
        assert unmigrated.pool.checkedout() == 0
    finally:
        unmigrated.dispose()


@pytest.mark.parametrize(
    "database",
    [
        "sqlite:///{tmp}/unmigrated.sqlite3",  # the query fails
        "sqlite:///{tmp}/no/such/folder/svcgen.sqlite3",  # the connection fails
        pytest.param("postgresql+psycopg://postgres@127.0.0.1:1/test", id="nothing-listens"),
    ],
)
def test_hot_reads_of_a_database_that_fails_are_503(make_app, tmp_path, monkeypatch, database):
    """Anonymous reads (open: no token query runs first) reach the prepared query,
    whose failure, connecting or querying, is the JSON 503 of a database that cannot
    answer, never a 500."""
    reached = []
    one_or_none = PreparedRead.one_or_none

    def counted(self, engine_, params):
        reached.append(params)
        return one_or_none(self, engine_, params)

    monkeypatch.setattr(PreparedRead, "one_or_none", counted)
    app = make_app(DATABASE_URL=database.format(tmp=tmp_path))
    client = app.test_client(token=None)
    for path in (
        "/api/v1/topologies/shop",
        "/api/v1/topologies/shop/chart",
        "/charts/shop-0.1.0.tgz",
    ):
        answer = client.get(path)
        assert answer.status_code == 503, (path, answer.get_data(as_text=True))
        assert answer.json == {  # no SQL or driver text
            "code": 503,
            "status": "Service Unavailable",
            "message": "the database is unavailable; try again shortly",
        }
        assert answer.headers["Retry-After"] == "5"
    assert len(reached) == 3


def test_only_parameters_no_driver_converts_are_prepared():
    with pytest.raises(TypeError, match="'since' is DateTime"):
        PreparedRead(
            select(Topology.id).where(Topology.created_at > bindparam("since", type_=DateTime()))
        )


@pytest.mark.postgres
def test_a_read_after_the_server_dropped_its_connections(postgres_url):
    """The read engine pings nothing: a read whose pooled connections the server
    closed (a restart) replaces the pool and answers, as ``pool_pre_ping`` would."""
    empty_database(postgres_url)
    admin = create_engine(postgres_url, poolclass=NullPool)
    engine_ = make_engine(postgres_url)
    reader = make_read_engine(engine_)
    try:
        assert reader is not engine_ and reader.pool is not engine_.pool
        held = [reader.raw_connection() for _ in range(2)]  # two connections pooled
        pids = [c.dbapi_connection.info.backend_pid for c in held]
        assert all(c.dbapi_connection.autocommit for c in held)  # no BEGIN, no ROLLBACK
        for connection in held:
            connection.close()
        with admin.connect() as connection:
            for pid in pids:
                terminated = connection.execute(
                    text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}
                ).scalar()
                assert terminated is True
        for _ in range(3):
            with pytest.raises(TopologyNotFound):
                history.get_current(reader, "shop")
        assert reader.pool.checkedout() == 0
        engine_.dispose()  # takes the read engine's connections with it
        assert reader.pool.checkedin() == 0
    finally:
        engine_.dispose()
        admin.dispose()


def test_sqlite_reads_on_the_engine_itself(tmp_path):
    engine_ = make_engine(f"sqlite:///{tmp_path / 'svcgen.sqlite3'}")
    try:
        assert make_read_engine(engine_) is engine_
    finally:
        engine_.dispose()


@pytest.mark.postgres
def test_a_missing_revision_is_a_404_when_the_next_pooled_connection_is_dead(
    make_app, postgres_url, shop
):
    """The read that tells a missing topology from a missing revision runs on the read
    engine too, with the same retry: a dropped connection is never a 503 there."""
    empty_database(postgres_url)
    app = make_app(DATABASE_URL=postgres_url)
    client = app.test_client()
    assert client.post("/api/v1/topologies", json=shop).status_code == 201
    with app.app_context():
        read_engine = reader()
        first, second = read_engine.raw_connection(), read_engine.raw_connection()
        doomed = second.dbapi_connection.info.backend_pid
        first.close()
        second.close()  # the pool hands out `first`, then `second`
    admin = create_engine(postgres_url, poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": doomed})
    finally:
        admin.dispose()
    answer = client.get("/api/v1/topologies/shop/chart?revision=7")
    assert (answer.status_code, answer.json["message"]) == (
        404,
        "topology 'shop' has no revision 7",
    )
