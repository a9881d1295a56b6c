"""plans derived from a province's template: which template (code, version, SHA-256) and which
overlay of the unit each plan came from

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int | None = None) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "plan_origin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id"), nullable=False),
        sa.Column("template_code", _text(64), nullable=False),
        sa.Column("template_version", _text(64), nullable=False),
        sa.Column("template_sha256", _text(64), nullable=False),
        sa.Column("overlay_file", _text(), nullable=False),
        sa.Column("overlay_sha256", _text(64), nullable=False),
        sa.Column("overlay_text", _text(), nullable=False),
        sa.Column("derived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("derived_by", _text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id"),
    )
    op.create_index("ix_plan_origin_template_code", "plan_origin", ["template_code"])


def downgrade() -> None:
    op.drop_table("plan_origin")
