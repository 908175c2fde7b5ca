"""sign-in sheet: presences signed by the person per half-day, and the trainer's countersignature

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.persistence.types import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("signed_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("session_half_days", schema=None) as batch_op:
        batch_op.add_column(sa.Column("countersigned_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("countersigned_by", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("session_half_days", schema=None) as batch_op:
        batch_op.drop_column("countersigned_by")
        batch_op.drop_column("countersigned_at")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_column("late")
        batch_op.drop_column("signed_name")
        batch_op.drop_column("signed_at")
