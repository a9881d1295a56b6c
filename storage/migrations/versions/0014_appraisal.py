"""appraisal and ranking: province roles (CCHC staff, appraisers by year and area or
criterion), each unit's appraisal cycle of a year, appraisers' scores and comments per round,
the unit's explanations per item

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int | None = None) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _when(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "province_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("officer_id", sa.Integer(), sa.ForeignKey("officer.id"), nullable=False),
        sa.Column("role", _text(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("scope", _text(32), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_province_role_unit_id", "province_role", ["unit_id"])
    op.create_index("ix_province_role_officer_id", "province_role", ["officer_id"])
    op.create_table(
        "appraisal_cycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessment.id"), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("stage", _text(16), nullable=False),
        _when("round1_opened_at"),
        _when("round1_closed_at"),
        sa.Column("explanation_due", sa.Date(), nullable=True),
        _when("round2_opened_at"),
        _when("round2_closed_at"),
        _when("published_at"),
        sa.Column("published_by", _text(), nullable=False),
        sa.Column("self_index", sa.Float(), nullable=True),
        sa.Column("survey_total", sa.Float(), nullable=True),
        sa.Column("appraised_total", sa.Float(), nullable=True),
        sa.Column("appraised_index", sa.Float(), nullable=True),
        sa.Column("grade", _text(32), nullable=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id"),
    )
    op.create_index("ix_appraisal_cycle_unit_id", "appraisal_cycle", ["unit_id"])
    op.create_index("ix_appraisal_cycle_year", "appraisal_cycle", ["year"])
    op.create_table(
        "appraisal_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessment.id"), nullable=False),
        sa.Column("item", _text(32), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("comment", _text(), nullable=False),
        sa.Column("appraiser", _text(254), nullable=False),
        _when("at", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id", "item", "round"),
    )
    op.create_index("ix_appraisal_note_assessment_id", "appraisal_note", ["assessment_id"])
    op.create_table(
        "appraisal_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), sa.ForeignKey("assessment.id"), nullable=False),
        sa.Column("item", _text(32), nullable=False),
        sa.Column("text", _text(), nullable=False),
        sa.Column("evidence_ids", sa.JSON(), nullable=False),
        sa.Column("by", _text(254), nullable=False),
        _when("at", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id", "item"),
    )
    op.create_index("ix_appraisal_reply_assessment_id", "appraisal_reply", ["assessment_id"])


def downgrade() -> None:
    op.drop_table("appraisal_reply")
    op.drop_table("appraisal_note")
    op.drop_table("appraisal_cycle")
    op.drop_table("province_role")
