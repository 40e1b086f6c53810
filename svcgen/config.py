"""Where svcgen's settings come from.

One function, :func:`database_url`, names the database for both the Flask app
(:func:`svcgen.api.create_app`) and Alembic (``migrations/env.py``), so that
``alembic upgrade head`` always migrates the database the app will use.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The environment variable that names the database (an SQLAlchemy URL), e.g.
#: ``postgresql+psycopg://svcgen@db/svcgen`` or ``sqlite:////var/lib/svcgen/svcgen.db``.
DATABASE_URL_ENV = "DATABASE_URL"

#: The SQLite file used when :data:`DATABASE_URL_ENV` is not set.
DEFAULT_SQLITE_FILENAME = "svcgen.sqlite3"

#: The largest request body accepted, in bytes (Flask ``MAX_CONTENT_LENGTH``; 1 MiB).
DEFAULT_MAX_CONTENT_LENGTH = 1024 * 1024


def default_instance_path() -> Path:
    """The project's ``instance/`` folder (beside the ``svcgen`` package), where
    the default SQLite database lives; the same folder Flask's tutorial uses.

    :returns: an absolute path; the folder may not exist yet.
    """
    return Path(__file__).resolve().parents[1] / "instance"


def database_url(environ: dict[str, str] | None = None) -> str:
    """The SQLAlchemy URL of svcgen's database.

    :param environ: the environment to read; ``os.environ`` when ``None``.
    :returns: ``DATABASE_URL`` when it is set and not empty, else a SQLite file
        ``instance/svcgen.sqlite3`` in the project, whose folder is created if
        missing.
    """
    env = os.environ if environ is None else environ
    url = env.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    folder = default_instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / DEFAULT_SQLITE_FILENAME}"
