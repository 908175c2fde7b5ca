"""issuers: LinkedIn's id of the organisation's page, so that "Add to profile" shows its logo

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issuers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("linkedin_organisation_id", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issuers", schema=None) as batch_op:
        batch_op.drop_column("linkedin_organisation_id")
