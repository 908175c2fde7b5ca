"""people and access: one-time account links (invitations, password resets), their emails in
the outbox, and when each API token was last used

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.persistence.types import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_links",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("account_id", sa.String(length=26), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["console_accounts.id"],
            name=op.f("fk_account_links_account_id_console_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_links")),
    )
    op.create_index(op.f("ix_account_links_account_id"), "account_links", ["account_id"])
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_link_id", sa.String(length=26), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_account_link_id_account_links"),
            "account_links",
            ["account_link_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_used_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")
    op.execute("DELETE FROM outbox WHERE account_link_id IS NOT NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outbox_account_link_id_account_links", type_="foreignkey")
        batch_op.drop_column("account_link_id")
    op.drop_index(op.f("ix_account_links_account_id"), table_name="account_links")
    op.drop_table("account_links")
