"""the procedure catalogue, apology slips, and the date a dossier's result was ready

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ngay_co_ket_qua", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("co_ket_qua_day", sa.Date(), nullable=True))

    op.create_table(
        "procedure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("ma_thu_tuc", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("ten_thu_tuc", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("linh_vuc", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("muc_do", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "ma_thu_tuc"),
    )

    op.create_table(
        "apology_slip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("new_appointment", sa.Date(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("apology_slip", schema=None) as batch_op:
        batch_op.create_index("ix_apology_slip_dossier", ["dossier_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("apology_slip", schema=None) as batch_op:
        batch_op.drop_index("ix_apology_slip_dossier")
    op.drop_table("apology_slip")
    op.drop_table("procedure")
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_column("co_ket_qua_day")
        batch_op.drop_column("ngay_co_ket_qua")
