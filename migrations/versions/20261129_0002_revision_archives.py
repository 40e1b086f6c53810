"""revisions keep their chart archive, its sha256 and who stored them

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 20:50:00

Every revision stored before this migration is rendered here, once, with the
templates svcgen has at upgrade time (the chart it served until then), and its
bytes are stored; afterwards ``archive`` and ``digest`` are NOT NULL and no
chart is rendered again on a read. The node-port range is read from
``SVCGEN_NODE_PORT_RANGE`` (JSON, as the app reads it), else the Kubernetes default.
"""

import hashlib
import json
import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_revision = sa.table(
    "revision",
    sa.column("id", sa.Integer()),
    sa.column("document", sa.Text()),
    sa.column("chart_version", sa.String()),
    sa.column("archive", sa.LargeBinary()),
    sa.column("digest", sa.String()),
)


def _node_port_range() -> tuple[int, int]:
    from svcgen.topology import DEFAULT_NODE_PORT_RANGE

    given = os.environ.get("SVCGEN_NODE_PORT_RANGE", "").strip()
    return tuple(json.loads(given)) if given else DEFAULT_NODE_PORT_RANGE


def _package_stored_revisions(bind) -> None:
    """Render and store the archive of every revision that has none, one row at a time."""
    from svcgen.package import package_chart

    node_port_range = _node_port_range()
    ids = bind.execute(
        sa.select(_revision.c.id).where(_revision.c.archive.is_(None)).order_by(_revision.c.id)
    ).scalars()
    for row_id in list(ids):
        document, version = bind.execute(
            sa.select(_revision.c.document, _revision.c.chart_version).where(
                _revision.c.id == row_id
            )
        ).one()
        data = package_chart(json.loads(document), version, node_port_range=node_port_range)
        bind.execute(
            sa.update(_revision)
            .where(_revision.c.id == row_id)
            .values(archive=data, digest=hashlib.sha256(data).hexdigest())
        )


def upgrade() -> None:
    """Add ``created_by`` (nullable), ``archive`` and ``digest``; fill the last two
    for existing revisions; then make them NOT NULL."""
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("archive", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("digest", sa.String(length=64), nullable=True))
    _package_stored_revisions(op.get_bind())
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.alter_column("archive", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.alter_column("digest", existing_type=sa.String(length=64), nullable=False)


def downgrade() -> None:
    """Drop the three columns (the stored archives go with them)."""
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.drop_column("digest")
        batch_op.drop_column("archive")
        batch_op.drop_column("created_by")
