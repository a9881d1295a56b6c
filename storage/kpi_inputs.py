"""KPIs out of the ``dossier`` table — "chỉ số giải quyết TTHC" — and the late dossiers.

SQL aggregates over the imported dossiers (spec: shared/specs/dossiers.md); the arithmetic
lives in ``domain.kpi``. "Today" — whether an unreturned dossier's appointment has passed —
is the unit's calendar day in its plan's time zone. ``kpi_values`` gives PAR rules the
year's values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_, case, func, or_, select
from sqlmodel import Session
from sqlmodel import select as orm_select

from domain.clock import local_today, require_aware
from domain.dossiers import EXCLUDED_STATUSES
from domain.kpi import HOUSEHOLD_BUSINESS, KPIS, Kpi, Rate
from models import Dossier
from storage.plans import unit_timezone

DOSSIERS: Table = Dossier.__table__  # type: ignore[attr-defined]
_T = DOSSIERS.c


@dataclass(frozen=True)
class KpiReport:
    """Every KPI of the spec for one unit over ``start``..``end`` (inclusive) as of ``now``."""

    unit_id: int
    start: dt.date
    end: dt.date
    now: dt.datetime
    kpis: Mapping[str, Kpi]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "now": self.now.isoformat(),
            "kpis": {name: self.kpis[name].as_dict() for name in KPIS},
        }


def _due_filter(unit_id: int, start: dt.date, end: dt.date, today: dt.date) -> Any:
    """Due in P: appointment day in P, not withdrawn or refused, returned or appointment past."""
    return and_(
        _T.unit_id == unit_id,
        _T.hen_tra_day.between(start, end),
        _T.trang_thai.not_in(EXCLUDED_STATUSES),
        or_(_T.tra_day.is_not(None), _T.hen_tra_day < today),
    )


def _on_time() -> Any:
    return and_(_T.tra_day.is_not(None), _T.tra_day <= _T.hen_tra_day)


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _today(session: Session, unit_id: int, now: dt.datetime, timezone: str | None) -> dt.date:
    """The unit's calendar day at ``now``: in ``timezone``, else its latest plan's."""
    require_aware(now)
    return local_today(now, timezone or unit_timezone(session=session, unit_id=unit_id))


def kpis(
    *,
    session: Session,
    unit_id: int,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    fields: bool = True,
    timezone: str | None = None,
) -> KpiReport:
    """All the spec's KPIs, overall and per field (``ma_linh_vuc``), with SQL aggregates.

    "Today" (whether an unreturned dossier's appointment has passed) is ``now`` in
    ``timezone``, by default the unit's plan time zone. Two queries: one pass over the
    dossiers received, due or returned in the period, counting with CASE per field; and the
    distinct procedures received (a few hundred groups).
    """
    today = _today(session, unit_id, now, timezone)
    conn = session.connection()
    field_col = _T.ma_linh_vuc
    due = and_(
        _T.hen_tra_day.between(start, end),
        _T.trang_thai.not_in(EXCLUDED_STATUSES),
        or_(_T.tra_day.is_not(None), _T.hen_tra_day < today),
    )
    received = _T.tiep_nhan_day.between(start, end)
    returned = _T.tra_day.between(start, end)
    counts = conn.execute(
        select(
            field_col,
            _count(due),  # 1
            _count(and_(due, _on_time())),  # 2
            _count(and_(due, ~_on_time(), _T.phieu_xin_loi)),  # 3
            _count(received),  # 4
            _count(and_(received, _T.kenh_nop == "truc_tuyen")),  # 5
            _count(and_(received, _T.muc_do_dvc >= 3)),  # 6
            _count(and_(received, _T.danh_gia.is_not(None))),  # 7
            _count(and_(received, _T.danh_gia.in_(("hai_long", "rat_hai_long")))),  # 8
            _count(returned),  # 9
            _count(and_(returned, _T.tra_qua_buu_chinh)),  # 10
        )
        .where(_T.unit_id == unit_id, or_(received, _T.hen_tra_day.between(start, end), returned))
        .group_by(field_col)
    ).all()
    # a procedure is its code when given, else its name; online if any dossier says 3 or 4
    procedures = conn.execute(
        select(field_col, _T.ma_thu_tuc, _T.ten_thu_tuc, func.max(_T.muc_do_dvc))
        .where(_T.unit_id == unit_id, received)
        .group_by(field_col, _T.ma_thu_tuc, _T.ten_thu_tuc)
    ).all()
    online_procedures: dict[tuple[str, str], bool] = {}
    field_procedures: dict[tuple[str, str, str], bool] = {}
    for fcode, code, name, level in procedures:
        key = (code, "") if code else ("", name)
        online = int(level) >= 3
        online_procedures[key] = online_procedures.get(key, False) or online
        field_procedures[(fcode, *key)] = field_procedures.get((fcode, *key), False) or online
    by_field_procedures: dict[str, Rate] = {}
    for (fcode, _, _), online in field_procedures.items():
        by_field_procedures[fcode] = by_field_procedures.get(fcode, Rate()) + Rate(int(online), 1)

    def per_field(num: int, den: int) -> dict[str, Rate]:
        return {r[0]: Rate(int(r[num]), int(r[den])) for r in counts if r[den] or r[num]}

    tables: dict[str, dict[str, Rate]] = {
        "on_time_rate": per_field(2, 1),
        "online_rate": per_field(5, 6),
        "online_procedure_share": by_field_procedures,
        "postal_return_rate": per_field(10, 9),
        "satisfaction_rate": per_field(8, 7),
        "apology_coverage": {
            r[0]: Rate(int(r[3]), int(r[1]) - int(r[2])) for r in counts if int(r[1]) > int(r[2])
        },
    }
    known = sorted(r[0] for r in counts)
    out: dict[str, Kpi] = {}
    for name, table in tables.items():
        overall = sum(table.values(), Rate())
        if name == "online_procedure_share":
            overall = Rate(sum(online_procedures.values()), len(online_procedures))
        out[name] = Kpi(name, overall, {f: table.get(f, Rate()) for f in known} if fields else {})
    household = next((r for r in counts if r[0] == HOUSEHOLD_BUSINESS), None)
    out["household_business_online_rate"] = Kpi(
        "household_business_online_rate",
        Rate(int(household[5]), int(household[4])) if household else Rate(),
    )
    return KpiReport(unit_id=unit_id, start=start, end=end, now=now, kpis=out)


@dataclass(frozen=True)
class LateDossier:
    """A late dossier due in the period with no apology slip (Mẫu 04) issued."""

    ma_ho_so: str
    ma_linh_vuc: str
    ten_thu_tuc: str
    ngay_tiep_nhan: dt.datetime
    ngay_hen_tra: dt.datetime
    ngay_tra: dt.datetime | None
    days_late: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "ma_ho_so": self.ma_ho_so,
            "ma_linh_vuc": self.ma_linh_vuc,
            "ten_thu_tuc": self.ten_thu_tuc,
            "ngay_tiep_nhan": self.ngay_tiep_nhan.isoformat(),
            "ngay_hen_tra": self.ngay_hen_tra.isoformat(),
            "ngay_tra": None if self.ngay_tra is None else self.ngay_tra.isoformat(),
            "days_late": self.days_late,
        }


def late_without_apology(
    *,
    session: Session,
    unit_id: int,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    timezone: str | None = None,
) -> list[LateDossier]:
    """Late dossiers due in the period without an apology slip, earliest appointment first;
    an unreturned one is late by the days to "today" (``now`` in the unit's time zone)."""
    today = _today(session, unit_id, now, timezone)
    rows = session.exec(
        orm_select(Dossier)
        .where(_due_filter(unit_id, start, end, today), ~_on_time(), ~_T.phieu_xin_loi)
        .order_by(_T.hen_tra_day, _T.ma_ho_so)
    ).all()
    out = []
    for d in rows:
        last = d.tra_day if d.tra_day is not None else today
        out.append(
            LateDossier(
                ma_ho_so=d.ma_ho_so,
                ma_linh_vuc=d.ma_linh_vuc,
                ten_thu_tuc=d.ten_thu_tuc,
                ngay_tiep_nhan=d.ngay_tiep_nhan,
                ngay_hen_tra=d.ngay_hen_tra,
                ngay_tra=d.ngay_tra,
                days_late=(last - d.hen_tra_day).days,
            )
        )
    return out


def kpi_values(
    *, session: Session, unit_id: int, year: int, now: dt.datetime, keys: Sequence[str]
) -> dict[str, float | None]:
    """``metric:NAME[:field=F | :except=F1,F2]`` → the KPI over the year (None = no data)."""
    if not keys:
        return {}
    report = kpis(
        session=session,
        unit_id=unit_id,
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        now=now,
    )
    out: dict[str, float | None] = {}
    for key in keys:
        _, name, *scope = key.split(":")
        kpi = report.kpis.get(name)
        if kpi is None:
            out[key] = None
        elif not scope:
            out[key] = kpi.overall.value
        elif scope[0].startswith("field="):
            found = kpi.fields.get(scope[0].removeprefix("field="))
            out[key] = found.value if found else None
        else:
            excluded = set(scope[0].removeprefix("except=").split(","))
            total = sum((r for f, r in kpi.fields.items() if f not in excluded), Rate())
            out[key] = total.value
    return out
