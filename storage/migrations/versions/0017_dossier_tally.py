"""one-stop dossiers counted by unit, year, month and field (``dossier_month``) and the
procedures each unit received dossiers for, with their months (``dossier_procedure``): what
a province's KPI ranking reads instead of every dossier; the dossiers already stored are
counted here, later ones by each import and each apology slip (``storage.dossier_tally``)

Revision ID: 0017
Revises: 0015 (to be re-chained onto 0016 when both land)
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# as of this revision — a migration never follows later changes of the code
_EXCLUDED = ("rut", "tu_choi")
_COUNTS = (
    "received", "online", "level34", "rated", "satisfied", "returned", "postal",
    "settled", "on_time", "settled_apology", "waiting", "waiting_apology",
)  # fmt: skip
_DOSSIER = sa.table(
    "dossier",
    *[
        sa.column(name)
        for name in (
            "id",
            "unit_id",
            "ma_linh_vuc",
            "ten_thu_tuc",
            "ma_thu_tuc",
            "kenh_nop",
            "muc_do_dvc",
            "tiep_nhan_day",
            "hen_tra_day",
            "tra_day",
            "co_ket_qua_day",
            "trang_thai",
            "tra_qua_buu_chinh",
            "danh_gia",
            "phieu_xin_loi",
        )
    ],
)
_SLIP = sa.table("apology_slip", sa.column("dossier_id"), sa.column("issued_on"))


def upgrade() -> None:
    op.create_table(
        "dossier_month",
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS],
        sa.PrimaryKeyConstraint("unit_id", "year", "month", "field"),
    )
    op.create_table(
        "dossier_procedure",
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("online", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "year", "field", "code", "name"),
    )
    waiting = sa.text("tra_day IS NULL AND co_ket_qua_day IS NULL")
    op.create_index(
        "ix_dossier_unit_waiting",
        "dossier",
        ["unit_id", "hen_tra_day"],
        postgresql_where=waiting,
        sqlite_where=waiting,
    )
    bind = op.get_bind()
    months = sa.table("dossier_month", *[sa.column(c) for c in ("unit_id", "year", "month",
                                                                 "field", *_COUNTS)])  # fmt: skip
    procedures = sa.table(
        "dossier_procedure",
        *[sa.column(c) for c in ("unit_id", "year", "field", "code", "name", "months", "online")],
    )
    bind.execute(months.insert().from_select(list(months.c.keys()), _month_counts()))
    bind.execute(procedures.insert().from_select(list(procedures.c.keys()), _procedures()))


def _flag(condition: Any) -> Any:
    return sa.case((condition, 1), else_=0)


def _part(day: Any, part: str) -> Any:
    return sa.cast(sa.extract(part, day), sa.Integer)


def _month_counts() -> Any:
    d = _DOSSIER.c
    first = (
        sa.select(_SLIP.c.dossier_id, sa.func.min(_SLIP.c.issued_on).label("issued_on"))
        .group_by(_SLIP.c.dossier_id)
        .subquery()
    )
    settled = sa.func.coalesce(d.co_ket_qua_day, d.tra_day)
    on_time = sa.and_(settled.is_not(None), settled <= d.hen_tra_day)
    apology = sa.or_(
        first.c.issued_on <= d.hen_tra_day,
        sa.and_(first.c.issued_on.is_(None), d.phieu_xin_loi),
    )
    counted = d.trang_thai.not_in(_EXCLUDED)

    def facet(day: Any, values: dict[str, Any], source: Any = _DOSSIER) -> Any:
        def one(name: str) -> Any:
            value = values.get(name)
            if value is None:
                return sa.literal(0)
            return sa.func.count() if value is True else sa.func.sum(_flag(value))

        return (
            sa.select(
                d.unit_id.label("unit_id"),
                _part(day, "year").label("year"),
                _part(day, "month").label("month"),
                d.ma_linh_vuc.label("field"),
                *[one(name).label(name) for name in _COUNTS],
            )
            .select_from(source)
            .where(day.is_not(None))
            .group_by(d.unit_id, _part(day, "year"), _part(day, "month"), d.ma_linh_vuc)
        )

    every = (
        facet(
            d.tiep_nhan_day,
            {
                "received": True,
                "online": d.kenh_nop == "truc_tuyen",
                "level34": d.muc_do_dvc >= 3,
                "rated": d.danh_gia.is_not(None),
                "satisfied": d.danh_gia.in_(("hai_long", "rat_hai_long")),
            },
        )
        .union_all(
            facet(d.tra_day, {"returned": True, "postal": d.tra_qua_buu_chinh}),
            facet(
                d.hen_tra_day,
                {
                    "settled": sa.and_(counted, settled.is_not(None)),
                    "on_time": sa.and_(counted, on_time),
                    "settled_apology": sa.and_(counted, settled.is_not(None), ~on_time, apology),
                    "waiting": sa.and_(counted, settled.is_(None)),
                    "waiting_apology": sa.and_(counted, settled.is_(None), apology),
                },
                _DOSSIER.outerjoin(first, first.c.dossier_id == d.id),
            ),
        )
        .subquery()
    )
    e = every.c
    keys = (e.unit_id, e.year, e.month, e.field)
    return sa.select(*keys, *[sa.func.sum(e[name]) for name in _COUNTS]).group_by(*keys)


def _procedures() -> Any:
    d = _DOSSIER.c
    name = sa.case((d.ma_thu_tuc == sa.literal(""), d.ten_thu_tuc), else_=sa.literal(""))
    month = _part(d.tiep_nhan_day, "month")
    year = _part(d.tiep_nhan_day, "year")

    def grouped(field: Any, by_field: bool) -> Any:
        inner = (
            sa.select(
                d.unit_id.label("unit_id"),
                year.label("year"),
                month.label("month"),
                field.label("field"),
                d.ma_thu_tuc.label("code"),
                name.label("name"),
                sa.func.max(_flag(d.muc_do_dvc >= 3)).label("online"),
            )
            .group_by(
                d.unit_id, year, month, *([d.ma_linh_vuc] if by_field else []), d.ma_thu_tuc, name
            )
            .subquery()
        )
        i = inner.c
        bit = sa.literal(1).op("<<")(i.month - 1)
        keys = (i.unit_id, i.year, i.field, i.code, i.name)
        return sa.select(*keys, sa.func.sum(bit), sa.func.sum(i.online * bit)).group_by(*keys)

    # one row per field, and one over every field (the empty field: the export requires one)
    return grouped(d.ma_linh_vuc, True).union_all(grouped(sa.literal(""), False))


def downgrade() -> None:
    op.drop_index("ix_dossier_unit_waiting", table_name="dossier")
    op.drop_table("dossier_procedure")
    op.drop_table("dossier_month")
