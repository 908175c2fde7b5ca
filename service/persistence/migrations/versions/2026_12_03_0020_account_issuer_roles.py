"""console accounts: a role per issuer (coordinating one hub, viewing another)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("console_account_issuers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("console_account_issuers", schema=None) as batch_op:
        batch_op.drop_column("role")
