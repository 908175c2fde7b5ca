"""outbox resends: one announcement per award stays unique, resends are rows of their own

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ANNOUNCED = sa.text("kind = 'award-issued'")


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("uq_outbox_kind", type_="unique")
        batch_op.create_index(
            "uq_outbox_award_announced",
            ["award_id"],
            unique=True,
            sqlite_where=ANNOUNCED,
            postgresql_where=ANNOUNCED,
        )


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE kind <> 'award-issued'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("uq_outbox_award_announced")
        batch_op.create_unique_constraint("uq_outbox_kind", ["kind", "award_id"])
