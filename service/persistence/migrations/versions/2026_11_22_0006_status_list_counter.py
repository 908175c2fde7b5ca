"""status lists count their allocated places

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 22:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.add_column(sa.Column("allocated", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE status_lists SET allocated = "
        "(SELECT COUNT(*) FROM status_entries WHERE status_entries.list_id = status_lists.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.drop_column("allocated")
