"""deleted topologies leave the highest chart version they published

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 23:30:00

A Helm client keeps the charts it pulled by name and version. When a topology is
deleted and made again under the same name, its new chart must not reuse a version
the old one published with other bytes, so ``retired_chart`` keeps, per deleted
name, the highest chart version published under it; a new topology of that name
must start above it. Topologies deleted before this migration left nothing behind.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``retired_chart``."""
    op.create_table(
        "retired_chart",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("chart_version", sa.String(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_retired_chart")),
    )


def downgrade() -> None:
    """Drop ``retired_chart``: deleted names are free to start again at any version."""
    op.drop_table("retired_chart")
