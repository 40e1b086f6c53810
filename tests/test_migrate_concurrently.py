"""Several pods start at once and each runs ``alembic upgrade head`` before
gunicorn: on PostgreSQL they migrate one after the other (an advisory lock in
``migrations/env.py``), and all of them succeed."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from .conftest import REQUIRE_POSTGRES_ENV, ROOT, _admin_url


@pytest.mark.postgres
@pytest.mark.slow
def test_four_processes_upgrade_one_new_database():
    admin, why = _admin_url()
    if admin is None:
        message = f"no PostgreSQL server answers on 127.0.0.1:5432 ({why})"
        if os.environ.get(REQUIRE_POSTGRES_ENV):
            pytest.fail(message)
        pytest.skip(message)
    name = f"svcgen_migrate_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(admin, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
        command = [sys.executable, "-m", "alembic", "upgrade", "head"]
        runs = [
            subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
            for _ in range(4)
        ]
        errors = [run.communicate(timeout=120)[1] for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0, 0], errors
        check = create_engine(url, poolclass=NullPool)
        with check.connect() as connection:
            heads = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        check.dispose()
        assert len(heads) == 1
    finally:
        with admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()
