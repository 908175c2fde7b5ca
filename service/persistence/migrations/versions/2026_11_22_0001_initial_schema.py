"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 20:25:06.521026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.persistence.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", service.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", service.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "issuers",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("image_type", sa.String(length=32), nullable=True),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("rna", sa.String(length=10), nullable=True),
        sa.Column("created_at", service.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", service.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuers")),
    )
    op.create_table(
        "api_token_issuers",
        sa.Column("token_id", sa.String(length=26), nullable=False),
        sa.Column("issuer_id", sa.String(length=26), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
            name=op.f("fk_api_token_issuers_issuer_id_issuers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_tokens.id"],
            name=op.f("fk_api_token_issuers_token_id_api_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_id", "issuer_id", name=op.f("pk_api_token_issuers")),
    )
    op.create_table(
        "badge_classes",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("issuer_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("criteria_narrative", sa.Text(), nullable=True),
        sa.Column("criteria_url", sa.String(length=2048), nullable=True),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("image_type", sa.String(length=32), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("alignments", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("validity_days", sa.Integer(), nullable=True),
        sa.Column("created_at", service.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", service.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
            name=op.f("fk_badge_classes_issuer_id_issuers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_classes")),
    )
    with op.batch_alter_table("badge_classes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_badge_classes_issuer_id"), ["issuer_id"], unique=False)

    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("issuer_id", sa.String(length=26), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("public_pem", sa.Text(), nullable=False),
        sa.Column("created_at", service.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", service.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_signing_keys_issuer_id_issuers"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
    )
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.create_index("ix_signing_keys_issuer_algorithm", ["issuer_id", "algorithm"], unique=False)
        batch_op.create_index(
            "uq_signing_keys_active",
            ["issuer_id", "algorithm"],
            unique=True,
            sqlite_where=sa.text("retired_at IS NULL"),
            postgresql_where=sa.text("retired_at IS NULL"),
        )

    op.create_table(
        "awards",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("badge_class_id", sa.String(length=26), nullable=False),
        sa.Column("issuer_id", sa.String(length=26), nullable=False),
        sa.Column("recipient_email", sa.String(length=320), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=True),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("issued_on", service.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", service.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("signed_assertion", sa.Text(), nullable=False),
        sa.Column("signing_kid", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", service.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revocation_reason", sa.Text(), nullable=True),
        sa.Column("created_at", service.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["badge_class_id"],
            ["badge_classes.id"],
            name=op.f("fk_awards_badge_class_id_badge_classes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_awards_issuer_id_issuers"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["signing_kid"],
            ["signing_keys.kid"],
            name=op.f("fk_awards_signing_kid_signing_keys"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awards")),
    )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_awards_badge_class_id"), ["badge_class_id"], unique=False)
        batch_op.create_index("ix_awards_issuer_created", ["issuer_id", "created_at"], unique=False)
        batch_op.create_index("ix_awards_issuer_revoked", ["issuer_id", "revoked_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index("ix_awards_issuer_revoked")
        batch_op.drop_index("ix_awards_issuer_created")
        batch_op.drop_index(batch_op.f("ix_awards_badge_class_id"))

    op.drop_table("awards")
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_signing_keys_active",
            sqlite_where=sa.text("retired_at IS NULL"),
            postgresql_where=sa.text("retired_at IS NULL"),
        )
        batch_op.drop_index("ix_signing_keys_issuer_algorithm")

    op.drop_table("signing_keys")
    with op.batch_alter_table("badge_classes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_badge_classes_issuer_id"))

    op.drop_table("badge_classes")
    op.drop_table("api_token_issuers")
    op.drop_table("issuers")
    op.drop_table("api_tokens")
