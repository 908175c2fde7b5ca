"""wallets: credential offers (OID4VCI, and the VC-API exchange's challenge), nonces, and the
holder-bound copies of awards

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.persistence.types import UTCDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wallet_offers",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("award_id", sa.String(length=26), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("tx_code_hash", sa.String(length=64), nullable=False),
        sa.Column("tx_code_failures", sa.Integer(), nullable=False),
        sa.Column("challenge", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("redeemed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("token_expires_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_wallet_offers_award_id_awards"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_offers")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_wallet_offers_code_hash")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_wallet_offers_token_hash")),
    )
    op.create_index(op.f("ix_wallet_offers_award_id"), "wallet_offers", ["award_id"])
    op.create_table(
        "wallet_nonces",
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("nonce_hash", name=op.f("pk_wallet_nonces")),
    )
    op.create_index(op.f("ix_wallet_nonces_expires_at"), "wallet_nonces", ["expires_at"])
    op.create_table(
        "wallet_copies",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("award_id", sa.String(length=26), nullable=False),
        sa.Column("credential_id", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=2048), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("protocol", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_wallet_copies_award_id_awards"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_copies")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_wallet_copies_credential_id")),
    )
    op.create_index(op.f("ix_wallet_copies_award_id"), "wallet_copies", ["award_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_wallet_copies_award_id"), table_name="wallet_copies")
    op.drop_table("wallet_copies")
    op.drop_index(op.f("ix_wallet_nonces_expires_at"), table_name="wallet_nonces")
    op.drop_table("wallet_nonces")
    op.drop_index(op.f("ix_wallet_offers_award_id"), table_name="wallet_offers")
    op.drop_table("wallet_offers")
