"""bitstring status lists

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 21:26:46.750888
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.persistence.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status_lists",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("issuer_id", sa.String(length=26), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", service.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_status_lists_issuer_id_issuers"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_lists")),
    )
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_lists_issuer_id"), ["issuer_id"], unique=False)

    op.create_table(
        "status_entries",
        sa.Column("list_id", sa.String(length=26), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.String(length=26), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_status_entries_award_id_awards"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["status_lists.id"],
            name=op.f("fk_status_entries_list_id_status_lists"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("list_id", "position", name=op.f("pk_status_entries")),
        sa.UniqueConstraint("list_id", "award_id", name=op.f("uq_status_entries_list_id")),
    )
    with op.batch_alter_table("status_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_entries_award_id"), ["award_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("status_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_entries_award_id"))

    op.drop_table("status_entries")
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_lists_issuer_id"))

    op.drop_table("status_lists")
