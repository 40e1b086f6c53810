"""Alembic: the migrations build the schema the models describe, on SQLite and
PostgreSQL, and the app and Alembic agree on where the database is."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from alembic import command
from sqlalchemy import inspect

from svcgen import config
from svcgen.db import make_engine

from .conftest import ROOT, alembic_config


def alembic(*args: str, url: str) -> subprocess.CompletedProcess:
    """Run the ``alembic`` command line in the project, as ``make run`` does."""
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "alembic", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_upgrade_head_and_check_on_a_fresh_sqlite_file(tmp_path):
    path = tmp_path / "fresh.sqlite3"
    url = f"sqlite:///{path}"
    upgraded = alembic("upgrade", "head", url=url)
    assert upgraded.returncode == 0, upgraded.stderr
    checked = alembic("check", url=url)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.close()


def test_downgrade_and_upgrade_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"

    def tables() -> set[str]:
        engine = make_engine(url)
        try:
            return set(inspect(engine).get_table_names())
        finally:
            engine.dispose()

    assert alembic("upgrade", "head", url=url).returncode == 0
    assert alembic("downgrade", "base", url=url).returncode == 0
    assert tables() == {"alembic_version"}  # every migration undoes what it did
    result = alembic("upgrade", "head", url=url)
    assert result.returncode == 0, result.stderr
    assert tables() == {"topology", "revision", "api_token", "retired_chart", "alembic_version"}
    command.check(alembic_config(url))  # and the models still match the migrations


@pytest.mark.postgres
def test_check_on_postgresql(postgres_url):
    command.check(alembic_config(postgres_url))  # raises when models and migrations drift
    engine = make_engine(postgres_url)
    try:
        foreign_keys = inspect(engine).get_foreign_keys("revision")
    finally:
        engine.dispose()
    assert foreign_keys[0]["options"].get("ondelete") == "CASCADE"


def test_database_url_from_environment_or_instance_folder():
    assert config.database_url({"DATABASE_URL": "postgresql+psycopg://x@h/db"}) == (
        "postgresql+psycopg://x@h/db"
    )
    default = config.database_url({})
    assert default == f"sqlite:///{ROOT / 'instance' / 'svcgen.sqlite3'}"
    assert (ROOT / "instance").is_dir()
