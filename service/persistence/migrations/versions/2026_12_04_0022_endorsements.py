"""endorsements: endorsers (profiles hosted here, with their own key), their endorsements of
issuers, badge classes and awards, and the invitations to endorse

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.persistence.types import UTCDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "endorsers",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("public_email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsers")),
        sa.UniqueConstraint("email", name=op.f("uq_endorsers_email")),
    )
    op.create_table(
        "endorsements",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("endorser_id", sa.String(length=26), nullable=False),
        sa.Column("issuer_id", sa.String(length=26), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=26), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("credential", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["endorser_id"],
            ["endorsers.id"],
            name=op.f("fk_endorsements_endorser_id_endorsers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_endorsements_issuer_id_issuers"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsements")),
        sa.UniqueConstraint("endorser_id", "status_index", name=op.f("uq_endorsements_endorser_id")),
    )
    op.create_index(op.f("ix_endorsements_issuer_id"), "endorsements", ["issuer_id"])
    op.create_index("ix_endorsements_subject", "endorsements", ["subject_kind", "subject_id"])
    op.create_table(
        "endorsement_invitations",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("issuer_id", sa.String(length=26), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=26), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("invited_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("endorsement_id", sa.String(length=26), nullable=True),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
            name=op.f("fk_endorsement_invitations_issuer_id_issuers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["endorsement_id"],
            ["endorsements.id"],
            name=op.f("fk_endorsement_invitations_endorsement_id_endorsements"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsement_invitations")),
    )
    op.create_index(op.f("ix_endorsement_invitations_issuer_id"), "endorsement_invitations", ["issuer_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_endorsement_invitations_issuer_id"), table_name="endorsement_invitations")
    op.drop_table("endorsement_invitations")
    op.drop_index("ix_endorsements_subject", table_name="endorsements")
    op.drop_index(op.f("ix_endorsements_issuer_id"), table_name="endorsements")
    op.drop_table("endorsements")
    op.drop_table("endorsers")
