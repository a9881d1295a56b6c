"""the province's deadlines for its units (the self-assessment's due date of a year) and the
log of the reminders and escalations sent for each unit's deadlines

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int | None = None) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "province_deadline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", _text(32), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("set_by", _text(254), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "year", "kind"),
    )
    op.create_index("ix_province_deadline_unit_id", "province_deadline", ["unit_id"])
    op.create_index("ix_province_deadline_due", "province_deadline", ["due"])
    op.create_table(
        "deadline_reminder_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("deadline", _text(32), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("kind", _text(16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("outcome", _text(16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "year", "deadline", "due", "kind", "step"),
    )
    op.create_index("ix_deadline_reminder_log_unit_id", "deadline_reminder_log", ["unit_id"])


def downgrade() -> None:
    op.drop_table("deadline_reminder_log")
    op.drop_table("province_deadline")
