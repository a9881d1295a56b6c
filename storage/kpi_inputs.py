"""KPIs out of the ``dossier`` table — "chỉ số giải quyết TTHC" — and the late dossiers.

SQL aggregates over the imported dossiers (spec: shared/specs/dossiers.md, extensions in
docs/formats.md); the arithmetic lives in ``domain.kpi`` and the formulas, written once in
plain Python, in ``domain.dossier_kpis`` (the integration tests check that both agree). A
dossier's result counts from the day it was ready when the export gives it, else the day it
was handed over; an apology slip recorded in cchc counts by its date, else the export's flag.
"Today" — whether an unreturned dossier's appointment has passed — is the unit's calendar day
in its plan's time zone. ``kpi_values`` gives PAR rules the year's values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_, case, exists, func, or_, select
from sqlmodel import Session
from sqlmodel import select as orm_select

from domain.clock import local_today, require_aware
from domain.dossier_kpis import CATALOGUE, PROCEDURES_WITH_DOSSIERS, Basis
from domain.dossiers import EXCLUDED_STATUSES
from domain.kpi import HOUSEHOLD_BUSINESS, KPIS, Kpi, Rate
from domain.workdays import WorkCalendar
from models import ApologySlipRecord, Dossier
from storage.calendar import load_calendar
from storage.plans import unit_timezone
from storage.procedures import catalogue

DOSSIERS: Table = Dossier.__table__  # type: ignore[attr-defined]
SLIPS: Table = ApologySlipRecord.__table__  # type: ignore[attr-defined]
_T = DOSSIERS.c


@dataclass(frozen=True)
class KpiReport:
    """Every KPI of the spec for one unit over ``start``..``end`` (inclusive) as of ``now``."""

    unit_id: int
    start: dt.date
    end: dt.date
    now: dt.datetime
    kpis: Mapping[str, Kpi]
    # what online_procedure_share is over: the unit's catalogue, or the procedures with
    # dossiers received in the period (no catalogue imported)
    online_procedure_basis: Basis = PROCEDURES_WITH_DOSSIERS

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "now": self.now.isoformat(),
            "online_procedure_basis": self.online_procedure_basis,
            "kpis": {name: self.kpis[name].as_dict() for name in KPIS},
        }


def _settled() -> Any:
    """The day a dossier's result counts from: ready (when the export says), else handed over."""
    return func.coalesce(_T.co_ket_qua_day, _T.tra_day)


def _due(start: dt.date, end: dt.date, today: dt.date) -> Any:
    """Due in P: appointment day in P, not withdrawn or refused, settled or appointment past."""
    return and_(
        _T.hen_tra_day.between(start, end),
        _T.trang_thai.not_in(EXCLUDED_STATUSES),
        or_(_settled().is_not(None), _T.hen_tra_day < today),
    )


def _due_filter(unit_id: int, start: dt.date, end: dt.date, today: dt.date) -> Any:
    return and_(_T.unit_id == unit_id, _due(start, end, today))


def _on_time() -> Any:
    return and_(_settled().is_not(None), _settled() <= _T.hen_tra_day)


def _has_slip() -> Any:
    return exists().where(SLIPS.c.dossier_id == _T.id)


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
    also: Sequence[int] = (),
) -> KpiReport:
    """All the KPIs, overall and per field (``ma_linh_vuc``), with SQL aggregates.

    "Today" (whether an unreturned dossier's appointment has passed) is ``now`` in
    ``timezone``, by default the unit's plan time zone. Three queries: one pass over the
    dossiers received, due or returned in the period, counting with CASE per field (joined
    to the first apology slip recorded for each, a small table); the distinct procedures
    received (a few hundred groups); and the unit's procedure catalogue, which, when there is
    one, ``online_procedure_share`` is over instead. ``also``: more units whose dossiers
    count as the unit's (its predecessors, for a report with their history).
    """
    ids = [unit_id, *also]
    today = _today(session, unit_id, now, timezone)
    conn = session.connection()
    field_col = _T.ma_linh_vuc
    due = _due(start, end, today)
    received = _T.tiep_nhan_day.between(start, end)
    returned = _T.tra_day.between(start, end)
    # a recorded slip counts when issued by the appointment day; else the export's flag (the
    # join to the slips is left out for a unit that has recorded none)
    source: Any = DOSSIERS
    apology_in_time: Any = _T.phieu_xin_loi
    if conn.execute(select(exists().where(SLIPS.c.unit_id.in_(ids)))).scalar():
        first_slip = (
            select(SLIPS.c.dossier_id, func.min(SLIPS.c.issued_on).label("issued_on"))
            .where(SLIPS.c.unit_id.in_(ids))
            .group_by(SLIPS.c.dossier_id)
            .subquery()
        )
        source = DOSSIERS.outerjoin(first_slip, first_slip.c.dossier_id == _T.id)
        apology_in_time = or_(
            first_slip.c.issued_on <= _T.hen_tra_day,
            and_(first_slip.c.issued_on.is_(None), _T.phieu_xin_loi),
        )
    counts = conn.execute(
        select(
            field_col,
            _count(due),  # 1
            _count(and_(due, _on_time())),  # 2
            _count(and_(due, ~_on_time(), apology_in_time)),  # 3
            _count(received),  # 4
            _count(and_(received, _T.kenh_nop == "truc_tuyen")),  # 5
            _count(and_(received, _T.muc_do_dvc >= 3)),  # 6
            _count(and_(received, _T.danh_gia.is_not(None))),  # 7
            _count(and_(received, _T.danh_gia.in_(("hai_long", "rat_hai_long")))),  # 8
            _count(returned),  # 9
            _count(and_(returned, _T.tra_qua_buu_chinh)),  # 10
        )
        .select_from(source)
        .where(_T.unit_id.in_(ids), or_(received, _T.hen_tra_day.between(start, end), returned))
        .group_by(field_col)
    ).all()
    # a procedure is its code when given, else its name; online if any dossier says 3 or 4
    procedures = conn.execute(
        select(field_col, _T.ma_thu_tuc, _T.ten_thu_tuc, func.max(_T.muc_do_dvc))
        .where(_T.unit_id.in_(ids), received)
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
    listed = catalogue(session=session, unit_id=unit_id)
    basis: Basis = CATALOGUE if listed else PROCEDURES_WITH_DOSSIERS
    if listed:
        by_field_procedures = {}
        for p in listed:
            by_field_procedures[p.linh_vuc] = by_field_procedures.get(p.linh_vuc, Rate()) + Rate(
                int(p.online), 1
            )

    def per_field(num: int, den: int) -> dict[str, Rate]:
        return {r[0]: Rate(int(r[num]), int(r[den])) for r in counts if r[den] or r[num]}

    tables: dict[str, dict[str, Rate]] = {
        "on_time_rate": per_field(2, 1),
        "online_rate": per_field(5, 6),
        "online_dossier_share": per_field(5, 4),
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
        shown = known
        if name == "online_procedure_share":
            if listed:
                shown = sorted(set(known) | set(table))
            else:
                overall = Rate(sum(online_procedures.values()), len(online_procedures))
        out[name] = Kpi(name, overall, {f: table.get(f, Rate()) for f in shown} if fields else {})
    household = next((r for r in counts if r[0] == HOUSEHOLD_BUSINESS), None)
    out["household_business_online_rate"] = Kpi(
        "household_business_online_rate",
        Rate(int(household[5]), int(household[4])) if household else Rate(),
    )
    return KpiReport(
        unit_id=unit_id,
        start=start,
        end=end,
        now=now,
        kpis={name: out[name] for name in KPIS},
        online_procedure_basis=basis,
    )


@dataclass(frozen=True)
class LateDossier:
    """A late dossier due in the period with no apology slip (Mẫu 04) issued; ``days_late``
    counts working days ("ngày làm việc"), as task deadlines do."""

    ma_ho_so: str
    ma_linh_vuc: str
    ten_thu_tuc: str
    ngay_tiep_nhan: dt.datetime
    ngay_hen_tra: dt.datetime
    ngay_tra: dt.datetime | None
    days_late: int
    ngay_co_ket_qua: dt.datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ma_ho_so": self.ma_ho_so,
            "ma_linh_vuc": self.ma_linh_vuc,
            "ten_thu_tuc": self.ten_thu_tuc,
            "ngay_tiep_nhan": self.ngay_tiep_nhan.isoformat(),
            "ngay_hen_tra": self.ngay_hen_tra.isoformat(),
            "ngay_tra": None if self.ngay_tra is None else self.ngay_tra.isoformat(),
            "ngay_co_ket_qua": (
                None if self.ngay_co_ket_qua is None else self.ngay_co_ket_qua.isoformat()
            ),
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
    calendar: WorkCalendar | None = None,
) -> list[LateDossier]:
    """Late dossiers due in the period without an apology slip (neither the export's flag nor
    one recorded in cchc), earliest appointment first. Lateness is in working days of
    ``calendar`` (by default the stored one) from the appointment day to the day the result
    was ready or handed over, or to "today" (``now`` in the unit's time zone) while neither."""
    today = _today(session, unit_id, now, timezone)
    rows = session.exec(
        orm_select(Dossier)
        .where(
            _due_filter(unit_id, start, end, today),
            ~_on_time(),
            ~_T.phieu_xin_loi,
            ~_has_slip(),
        )
        .order_by(_T.hen_tra_day, _T.ma_ho_so)
    ).all()
    if calendar is None and rows:
        years = range(min(d.hen_tra_day.year for d in rows), today.year + 1)
        calendar = load_calendar(session=session, years=years)
    out = []
    for d in rows:
        assert calendar is not None
        settled = d.co_ket_qua_day if d.co_ket_qua_day is not None else d.tra_day
        last = settled if settled is not None else today
        out.append(
            LateDossier(
                ma_ho_so=d.ma_ho_so,
                ma_linh_vuc=d.ma_linh_vuc,
                ten_thu_tuc=d.ten_thu_tuc,
                ngay_tiep_nhan=d.ngay_tiep_nhan,
                ngay_hen_tra=d.ngay_hen_tra,
                ngay_tra=d.ngay_tra,
                days_late=calendar.count(d.hen_tra_day, last),
                ngay_co_ket_qua=d.ngay_co_ket_qua,
            )
        )
    return out


def kpi_values(
    *,
    session: Session,
    unit_id: int,
    year: int,
    now: dt.datetime,
    keys: Sequence[str],
    also: Sequence[int] = (),
) -> dict[str, float | None]:
    """``metric:NAME[:field=F | :except=F1,F2]`` → the KPI over the year (None = no data);
    ``also``: more units whose dossiers count (predecessors merged into the unit)."""
    if not keys:
        return {}
    report = kpis(
        session=session,
        unit_id=unit_id,
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        now=now,
        also=also,
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
