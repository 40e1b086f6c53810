"""topologies and revisions; SQLite files switch to WAL

Revision ID: 0001
Revises:
Create Date: 2026-11-29 20:21:16
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``topology`` and ``revision``; put a SQLite database in WAL mode.

    WAL is a property of the database file and is set here, once, rather than
    by every connection of every gunicorn worker (STYLE.md, known traps).
    """
    if op.get_bind().dialect.name == "sqlite":
        with op.get_context().autocommit_block():
            op.execute("PRAGMA journal_mode=WAL")

    op.create_table(
        "topology",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("current_revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topology")),
        sa.UniqueConstraint("name", name=op.f("uq_topology_name")),
    )
    with op.batch_alter_table("topology", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topology_created_at"), ["created_at"], unique=False)

    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topology_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("chart_version", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["topology_id"],
            ["topology.id"],
            name=op.f("fk_revision_topology_id_topology"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision")),
        sa.UniqueConstraint("topology_id", "number", name=op.f("uq_revision_topology_id_number")),
    )


def downgrade() -> None:
    """Drop both tables (a SQLite file stays in WAL mode)."""
    op.drop_table("revision")
    with op.batch_alter_table("topology", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topology_created_at"))
    op.drop_table("topology")
