"""Reading many units at once — "theo dõi các đơn vị": the units below a parent, their plans
of a year, and grouped SQL over all of them (occurrences, documents, self-assessments,
one-stop dossiers).

Every function here runs a fixed number of statements, whatever the number of units: a
province of 168 communes is read with the same queries as a district of three wards. The
figures are those of the one-unit reports (``application.completeness``,
``storage.kpi_inputs``), counted with SQL aggregates grouped by unit; the integration tests
check both agree unit by unit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, and_, case, exists, extract, func, literal_column, or_, select, true
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from domain.dossiers import EXCLUDED_STATUSES
from domain.kpi import HOUSEHOLD_BUSINESS, KPIS, Kpi, Rate
from domain.plan import Target
from models import (
    ApologySlipRecord,
    AreaRecord,
    Assessment,
    Dossier,
    Evidence,
    EvidenceRequirementRecord,
    Occurrence,
    PlanRecord,
    ProcedureRecord,
    TargetRecord,
    TaskRecord,
    UnitRecord,
)
from storage.plans import target_of

_OCC: Table = Occurrence.__table__  # type: ignore[attr-defined]
_TASK: Table = TaskRecord.__table__  # type: ignore[attr-defined]
_REQ: Table = EvidenceRequirementRecord.__table__  # type: ignore[attr-defined]
_EV: Table = Evidence.__table__  # type: ignore[attr-defined]
_DOS: Table = Dossier.__table__  # type: ignore[attr-defined]
_SLIPS: Table = ApologySlipRecord.__table__  # type: ignore[attr-defined]
_PROC: Table = ProcedureRecord.__table__  # type: ignore[attr-defined]
EXEMPT = ("waived", "cancelled")
CLOSED = ("accepted",)
EMPTY: Any = literal_column("''")


def units_below(parent_id: int, *, session: Session) -> list[UnitRecord]:
    """Every unit below ``parent_id`` (children, their children …), by code; one query.

    Today the tree is ``UnitRecord.parent_id``; units valid on a day (levels, mergers) plug
    in here."""
    rows = session.exec(orm_select(UnitRecord)).all()
    children: dict[int | None, list[UnitRecord]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)
    found: list[UnitRecord] = []
    todo = [parent_id]
    seen = {parent_id}
    while todo:
        for child in children.get(todo.pop(), []):
            if child.id is not None and child.id not in seen:
                seen.add(child.id)
                found.append(child)
                todo.append(child.id)
    return sorted(found, key=lambda u: u.code)


def plans_of_year(unit_ids: Sequence[int], year: int, *, session: Session) -> dict[int, PlanRecord]:
    """Each unit's plan of ``year`` (the latest loaded when there are several); one query."""
    if not unit_ids:
        return {}
    rows = session.exec(
        orm_select(PlanRecord)
        .where(col(PlanRecord.unit_id).in_(unit_ids), PlanRecord.year == year)
        .order_by(col(PlanRecord.id))
    ).all()
    return {row.unit_id: row for row in rows}


def areas_of(plan_ids: Sequence[int], *, session: Session) -> dict[int, list[AreaRecord]]:
    """The areas of each plan, in the plan's order (archived ones left out); one query."""
    out: dict[int, list[AreaRecord]] = defaultdict(list)
    if plan_ids:
        for row in session.exec(
            orm_select(AreaRecord)
            .where(col(AreaRecord.plan_id).in_(plan_ids), col(AreaRecord.archived_at).is_(None))
            .order_by(col(AreaRecord.plan_id), col(AreaRecord.position), col(AreaRecord.id))
        ):
            out[row.plan_id].append(row)
    return out


def targets_of(plan_ids: Sequence[int], *, session: Session) -> dict[int, list[Target]]:
    """The targets of each plan as the domain reads them (archived ones left out); one query."""
    out: dict[int, list[Target]] = defaultdict(list)
    if plan_ids:
        for t in session.exec(
            orm_select(TargetRecord)
            .where(col(TargetRecord.plan_id).in_(plan_ids), col(TargetRecord.archived_at).is_(None))
            .order_by(col(TargetRecord.plan_id), col(TargetRecord.position), col(TargetRecord.id))
        ):
            out[t.plan_id].append(target_of(t))
    return out


def _by_unit(unit_col: Any, todays: Mapping[int, dt.date]) -> Any:
    """Each unit's "today" (its plan's time zone) as a SQL expression: a constant when all
    units share one day, else a CASE by unit."""
    days: dict[dt.date, list[int]] = defaultdict(list)
    for uid, day in todays.items():
        days[day].append(uid)
    if len(days) <= 1:
        day = next(iter(days), dt.date(1970, 1, 1))
        return _date(day)
    whens = [(unit_col.in_(ids), _date(day)) for day, ids in sorted(days.items())]
    return case(*whens, else_=_date(min(days)))


def _date(day: dt.date) -> Any:
    from sqlalchemy import Date, literal

    return literal(day, type_=Date)


# --- occurrences and documents --------------------------------------------------------------


@dataclass(frozen=True)
class OccurrenceGroup:
    """Occurrences of one unit and area with the same status and the same standing at
    ``now``: counted together (the progress categories and "due so far" read only these)."""

    unit_id: int
    area: str
    status: str
    due: bool  # deadline at or before now ("due so far")
    past: bool  # deadline before now
    ahead: bool  # period not begun (the unit's today before its first day)
    handed_in: bool  # submitted at some time
    handed_in_late: bool  # submitted after the deadline
    n: int


def occurrence_groups(
    plan_ids: Sequence[int], *, session: Session, now: dt.datetime, todays: Mapping[int, dt.date]
) -> list[OccurrenceGroup]:
    """The occurrences of the plans counted by unit, area, status and standing; one query."""
    if not plan_ids:
        return []
    o, t = _OCC.c, _TASK.c
    today = _by_unit(o.unit_id, todays)
    inner = (
        select(
            o.unit_id.label("unit_id"),
            case((t.archived_at.is_(None), t.area), else_=EMPTY).label("area"),
            o.status.label("status"),
            case((o.due_at <= now, 1), else_=0).label("due"),
            case((o.due_at < now, 1), else_=0).label("past"),
            case((o.period_start > today, 1), else_=0).label("ahead"),
            case((o.submitted_at.is_not(None), 1), else_=0).label("handed"),
            case((and_(o.submitted_at.is_not(None), o.submitted_at > o.due_at), 1), else_=0).label(
                "late"
            ),
        )
        .select_from(_OCC.outerjoin(_TASK, t.id == o.task_id))
        .where(o.plan_id.in_(list(plan_ids)))
        .subquery()
    )
    i = inner.c
    keys = (i.unit_id, i.area, i.status, i.due, i.past, i.ahead, i.handed, i.late)
    rows = session.connection().execute(select(*keys, func.count()).group_by(*keys)).all()
    return [
        OccurrenceGroup(
            int(r[0]),
            r[1] or "",
            r[2],
            bool(r[3]),
            bool(r[4]),
            bool(r[5]),
            bool(r[6]),
            bool(r[7]),
            int(r[8]),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class DocumentGroup:
    """Required, provided and accepted documents of one unit and area, due so far or not, and
    how many occurrences due by the unit's today still miss one ("còn nợ tài liệu")."""

    unit_id: int
    area: str
    due: bool
    required: int
    provided: int
    accepted: int
    owing: int


def document_groups(
    plan_ids: Sequence[int], *, session: Session, now: dt.datetime, todays: Mapping[int, dt.date]
) -> list[DocumentGroup]:
    """Documents of the plans' occurrences (waived and cancelled ones ask for nothing); one
    query: per occurrence its required documents, those with an upload not rejected, those
    accepted; then summed by unit, area and due so far."""
    if not plan_ids:
        return []
    o, t, r, e = _OCC.c, _TASK.c, _REQ.c, _EV.c
    today = _by_unit(o.unit_id, todays)
    mine = and_(e.occurrence_id == o.id, e.requirement == r.name)
    provided = exists().where(mine, e.status != "rejected")
    accepted = exists().where(mine, e.status == "accepted")
    per_occurrence = (
        select(
            o.unit_id.label("unit_id"),
            t.area.label("area"),
            case((o.due_at <= now, 1), else_=0).label("due"),
            case((and_(o.status.not_in(CLOSED), o.due_date <= today), 1), else_=0).label("owes"),
            func.count(r.id).label("required"),
            func.sum(case((provided, 1), else_=0)).label("provided"),
            func.sum(case((accepted, 1), else_=0)).label("accepted"),
        )
        .select_from(
            _OCC.join(_TASK, t.id == o.task_id).join(
                _REQ, and_(r.task_id == t.id, r.required, r.archived_at.is_(None))
            )
        )
        .where(o.plan_id.in_(list(plan_ids)), o.status.not_in(EXEMPT), t.archived_at.is_(None))
        .group_by(o.id, t.id)
        .subquery()
    )
    p = per_occurrence.c
    owing = func.sum(case((and_(p.owes == 1, p.required > p.provided), 1), else_=0))
    rows = (
        session.connection()
        .execute(
            select(
                p.unit_id,
                p.area,
                p.due,
                func.sum(p.required),
                func.sum(p.provided),
                func.sum(p.accepted),
                owing,
            ).group_by(p.unit_id, p.area, p.due)
        )
        .all()
    )
    return [
        DocumentGroup(
            int(x[0]),
            x[1] or "",
            bool(x[2]),
            int(x[3] or 0),
            int(x[4] or 0),
            int(x[5] or 0),
            int(x[6] or 0),
        )
        for x in rows
    ]


@dataclass(frozen=True)
class AssessmentState:
    """A unit's self-assessment of a year: ``submitted`` (and when) or ``open``."""

    status: str
    submitted_at: dt.datetime | None


def assessments_of(
    unit_ids: Sequence[int], year: int, *, session: Session
) -> dict[int, AssessmentState]:
    """Each unit's self-assessment of ``year`` (submitted wins over open when a unit has
    several frameworks); units without one are absent. One query."""
    out: dict[int, AssessmentState] = {}
    if not unit_ids:
        return out
    for a in session.exec(
        orm_select(Assessment).where(col(Assessment.unit_id).in_(unit_ids), Assessment.year == year)
    ):
        known = out.get(a.unit_id)
        if known is None or (known.status != "submitted" and a.status == "submitted"):
            out[a.unit_id] = AssessmentState(a.status, a.submitted_at)
    return out


# --- one-stop dossiers -------------------------------------------------------------------


@dataclass
class _Counts:
    due: int = 0
    on_time: int = 0
    late_apology: int = 0
    received: int = 0
    online: int = 0
    level34: int = 0
    rated: int = 0
    satisfied: int = 0
    returned: int = 0
    postal: int = 0

    def add(self, other: _Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class UnitKpis:
    """The KPIs of one unit over the period (as ``storage.kpi_inputs.kpis`` gives them), and
    each KPI's overall value per month of the period (``None``: no data that month)."""

    unit_id: int
    kpis: dict[str, Kpi]
    months: dict[str, list[Rate]] = field(default_factory=dict)


def _flag(condition: Any) -> Any:
    if condition is True:
        return literal_column("1")
    return case((condition, 1), else_=0)


def kpis_by_unit(
    unit_ids: Sequence[int],
    *,
    session: Session,
    start: dt.date,
    end: dt.date,
    todays: Mapping[int, dt.date],
) -> dict[int, UnitKpis]:
    """Every KPI of every unit over ``start``..``end`` with its months: six queries, whatever
    the number of units (due, received and returned dossiers by unit, field and month; the
    procedures received, by field and overall; the procedure catalogues)."""
    if not unit_ids:
        return {}
    d = _DOS.c
    ids = list(unit_ids)
    conn = session.connection()
    today = _by_unit(d.unit_id, todays)
    settled = func.coalesce(d.co_ket_qua_day, d.tra_day)
    on_time = and_(settled.is_not(None), settled <= d.hen_tra_day)
    due = and_(
        d.trang_thai.not_in(EXCLUDED_STATUSES), or_(settled.is_not(None), d.hen_tra_day < today)
    )
    first_slip = (
        select(_SLIPS.c.dossier_id, func.min(_SLIPS.c.issued_on).label("issued_on"))
        .where(_SLIPS.c.unit_id.in_(ids))
        .group_by(_SLIPS.c.dossier_id)
        .subquery()
    )
    apology = or_(
        first_slip.c.issued_on <= d.hen_tra_day,
        and_(first_slip.c.issued_on.is_(None), d.phieu_xin_loi),
    )
    counts: dict[tuple[int, str, int], _Counts] = defaultdict(_Counts)

    def grouped(day: Any, flags: dict[str, Any], where: Any, source: Any = _DOS) -> None:
        inner = (
            select(
                d.unit_id.label("unit_id"),
                d.ma_linh_vuc.label("field"),
                extract("month", day).label("month"),
                *[_flag(c).label(name) for name, c in flags.items()],
            )
            .select_from(source)
            .where(d.unit_id.in_(ids), day.between(start, end), where)
            .subquery()
        )
        i = inner.c
        keys = (i.unit_id, i.field, i.month)
        sums = [func.sum(i[name]) for name in flags]
        for row in conn.execute(select(*keys, *sums).group_by(*keys)):
            target = counts[(int(row[0]), row[1], int(row[2]))]
            for name, value in zip(flags, row[3:], strict=True):
                setattr(target, name, getattr(target, name) + int(value or 0))

    grouped(
        d.hen_tra_day,
        {
            "due": due,
            "on_time": and_(due, on_time),
            "late_apology": and_(due, ~on_time, apology),
        },
        true(),
        _DOS.outerjoin(first_slip, first_slip.c.dossier_id == d.id),
    )
    grouped(
        d.tiep_nhan_day,
        {
            "received": True,
            "online": d.kenh_nop == "truc_tuyen",
            "level34": d.muc_do_dvc >= 3,
            "rated": d.danh_gia.is_not(None),
            "satisfied": d.danh_gia.in_(("hai_long", "rat_hai_long")),
        },
        true(),
    )
    grouped(d.tra_day, {"returned": True, "postal": d.tra_qua_buu_chinh}, d.tra_day.is_not(None))
    procedures = _procedures(ids, conn=conn, start=start, end=end)
    catalogues = _catalogues(ids, conn=conn)
    months = months_of(start, end)
    by_unit: dict[int, dict[tuple[int, str, int], _Counts]] = defaultdict(dict)
    for key, c in counts.items():
        by_unit[key[0]][key] = c
    fields: dict[int, dict[str, Rate]] = defaultdict(dict)
    for (uid, fcode), r in procedures.by_field.items():
        fields[uid][fcode] = r
    return {
        uid: _unit_kpis(
            uid, by_unit.get(uid, {}), procedures, fields.get(uid, {}), catalogues.get(uid), months
        )
        for uid in ids
    }


def months_of(start: dt.date, end: dt.date) -> list[int]:
    if start.year != end.year:
        return list(range(1, 13))
    return list(range(start.month, end.month + 1))


@dataclass
class _Procedures:
    by_field: dict[tuple[int, str], Rate] = field(default_factory=dict)
    overall: dict[int, Rate] = field(default_factory=dict)
    by_month: dict[tuple[int, int], Rate] = field(default_factory=dict)


def _procedures(ids: list[int], *, conn: Any, start: dt.date, end: dt.date) -> _Procedures:
    """Distinct procedures received (a procedure is its code, else its name; online when any
    of its dossiers says level 3 or 4): per unit and field, per unit, per unit and month."""
    d = _DOS.c
    key_name = case((d.ma_thu_tuc == EMPTY, d.ten_thu_tuc), else_=EMPTY)
    rows = (
        select(
            d.unit_id.label("unit_id"),
            d.ma_linh_vuc.label("field"),
            extract("month", d.tiep_nhan_day).label("month"),
            d.ma_thu_tuc.label("code"),
            key_name.label("name"),
            _flag(d.muc_do_dvc >= 3).label("online"),
        )
        .where(d.unit_id.in_(ids), d.tiep_nhan_day.between(start, end))
        .subquery()
    )
    r = rows.c
    out = _Procedures()
    for extra, store in (((r.field,), "by_field"), ((), "overall"), ((r.month,), "by_month")):
        keys = (r.unit_id, *extra, r.code, r.name)
        distinct = select(*keys, func.max(r.online).label("online")).group_by(*keys).subquery()
        c = distinct.c
        outer_keys = (c.unit_id, *[c[k.name] for k in extra])
        table: dict[Any, Rate] = getattr(out, store)
        for row in conn.execute(
            select(*outer_keys, func.count(), func.sum(c.online)).group_by(*outer_keys)
        ):
            key = (
                int(row[0])
                if not extra
                else (int(row[0]), int(row[1]) if store == "by_month" else row[1])
            )
            table[key] = Rate(int(row[-1] or 0), int(row[-2]))
    return out


def _catalogues(ids: list[int], *, conn: Any) -> dict[int, dict[str, Rate]]:
    """Each unit's procedure catalogue, per field: (online at level 3/4, all)."""
    p = _PROC.c
    out: dict[int, dict[str, Rate]] = defaultdict(dict)
    for uid, fcode, n, online in conn.execute(
        select(p.unit_id, p.linh_vuc, func.count(), func.sum(_flag(p.muc_do >= 3)))
        .where(p.unit_id.in_(ids))
        .group_by(p.unit_id, p.linh_vuc)
    ):
        out[int(uid)][fcode] = Rate(int(online or 0), int(n))
    return out


def _rates(c: _Counts) -> dict[str, tuple[Rate, bool]]:
    """Each KPI's rate from counts, and whether the field shows (numerator or denominator)."""
    late = c.due - c.on_time
    return {
        "on_time_rate": (Rate(c.on_time, c.due), bool(c.due or c.on_time)),
        "online_rate": (Rate(c.online, c.level34), bool(c.online or c.level34)),
        "online_dossier_share": (Rate(c.online, c.received), bool(c.online or c.received)),
        "postal_return_rate": (Rate(c.postal, c.returned), bool(c.postal or c.returned)),
        "satisfaction_rate": (Rate(c.satisfied, c.rated), bool(c.satisfied or c.rated)),
        "apology_coverage": (Rate(c.late_apology, late), late > 0),
    }


def _unit_kpis(
    uid: int,
    counts: Mapping[tuple[int, str, int], _Counts],
    procedures: _Procedures,
    received: Mapping[str, Rate],
    catalogue: Mapping[str, Rate] | None,
    months: Iterable[int],
) -> UnitKpis:
    per_field: dict[str, _Counts] = defaultdict(_Counts)
    per_month: dict[int, _Counts] = defaultdict(_Counts)
    for (_, fcode, month), c in counts.items():
        per_field[fcode].add(c)
        per_month[month].add(c)
    known = sorted(per_field)
    tables: dict[str, dict[str, Rate]] = defaultdict(dict)
    for fcode, c in per_field.items():
        for name, (value, shown) in _rates(c).items():
            if shown:
                tables[name][fcode] = value
    proc_fields = dict(catalogue) if catalogue else dict(received)
    out: dict[str, Kpi] = {}
    for name in KPIS:
        if name == "household_business_online_rate":
            hb = per_field.get(HOUSEHOLD_BUSINESS)
            out[name] = Kpi(name, Rate(hb.online, hb.received) if hb else Rate())
            continue
        if name == "online_procedure_share":
            overall = (
                sum(proc_fields.values(), Rate())
                if catalogue
                else procedures.overall.get(uid, Rate())
            )
            listed = sorted(set(known) | set(proc_fields)) if catalogue else known
            out[name] = Kpi(name, overall, {f: proc_fields.get(f, Rate()) for f in listed})
            continue
        table = tables.get(name, {})
        out[name] = Kpi(name, sum(table.values(), Rate()), {f: table.get(f, Rate()) for f in known})
    series: dict[str, list[Rate]] = {name: [] for name in KPIS}
    for month in months:
        c = per_month.get(month, _Counts())
        rates = _rates(c)
        for name in KPIS:
            if name in rates:
                series[name].append(rates[name][0])
            elif name == "online_procedure_share":
                series[name].append(
                    sum(catalogue.values(), Rate())
                    if catalogue
                    else procedures.by_month.get((uid, month), Rate())
                )
            else:
                hb = counts.get((uid, HOUSEHOLD_BUSINESS, month))
                series[name].append(Rate(hb.online, hb.received) if hb else Rate())
    return UnitKpis(uid, {name: out[name] for name in KPIS}, series)
