"""Alembic environment of svcgen.

The database is the app's: ``config.attributes["database_url"]`` when a caller
(the tests) passes one, else :func:`svcgen.config.database_url`. Migrations are
rendered in batch mode so that SQLite can alter tables. On PostgreSQL the
migration transaction first takes an advisory lock, so that several pods that
start at once (``alembic upgrade head`` runs before gunicorn in the container)
migrate one after the other: the later ones then find the schema at head.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import text
from sqlalchemy.pool import NullPool

from svcgen.config import database_url
from svcgen.db import make_engine
from svcgen.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata
#: The key of the PostgreSQL advisory lock held while migrating ("svcgen" in ASCII).
MIGRATION_LOCK_KEY = 0x73766367656E
url = config.attributes.get("database_url") or database_url()


def run_migrations_offline() -> None:
    """Write the migration SQL to stdout (``alembic upgrade head --sql``)."""
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate the database over a connection of its own."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                compare_type=True,
            )
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                    )
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
