"""A new revision's chart is made before the write transaction, not under its lock,
and is made again when the guessed chart version turns out wrong."""

from __future__ import annotations

import sqlite3

import pytest
import yaml
from sqlalchemy.engine import make_url

from svcgen import history, repository
from svcgen.db import make_engine, make_sessionmaker
from svcgen.errors import FieldError, PreconditionFailed, TopologyInvalid
from svcgen.history import get_chart
from svcgen.package import archive_files, package_chart, prepared

from .conftest import migrate
from .examples import shop_document


@pytest.fixture
def sqlite_file(tmp_path):
    """A migrated SQLite file and a sessionmaker over it."""
    url = f"sqlite:///{tmp_path / 'svcgen.sqlite3'}"
    migrate(url)
    engine = make_engine(url)
    yield make_url(url).database, make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def recorded_app(make_app, tmp_path, monkeypatch):
    """A client of an app over a SQLite file holding the shop, and the list in which
    every chart the app makes from then on is recorded as ``(version, lock was free)``."""
    import svcgen.api.views as views

    url = f"sqlite:///{tmp_path / 'svcgen.sqlite3'}"
    migrate(url)
    client = make_app(DATABASE_URL=url).test_client()
    assert client.post("/api/v1/topologies", json=shop_document()).status_code == 201
    calls = []
    monkeypatch.setattr(views, "package_chart", _recording(calls, make_url(url).database))
    return client, calls


def _write_lock_is_free(path: str) -> bool:
    """Whether another connection can take SQLite's write lock right now (no waiting)."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:  # database is locked
        return False
    finally:
        probe.close()


def _stored_shop(sessions) -> dict:
    document = shop_document()
    with sessions() as session, session.begin():
        repository.create_topology(session, document)
    return document


def _replace(sessions, document, package, **kwargs):
    with sessions() as session, session.begin():
        return repository.replace_topology(
            session, document["name"], document, package=package, **kwargs
        )


def _recording(calls: list, path: str):
    def package(document: dict, version: str, **options) -> bytes:
        calls.append((version, _write_lock_is_free(path)))
        return package_chart(document, version, **options)

    return package


def test_the_chart_of_a_new_revision_is_made_while_the_write_lock_is_free(sqlite_file):
    path, sessions = sqlite_file
    document = _stored_shop(sessions)
    document["components"][1]["replicas"] = 4
    calls = []
    with sessions() as session, session.begin():
        guess = repository.next_chart_version(history.get_current(session, "shop"), document)
    stored = _replace(sessions, document, prepared(_recording(calls, path), document, guess))
    assert calls == [("0.2.0", True)]  # made once, before the lock was taken
    assert stored.revision.chart_version == "0.2.0"
    with sessions() as session, session.begin():
        revision, data = get_chart(session, "shop", 2)
    assert revision.digest == stored.revision.digest
    assert yaml.safe_load(archive_files(data)["Chart.yaml"])["version"] == "0.2.0"
    assert yaml.safe_load(archive_files(data)["values.yaml"])["api"]["replicas"] == 4


def test_the_probe_sees_the_lock_when_the_chart_is_made_inside_the_transaction(sqlite_file):
    path, sessions = sqlite_file
    document = _stored_shop(sessions)
    calls = []
    _replace(sessions, document, _recording(calls, path))
    assert calls == [("0.2.0", False)]


def test_a_stale_guess_is_made_again_at_the_version_the_revision_gets(sqlite_file):
    path, sessions = sqlite_file
    document = _stored_shop(sessions)
    with sessions() as session, session.begin():
        guess = repository.next_chart_version(history.get_current(session, "shop"), document)
    _replace(sessions, shop_document(), package_chart)  # another writer: revision 2
    calls = []
    stored = _replace(sessions, document, prepared(_recording(calls, path), document, guess))
    assert [version for version, _ in calls] == ["0.2.0", "0.3.0"]
    assert (stored.revision.number, stored.revision.chart_version) == (3, "0.3.0")
    with sessions() as session, session.begin():
        _, data = get_chart(session, "shop", 3)
    assert yaml.safe_load(archive_files(data)["Chart.yaml"])["version"] == "0.3.0"


def test_a_render_error_made_early_is_raised_after_the_precondition_check(sqlite_file):
    _, sessions = sqlite_file
    document = _stored_shop(sessions)
    problem = TopologyInvalid([FieldError(("components",), "cannot be rendered")])

    def failing(document: dict, version: str) -> bytes:
        raise problem

    package = prepared(failing, document, "0.2.0")
    with pytest.raises(PreconditionFailed):
        _replace(sessions, document, package, if_match=lambda etag: False)
    with pytest.raises(TopologyInvalid) as raised:
        _replace(sessions, document, package)
    assert raised.value is problem
    with sessions() as session, session.begin():
        assert repository.get_topology(session, "shop").revision.number == 1


def test_next_chart_version(sqlite_file):
    _, sessions = sqlite_file
    document = _stored_shop(sessions)
    with sessions() as session, session.begin():
        current = history.get_current(session, "shop")
    assert repository.next_chart_version(current, document) == "0.2.0"
    given = {**document, "chartVersion": "2.0.0"}
    assert repository.next_chart_version(current, given) == "2.0.0"


def test_put_makes_the_chart_once_and_outside_the_write_lock(recorded_app):
    client, calls = recorded_app
    document = shop_document()
    document["components"][1]["replicas"] = 5
    response = client.put("/api/v1/topologies/shop", json=document)
    assert response.status_code == 200, response.json
    assert calls == [("0.2.0", True)]
    assert response.json["chartVersion"] == "0.2.0"
    chart = client.get("/api/v1/topologies/shop/chart")
    assert yaml.safe_load(archive_files(chart.data)["values.yaml"])["api"]["replicas"] == 5


def test_the_guessed_version_is_none_where_it_would_not_rise(sqlite_file):
    """``next_chart_version`` guesses the next revision's chart version from the current
    one without parsing it, and guesses nothing where the version would not rise (the
    write then fails, so no chart is made early for it)."""
    _, sessions = sqlite_file
    document = _stored_shop(sessions)
    with sessions() as session, session.begin():
        current = history.get_current(session, "shop")
    assert current.etag == current.stored().revision.etag  # the same tag, no parse
    guess = repository.next_chart_version
    assert guess(current, document) == "0.2.0"
    assert guess(current, {**document, "chartVersion": "0.0.9"}) is None
    assert guess(current, {**document, "chartVersion": "not-semver"}) is None


def test_a_put_refused_by_its_precondition_renders_nothing(recorded_app):
    client, calls = recorded_app
    stale = {"If-Match": '"0000000000000000000000000000000000000000"'}
    assert (
        client.put("/api/v1/topologies/shop", json=shop_document(), headers=stale).status_code
        == 412
    )
    lower = {**shop_document(), "chartVersion": "0.0.1"}
    assert client.put("/api/v1/topologies/shop", json=lower).status_code == 422
    assert calls == []


def test_server_chose_names_only_the_servers_own_versions(sqlite_file):
    _, sessions = sqlite_file
    document = _stored_shop(sessions)
    _replace(sessions, {**document, "chartVersion": "1.0.0"}, package_chart)
    with sessions() as session, session.begin():
        chose = [
            version
            for version in ("0.1.0", "1.0.0", "0.2.0", "0.01.0", "0.1.0-rc.1", "0.x.0", "x")
            if history.server_chose(session, "shop", version)
        ]
        assert not history.server_chose(session, "other", "0.1.0")
    assert chose == ["0.1.0"]  # revision 2 set its own 1.0.0; no revision has 0.2.0
