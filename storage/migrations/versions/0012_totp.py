"""two-step sign-in: (beside the account's TOTP secret, sealed in its existing column) when it was turned on and the
last time-step accepted; pending second steps of a sign-in

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    # new nullable columns only: no table is rebuilt (SQLite would have to copy ``account``)
    op.add_column("account", sa.Column("totp_enabled_at", sa.DateTime(timezone=True)))
    op.add_column("account", sa.Column("totp_last_step", sa.Integer()))
    op.create_table(
        "sign_in_challenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", _text(64), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("address", _text(64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_sign_in_challenge_account_id", "sign_in_challenge", ["account_id"])


def downgrade() -> None:
    op.drop_table("sign_in_challenge")
    op.execute("UPDATE account SET totp_secret = NULL")  # nothing would say it is in use
    with op.batch_alter_table("account") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_enabled_at")
