"""units over time: a unit's level and the days it is in force, and who succeeded whom
(mergers and renamings)

Existing units keep working as before: their validity is open and their level is inferred
from their name where the name says it (``Phường …`` → ward), else left unknown.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (name prefix, level of a unit with a parent, level of a unit without one); as of this
# revision — a migration never follows later changes of the code
_PREFIXES = (
    ("tỉnh ", "province", "province"),
    ("thành phố ", "district", "city"),
    ("tp. ", "district", "city"),
    ("tp ", "district", "city"),
    ("quận ", "district", "district"),
    ("huyện ", "district", "district"),
    ("thị xã ", "district", "district"),
    ("phường ", "ward", "ward"),
    ("xã ", "commune", "commune"),
    ("thị trấn ", "commune", "commune"),
    ("đặc khu ", "special_zone", "special_zone"),
)


def _level(name: str, has_parent: bool) -> str | None:
    folded = " ".join(name.lower().split()) + " "
    for body in ("ubnd ", "ủy ban nhân dân ", "uỷ ban nhân dân "):
        folded = folded.removeprefix(body)
    for prefix, below, top in _PREFIXES:
        if folded.startswith(prefix):
            return below if has_parent else top
    return None


def upgrade() -> None:
    # new nullable columns only: no table is rebuilt
    op.add_column(
        "unit", sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
    )
    op.add_column("unit", sa.Column("valid_from", sa.Date(), nullable=True))
    op.add_column("unit", sa.Column("valid_to", sa.Date(), nullable=True))
    op.create_table(
        "unit_succession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("successor_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_unit_succession_predecessor_id", "unit_succession", ["predecessor_id"], unique=True
    )
    op.create_index("ix_unit_succession_successor_id", "unit_succession", ["successor_id"])
    unit = sa.table(
        "unit", sa.column("id"), sa.column("name"), sa.column("parent_id"), sa.column("level")
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(unit.c.id, unit.c.name, unit.c.parent_id)).all()
    for uid, name, parent_id in rows:
        level = _level(name or "", parent_id is not None)
        if level is not None:
            connection.execute(sa.update(unit).where(unit.c.id == uid).values(level=level))


def downgrade() -> None:
    op.drop_table("unit_succession")
    # ALTER TABLE … DROP COLUMN on both (SQLite ≥ 3.35): a batch would copy ``unit``, which
    # every other table refers to
    for column in ("valid_to", "valid_from", "level"):
        op.execute(f"ALTER TABLE unit DROP COLUMN {column}")
