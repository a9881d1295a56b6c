"""The one-stop dossiers counted by unit, year, month and field — "số liệu hồ sơ theo tháng"
(``models.DossierMonth``, ``models.DossierProcedure``).

A province's ranking reads every KPI of 168 units over a year: half a million dossiers. Read
from the dossiers, that is seconds of work for each reader; read from these counts, a few
thousand rows. The counts are written again for a unit, from its dossiers, each time its
dossiers or its apology slips change (:func:`refresh`, in the same transaction: an import
of an export, a slip recorded), so they never disagree with the dossiers. Migration 0017
counted the dossiers already stored.

What a count cannot know is "today": a dossier without a result counts as due once its
appointment day has passed. The counts keep those apart (``waiting``) by the month of the
appointment; the reader takes the months before today's whole and reads the dossiers of
today's month itself (``storage.province.kpis_by_unit``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Integer, Table, and_, case, cast, delete, extract, func, literal, or_
from sqlalchemy import select as core_select
from sqlmodel import Session

from domain.dossiers import EXCLUDED_STATUSES
from models import ApologySlipRecord, Dossier, DossierMonth, DossierProcedure, UnitRecord

DOSSIERS: Table = Dossier.__table__  # type: ignore[attr-defined]
SLIPS: Table = ApologySlipRecord.__table__  # type: ignore[attr-defined]
MONTHS: Table = DossierMonth.__table__  # type: ignore[attr-defined]
PROCEDURES: Table = DossierProcedure.__table__  # type: ignore[attr-defined]
COUNTS = (
    "received", "online", "level34", "rated", "satisfied", "returned", "postal",
    "settled", "on_time", "settled_apology", "waiting", "waiting_apology",
)  # fmt: skip
EMPTY: Any = literal("")
ALL_FIELDS = ""  # a field no dossier has (the export requires one): every field


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def year_of(day: Any) -> Any:
    return cast(extract("year", day), Integer)


def month_of(day: Any) -> Any:
    return cast(extract("month", day), Integer)


def settled_day() -> Any:
    """The day a dossier's result counts from: ready (when the export says), else handed over."""
    d = DOSSIERS.c
    return func.coalesce(d.co_ket_qua_day, d.tra_day)


def first_slips(unit_ids: list[int]) -> Any:
    """The first apology slip recorded for each dossier of ``unit_ids`` (a subquery)."""
    from storage.db import among

    s = SLIPS.c
    return (
        core_select(s.dossier_id, func.min(s.issued_on).label("issued_on"))
        .where(among(s.unit_id, unit_ids))
        .group_by(s.dossier_id)
        .subquery()
    )


def apology_in_time(first: Any) -> Any:
    """A recorded slip counts when issued by the appointment day; else the export's flag."""
    d = DOSSIERS.c
    return or_(
        first.c.issued_on <= d.hen_tra_day, and_(first.c.issued_on.is_(None), d.phieu_xin_loi)
    )


def refresh(unit_ids: Iterable[int], *, session: Session) -> None:
    """Count the dossiers of ``unit_ids`` again, every year: two deletes, two inserts."""
    ids = sorted(set(unit_ids))
    if not ids:
        return
    conn = session.connection()
    # one refresh of a unit at a time: a second import of the unit waits for the first to
    # commit, then counts both (PostgreSQL; SQLite has one writer anyway). NO KEY: rows
    # that only refer to the unit are not held up.
    units = UnitRecord.__table__.c  # type: ignore[attr-defined]
    conn.execute(
        core_select(units.id).where(units.id.in_(ids)).order_by(units.id)
        .with_for_update(key_share=True)
    )  # fmt: skip
    conn.execute(delete(MONTHS).where(MONTHS.c.unit_id.in_(ids)))
    conn.execute(delete(PROCEDURES).where(PROCEDURES.c.unit_id.in_(ids)))
    conn.execute(MONTHS.insert().from_select(["unit_id", "year", "month", "field", *COUNTS],
                                             month_counts(ids)))  # fmt: skip
    conn.execute(
        PROCEDURES.insert().from_select(
            ["unit_id", "year", "field", "code", "name", "months", "online"], procedures(ids)
        )
    )


def month_counts(ids: list[int]) -> Any:
    """``COUNTS`` by unit, year, month and field, of the dossiers of ``ids`` (a select)."""
    d = DOSSIERS.c
    first = first_slips(ids)
    settled = settled_day()
    on_time = and_(settled.is_not(None), settled <= d.hen_tra_day)
    apology = apology_in_time(first)

    def _sum(value: Any) -> Any:
        if value is None:
            return literal(0)
        return func.count() if value is True else func.sum(_flag(value))

    def facet(day: Any, values: dict[str, Any], where: Any, source: Any = DOSSIERS) -> Any:
        return (
            core_select(
                d.unit_id.label("unit_id"),
                year_of(day).label("year"),
                month_of(day).label("month"),
                d.ma_linh_vuc.label("field"),
                *[_sum(values.get(name)).label(name) for name in COUNTS],
            )
            .select_from(source)
            .where(d.unit_id.in_(ids), where)
            .group_by(d.unit_id, year_of(day), month_of(day), d.ma_linh_vuc)
        )

    received = facet(
        d.tiep_nhan_day,
        {
            "received": True,
            "online": d.kenh_nop == "truc_tuyen",
            "level34": d.muc_do_dvc >= 3,
            "rated": d.danh_gia.is_not(None),
            "satisfied": d.danh_gia.in_(("hai_long", "rat_hai_long")),
        },
        d.tiep_nhan_day.is_not(None),
    )
    returned = facet(
        d.tra_day, {"returned": True, "postal": d.tra_qua_buu_chinh}, d.tra_day.is_not(None)
    )
    counted = d.trang_thai.not_in(EXCLUDED_STATUSES)  # withdrawn, refused: never due
    appointed = facet(
        d.hen_tra_day,
        {
            "settled": and_(counted, settled.is_not(None)),
            "on_time": and_(counted, on_time),
            "settled_apology": and_(counted, settled.is_not(None), ~on_time, apology),
            "waiting": and_(counted, settled.is_(None)),
            "waiting_apology": and_(counted, settled.is_(None), apology),
        },
        d.hen_tra_day.is_not(None),
        DOSSIERS.outerjoin(first, first.c.dossier_id == d.id),
    )
    every = received.union_all(returned, appointed).subquery()
    e = every.c
    keys = (e.unit_id, e.year, e.month, e.field)
    return core_select(*keys, *[func.sum(e[name]) for name in COUNTS]).group_by(*keys)


def procedures(ids: list[int]) -> Any:
    """The procedures the dossiers of ``ids`` were received for, by unit, year and field,
    with their months as bits; and once more over every field (``ALL_FIELDS``: a procedure
    filed under two fields counts once for the unit) (a select)."""
    d = DOSSIERS.c
    name = case((d.ma_thu_tuc == EMPTY, d.ten_thu_tuc), else_=EMPTY)
    month = month_of(d.tiep_nhan_day)
    year = year_of(d.tiep_nhan_day)

    def grouped(field: Any, by_field: bool) -> Any:
        per_month = (
            core_select(
                d.unit_id.label("unit_id"),
                year.label("year"),
                month.label("month"),
                field.label("field"),
                d.ma_thu_tuc.label("code"),
                name.label("name"),
                func.max(_flag(d.muc_do_dvc >= 3)).label("online"),
            )
            .where(d.unit_id.in_(ids))
            .group_by(
                d.unit_id, year, month, *([d.ma_linh_vuc] if by_field else []), d.ma_thu_tuc, name
            )
            .subquery()
        )
        i = per_month.c
        bit = literal(1).op("<<")(i.month - 1)
        keys = (i.unit_id, i.year, i.field, i.code, i.name)
        return core_select(*keys, func.sum(bit), func.sum(i.online * bit)).group_by(*keys)

    return grouped(d.ma_linh_vuc, True).union_all(grouped(literal(ALL_FIELDS), False))
