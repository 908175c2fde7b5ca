"""network badges: the member structures of a network, and the network's badge classes each
member may award

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.persistence.types import UTCDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_members",
        sa.Column("network_id", sa.String(length=26), nullable=False),
        sa.Column("member_id", sa.String(length=26), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["issuers.id"],
            name=op.f("fk_network_members_network_id_issuers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["issuers.id"],
            name=op.f("fk_network_members_member_id_issuers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("network_id", "member_id", name=op.f("pk_network_members")),
    )
    op.create_index(op.f("ix_network_members_member_id"), "network_members", ["member_id"])
    op.create_table(
        "network_grants",
        sa.Column("series_id", sa.String(length=26), nullable=False),
        sa.Column("member_id", sa.String(length=26), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["issuers.id"],
            name=op.f("fk_network_grants_member_id_issuers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("series_id", "member_id", name=op.f("pk_network_grants")),
    )
    op.create_index(op.f("ix_network_grants_member_id"), "network_grants", ["member_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_network_grants_member_id"), table_name="network_grants")
    op.drop_table("network_grants")
    op.drop_index(op.f("ix_network_members_member_id"), table_name="network_members")
    op.drop_table("network_members")
