"""badge requests reviewed by peers: each badge class's rule, the requests, their evidence files
and reviews; the outbox names what else an email is about

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.persistence.types import UTCDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "badge_request_rules",
        sa.Column("series_id", sa.String(length=26), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("peer_approvals", sa.Integer(), nullable=False),
        sa.Column("coordinator_approval", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("series_id", name=op.f("pk_badge_request_rules")),
    )
    op.create_table(
        "badge_requests",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("badge_class_id", sa.String(length=26), nullable=False),
        sa.Column("issuer_id", sa.String(length=26), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("award_id", sa.String(length=26), nullable=True),
        sa.ForeignKeyConstraint(
            ["badge_class_id"],
            ["badge_classes.id"],
            name=op.f("fk_badge_requests_badge_class_id_badge_classes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
            name=op.f("fk_badge_requests_issuer_id_issuers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_badge_requests_award_id_awards"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_requests")),
    )
    op.create_index(op.f("ix_badge_requests_badge_class_id"), "badge_requests", ["badge_class_id"])
    op.create_index("ix_badge_requests_issuer_state", "badge_requests", ["issuer_id", "state"])
    op.create_table(
        "badge_request_files",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("request_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["badge_requests.id"],
            name=op.f("fk_badge_request_files_request_id_badge_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_request_files")),
    )
    op.create_index(op.f("ix_badge_request_files_request_id"), "badge_request_files", ["request_id"])
    op.create_table(
        "badge_request_reviews",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("request_id", sa.String(length=26), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("account_id", sa.String(length=26), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("shown", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("endorsement_id", sa.String(length=26), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["badge_requests.id"],
            name=op.f("fk_badge_request_reviews_request_id_badge_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_request_reviews")),
    )
    op.create_index(op.f("ix_badge_request_reviews_request_id"), "badge_request_reviews", ["request_id"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("subject_id", sa.String(length=26), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("subject_id")
    op.drop_index(op.f("ix_badge_request_reviews_request_id"), table_name="badge_request_reviews")
    op.drop_table("badge_request_reviews")
    op.drop_index(op.f("ix_badge_request_files_request_id"), table_name="badge_request_files")
    op.drop_table("badge_request_files")
    op.drop_index("ix_badge_requests_issuer_state", table_name="badge_requests")
    op.drop_index(op.f("ix_badge_requests_badge_class_id"), table_name="badge_requests")
    op.drop_table("badge_requests")
    op.drop_table("badge_request_rules")
