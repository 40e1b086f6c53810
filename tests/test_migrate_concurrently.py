"""Several pods start at once and each runs ``alembic upgrade head`` before
gunicorn: on PostgreSQL they migrate one after the other (an advisory lock in
``migrations/env.py``), and all of them succeed."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from .conftest import ROOT, new_postgres_database


@pytest.mark.postgres
@pytest.mark.slow
def test_four_processes_upgrade_one_new_database():
    with new_postgres_database("svcgen_migrate") as url:
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
