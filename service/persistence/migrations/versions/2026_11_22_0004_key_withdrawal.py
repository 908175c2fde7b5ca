"""key withdrawal

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 21:20:56.556578
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.persistence.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("withdrawn_at", service.persistence.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
