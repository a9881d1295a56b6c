"""a keyed audit chain (scheme, the key's fingerprint), the simulated time beside the real one,
and whether the database is live or a simulation

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN: no row is rewritten, so the append-only guards stay in place
    op.add_column(
        "audit_log",
        sa.Column(
            "scheme",
            sqlmodel.sql.sqltypes.AutoString(length=16),
            nullable=False,
            server_default="sha256",
        ),
    )
    op.add_column("audit_log", sa.Column("simulated_at", sa.DateTime(timezone=True)))
    installation = op.create_table(
        "installation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("audit_key_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("legacy_entries", sa.Integer(), nullable=False),
        sa.Column("legacy_seal", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    # an existing database is live; the entries already logged stay verifiable unkeyed
    existing = op.get_bind().execute(sa.text("SELECT count(*) FROM audit_log")).scalar() or 0
    op.bulk_insert(
        installation,
        [{"id": 1, "mode": "live", "audit_key_id": None, "legacy_entries": int(existing)}],
    )


def downgrade() -> None:
    op.drop_table("installation")
    # plain DROP COLUMN (SQLite 3.35+), not a batch copy: the append-only guards stay in place
    op.drop_column("audit_log", "simulated_at")
    op.drop_column("audit_log", "scheme")
