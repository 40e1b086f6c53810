"""The repository over SQLite and PostgreSQL: revisions, preconditions, cascades,
rollbacks, race-free numbering, and the SQLite connection settings."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading

import pytest
from sqlalchemy import text

from svcgen import chartversions, repository
from svcgen.db import make_engine, make_sessionmaker
from svcgen.errors import PreconditionFailed, TopologyExists, TopologyInvalid, TopologyNotFound

from .conftest import migrate


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def Session(engine):  # noqa: N802 - a session factory, named as SQLAlchemy's docs name it
    return make_sessionmaker(engine)


def create(Session, document):  # noqa: N803
    with Session() as session, session.begin():
        return repository.create_topology(session, document)


def replace(Session, name, document, **kwargs):  # noqa: N803
    with Session() as session, session.begin():
        return repository.replace_topology(session, name, document, **kwargs)


def current(Session, name):  # noqa: N803
    with Session() as session, session.begin():
        return repository.get_topology(session, name)


def count(engine, table):
    with engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_create_and_get_return_plain_dataclasses(Session, shop):  # noqa: N803
    stored = create(Session, shop)
    assert isinstance(stored, repository.StoredTopology)
    assert stored.name == "shop" and stored.revision.number == 1
    assert stored.revision.chart_version == "0.1.0"
    assert stored.created_at.tzinfo is not None
    read = current(Session, "shop")
    assert read == stored
    assert read.revision.document == shop and list(read.revision.document) == list(shop)


def test_document_is_stored_as_json_text_as_given(Session, engine, shop):  # noqa: N803
    shop["description"] = "Läden ✓ <&>"
    create(Session, shop)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT document FROM revision")).scalar_one()
    assert stored == json.dumps(shop, ensure_ascii=False)


def test_create_duplicate_raises_and_rolls_back(Session, engine, shop):  # noqa: N803
    create(Session, shop)
    with pytest.raises(TopologyExists):
        create(Session, shop)
    assert count(engine, "topology") == 1 and count(engine, "revision") == 1


def test_replace_numbers_revisions(Session, shop):  # noqa: N803
    create(Session, shop)
    for number in (2, 3, 4):
        stored = replace(Session, "shop", shop)
        assert stored.revision.number == number
        assert stored.revision.chart_version == f"0.{number}.0"
    with Session() as session, session.begin():
        history = repository.list_revisions(session, "shop")
        revisions = [repository.get_revision(session, "shop", n) for n in (1, 2, 3, 4)]
    assert [r.number for r in history] == [1, 2, 3, 4]
    assert [(r.chart_version, r.created_at, r.created_by, r.digest) for r in history] == [
        (r.chart_version, r.created_at, r.created_by, r.digest) for r in revisions
    ]
    assert len({r.etag for r in revisions}) == 4


def test_replace_unknown_raises_not_found(Session, shop):  # noqa: N803
    with pytest.raises(TopologyNotFound):
        replace(Session, "shop", shop)


def test_failed_precondition_rolls_the_counter_back(Session, engine, shop):  # noqa: N803
    etag = create(Session, shop).revision.etag
    with pytest.raises(PreconditionFailed):
        replace(Session, "shop", shop, if_match=lambda tag: False)
    assert current(Session, "shop").revision.number == 1
    assert count(engine, "revision") == 1
    assert replace(Session, "shop", shop, if_match=lambda tag: tag == etag).revision.number == 2


def _refuses(tag: str) -> bool:
    """A precondition test that raises its own 412, as the API's does for If-None-Match."""
    raise PreconditionFailed("If-None-Match is *")


def test_a_precondition_that_raises_rolls_everything_back(Session, engine, shop):  # noqa: N803
    """A precondition test may raise its own 412 under the write lock: the revision
    counter's bump is rolled back, on replace and on delete."""
    create(Session, shop)
    with pytest.raises(PreconditionFailed, match="If-None-Match is"):
        replace(Session, "shop", shop, if_match=_refuses)
    assert current(Session, "shop").revision.number == 1
    assert count(engine, "revision") == 1
    with pytest.raises(PreconditionFailed), Session() as session, session.begin():
        repository.delete_topology(session, "shop", if_match=_refuses)
    assert count(engine, "topology") == 1 and count(engine, "revision") == 1
    assert replace(Session, "shop", shop).revision.number == 2


def test_lower_chart_version_rolls_the_counter_back(Session, engine, shop):  # noqa: N803
    shop["chartVersion"] = "2.0.0"
    create(Session, shop)
    shop["chartVersion"] = "1.9.9"
    with pytest.raises(TopologyInvalid) as raised:
        replace(Session, "shop", shop)
    assert raised.value.errors[0].path == ("chartVersion",)
    assert "2.0.0" in raised.value.errors[0].message
    assert current(Session, "shop").revision.number == 1
    assert count(engine, "revision") == 1


def test_delete_cascades_to_revisions(Session, engine, shop):  # noqa: N803
    create(Session, shop)
    replace(Session, "shop", shop)
    shop["name"] = "other"
    create(Session, shop)
    with Session() as session, session.begin():
        repository.delete_topology(session, "shop")
    assert count(engine, "topology") == 1 and count(engine, "revision") == 1
    with pytest.raises(TopologyNotFound), Session() as session, session.begin():
        repository.delete_topology(session, "shop")


def test_delete_with_stale_precondition_keeps_everything(Session, engine, shop):  # noqa: N803
    create(Session, shop)
    with pytest.raises(PreconditionFailed), Session() as session, session.begin():
        repository.delete_topology(session, "shop", if_match=lambda tag: False)
    assert count(engine, "revision") == 1


def test_list_newest_first_with_total(Session, shop):  # noqa: N803
    for name in ("a", "b", "c"):
        shop["name"] = name
        create(Session, shop)
    with Session() as session, session.begin():
        page, total = repository.list_topologies(session, offset=1, limit=5)
    assert total == 3 and [t.name for t in page] == ["b", "a"]


def test_concurrent_replaces_get_distinct_contiguous_numbers(Session, shop):  # noqa: N803
    create(Session, shop)
    writers, each = 6, 5
    failures = []

    def write():
        for _ in range(each):
            try:
                replace(Session, "shop", shop)
            except Exception as exc:  # collected and reported below
                failures.append(exc)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with Session() as session, session.begin():
        numbers = [r.number for r in repository.list_revisions(session, "shop")]
    assert numbers == list(range(1, writers * each + 2))
    assert current(Session, "shop").revision.number == writers * each + 1


def test_concurrent_creates_of_one_name_store_one(Session, engine, shop):  # noqa: N803
    outcomes = []
    barrier = threading.Barrier(4)

    def write():
        barrier.wait()
        try:
            create(Session, shop)
            outcomes.append("created")
        except TopologyExists:
            outcomes.append("exists")

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "exists", "exists", "exists"]
    assert count(engine, "revision") == 1


@pytest.mark.parametrize(
    "lower, higher",
    [
        ("1.0.0-alpha", "1.0.0-alpha.1"),
        ("1.0.0-alpha.1", "1.0.0-alpha.beta"),
        ("1.0.0-alpha.beta", "1.0.0-beta"),
        ("1.0.0-beta", "1.0.0-beta.2"),
        ("1.0.0-beta.2", "1.0.0-beta.11"),
        ("1.0.0-beta.11", "1.0.0-rc.1"),
        ("1.0.0-rc.1", "1.0.0"),
        ("1.9.0", "1.10.0"),
        ("0.9.9", "1.0.0"),
    ],
)
def test_chart_version_must_rise_by_semver_precedence(lower, higher):
    chartversions.check_rises(higher, lower)
    for new, last in ((lower, higher), (higher, higher), (lower, lower)):
        with pytest.raises(TopologyInvalid, match=f"not higher than {re.escape(last)}"):
            chartversions.check_rises(new, last)
    with pytest.raises(TopologyInvalid, match="not higher"):  # build metadata has no precedence
        chartversions.check_rises("1.0.0+b", "1.0.0+a")
    with pytest.raises(TopologyInvalid, match="not a SemVer 2 version"):
        chartversions.check_rises("1.0", "0.1.0")


def test_sqlite_connection_settings(tmp_path):
    url = f"sqlite:///{tmp_path / 'pragmas.sqlite3'}"
    migrate(url)
    engine = make_engine(url)
    with engine.connect() as connection:

        def pragma(name):
            return connection.exec_driver_sql(f"PRAGMA {name}").scalar_one()

        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000
        assert pragma("synchronous") == 1  # NORMAL
        assert pragma("journal_mode") == "wal"  # set once, by the first migration
    engine.dispose()


WRITER = """
import json, sys
from svcgen import repository
from svcgen.db import make_engine, make_sessionmaker
url, document, times = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
engine = make_engine(url)
Session = make_sessionmaker(engine)
for _ in range(times):
    with Session() as session, session.begin():
        repository.replace_topology(session, document["name"], document)
engine.dispose()
"""


@pytest.mark.slow
def test_several_processes_write_one_database(Session, database_url, shop):  # noqa: N803
    """As several gunicorn workers do: each its own engine, all on one database."""
    create(Session, shop)
    processes, each = 4, 10
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, database_url, json.dumps(shop), str(each)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for writer in writers:
        _, stderr = writer.communicate(timeout=120)
        assert writer.returncode == 0, stderr
    with Session() as session, session.begin():
        numbers = [r.number for r in repository.list_revisions(session, "shop")]
    assert numbers == list(range(1, processes * each + 2))


def test_replace_cannot_rename(Session, shop):  # noqa: N803
    create(Session, shop)
    shop["name"] = "other"
    with pytest.raises(TopologyInvalid):
        replace(Session, "shop", shop)
    assert current(Session, "shop").revision.number == 1
