"""API bearer tokens, stored hashed

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 21:00:00

``api_token`` holds each token's name, role and SHA-256 digest, never the token
itself (``svcgen.auth``). Revoked tokens stay, with ``revoked_at`` set, so that a
name is never reused and a revision's ``created_by`` always names one token.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``api_token``."""
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("digest", name=op.f("uq_api_token_digest")),
        sa.UniqueConstraint("name", name=op.f("uq_api_token_name")),
    )


def downgrade() -> None:
    """Drop ``api_token`` (every token with it)."""
    op.drop_table("api_token")
