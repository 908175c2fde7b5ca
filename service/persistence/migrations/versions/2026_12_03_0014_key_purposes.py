"""signing keys have a purpose: OB 2.0, VC-JWT and Data Integrity rotate apart

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 09:00:00

Until now one RS256 key signed both OB 2.0 assertions and VC-JWTs. It keeps the OB 2.0 purpose
(the issuer profiles name it); the next start gives each issuer a VC-JWT key of its own.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ACTIVE = sa.text("retired_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.String(length=16), nullable=True))
    op.execute("UPDATE signing_keys SET purpose = 'data-integrity' WHERE algorithm = 'EdDSA'")
    op.execute("UPDATE signing_keys SET purpose = 'ob2' WHERE algorithm = 'RS256'")
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.alter_column("purpose", existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_index("uq_signing_keys_active")
        batch_op.create_index(
            "uq_signing_keys_active",
            ["issuer_id", "purpose"],
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        )


def downgrade() -> None:
    # Back to one active key per algorithm: the VC-JWT keys are retired first.
    op.execute(
        "UPDATE signing_keys SET retired_at = created_at WHERE purpose = 'vc-jwt' AND retired_at IS NULL"
    )
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.drop_index("uq_signing_keys_active")
        batch_op.create_index(
            "uq_signing_keys_active",
            ["issuer_id", "algorithm"],
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        )
        batch_op.drop_column("purpose")
