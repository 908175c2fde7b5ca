"""ob3 credential

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 21:00:57.149247
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credential", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("credential_kid", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_awards_credential_kid_signing_keys"),
            "signing_keys",
            ["credential_kid"],
            ["kid"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_awards_credential_kid_signing_keys"), type_="foreignkey")
        batch_op.drop_column("credential_kid")
        batch_op.drop_column("credential")
