"""The one-stop KPIs of many units at once — "chỉ số TTHC của các đơn vị": every KPI of every
unit below a province over a year or a quarter, and month by month, for its ranking.

Read from the dossiers' monthly counts (``storage.dossier_tally``), not from the dossiers: six
queries whatever the number of units, each over a few thousand rows. The figures are those of
the unit's own report (``storage.kpi_inputs.kpis``); the integration tests check both agree
unit by unit and month by month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, case, func, literal, select
from sqlmodel import Session

from domain.dossiers import EXCLUDED_STATUSES
from domain.kpi import HOUSEHOLD_BUSINESS, KPIS, Kpi, Rate
from models import ProcedureRecord
from storage.db import among
from storage.dossier_tally import (
    ALL_FIELDS,
    DOSSIERS,
    MONTHS,
    PROCEDURES,
    apology_in_time,
    first_slips,
    month_of,
)

_PROC = ProcedureRecord.__table__  # type: ignore[attr-defined]
# the monthly counts read as they are; ``waiting`` ones only for months before today's
_SUMMED = (
    "received", "online", "level34", "rated", "satisfied", "returned", "postal",
    "settled", "on_time", "settled_apology",
)  # fmt: skip


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
        self.due += other.due
        self.on_time += other.on_time
        self.late_apology += other.late_apology
        self.received += other.received
        self.online += other.online
        self.level34 += other.level34
        self.rated += other.rated
        self.satisfied += other.satisfied
        self.returned += other.returned
        self.postal += other.postal

    def take(self, row: Sequence[Any]) -> None:
        """Add a row of ``_SUMMED`` then (waiting due, waiting due with an apology)."""
        v = [int(x or 0) for x in row]
        self.received += v[0]
        self.online += v[1]
        self.level34 += v[2]
        self.rated += v[3]
        self.satisfied += v[4]
        self.returned += v[5]
        self.postal += v[6]
        self.due += v[7] + v[10]
        self.on_time += v[8]
        self.late_apology += v[9] + v[11]


@dataclass
class UnitKpis:
    """The KPIs of one unit over the period (as ``storage.kpi_inputs.kpis`` gives them), and
    each KPI's overall value per month of the period (``None``: no data that month)."""

    unit_id: int
    kpis: dict[str, Kpi]
    months: dict[str, list[Rate]] = field(default_factory=dict)


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def _by_unit(unit_col: Any, values: Mapping[int, Any], cast: Any = None) -> Any:
    """A value per unit (there is one at least) as a SQL expression: a constant when all
    units share one, else a CASE by unit."""
    groups: dict[Any, list[int]] = defaultdict(list)
    for uid, value in values.items():
        groups[value].append(uid)

    def lit(value: Any) -> Any:
        return literal(value, type_=cast) if cast is not None else literal(value)

    if len(groups) == 1:
        return lit(next(iter(groups)))
    whens = [(unit_col.in_(ids), lit(value)) for value, ids in sorted(groups.items())]
    return case(*whens, else_=lit(min(groups)))


def months_of(start: dt.date, end: dt.date) -> list[int]:
    if start.year != end.year:
        return list(range(1, 13))
    return list(range(start.month, end.month + 1))


def _whole_months(start: dt.date, end: dt.date) -> None:
    after = end + dt.timedelta(days=1)
    if start.day != 1 or after.day != 1 or start.year != end.year or start > end:
        raise ValueError(f"not whole months of one year: {start}..{end}")


def kpis_by_unit(
    unit_ids: Sequence[int],
    *,
    session: Session,
    start: dt.date,
    end: dt.date,
    todays: Mapping[int, dt.date],
) -> dict[int, UnitKpis]:
    """Every KPI of every unit over ``start``..``end`` (whole months of one year) with its
    months, as of each unit's today. Six queries, whatever the number of units: the monthly
    counts by unit and field and by unit and month; the dossiers of today's month still
    waiting for a result past their appointment; the procedures received by unit and field,
    and by unit overall and month by month; the procedure catalogues."""
    if not unit_ids:
        return {}
    _whole_months(start, end)
    ids = list(unit_ids)
    todays = {uid: todays.get(uid, max(todays.values(), default=end)) for uid in ids}
    conn = session.connection()
    m = MONTHS.c
    keys = {uid: day.year * 12 + day.month for uid, day in todays.items()}
    before_today = (m.year * 12 + m.month) < _by_unit(m.unit_id, keys)
    sums = [
        *[func.sum(m[name]) for name in _SUMMED],
        func.sum(case((before_today, m.waiting), else_=0)),
        func.sum(case((before_today, m.waiting_apology), else_=0)),
    ]
    where = (
        among(m.unit_id, ids),
        m.year == start.year,
        m.month.between(start.month, end.month),
    )
    per_field: dict[int, dict[str, _Counts]] = defaultdict(lambda: defaultdict(_Counts))
    per_month: dict[int, dict[int, _Counts]] = defaultdict(lambda: defaultdict(_Counts))
    household: dict[int, dict[int, Rate]] = defaultdict(dict)
    for row in conn.execute(
        select(m.unit_id, m.field, *sums).where(*where).group_by(m.unit_id, m.field)
    ).all():
        per_field[int(row[0])][row[1]].take(row[2:])
    hb = m.field == HOUSEHOLD_BUSINESS
    for row in conn.execute(
        select(
            m.unit_id,
            m.month,
            *sums,
            func.sum(case((hb, m.online), else_=0)),
            func.sum(case((hb, m.received), else_=0)),
        )
        .where(*where)
        .group_by(m.unit_id, m.month)
    ).all():
        per_month[int(row[0])][int(row[1])].take(row[2:-2])
        household[int(row[0])][int(row[1])] = Rate(int(row[-2] or 0), int(row[-1] or 0))
    for uid, fcode, month, n, apology in _waiting_now(conn, ids, start, end, todays):
        for target in (per_field[uid][fcode], per_month[uid][month]):
            target.due += n
            target.late_apology += apology
    procedures = _procedures(conn, ids, start, end)
    received: dict[int, dict[str, Rate]] = defaultdict(dict)
    for (uid, fcode), rate in procedures.by_field.items():
        received[uid][fcode] = rate
    catalogues = _catalogues(conn, ids)
    months = months_of(start, end)
    return {
        uid: _unit_kpis(
            uid,
            per_field.get(uid, {}),
            per_month.get(uid, {}),
            household.get(uid, {}),
            procedures,
            received.get(uid, {}),
            catalogues.get(uid),
            months,
        )
        for uid in ids
    }


def _waiting_now(
    conn: Any,
    ids: list[int],
    start: dt.date,
    end: dt.date,
    todays: Mapping[int, dt.date],
) -> list[tuple[int, str, int, int, int]]:
    """The dossiers of each unit's current month with no result whose appointment day has
    passed (due, not on time), by unit, field and month: (unit, field, month, count, with an
    apology in time)."""
    d = DOSSIERS.c
    days = dict(todays)
    firsts = {uid: day.replace(day=1) for uid, day in days.items()}
    first = first_slips(ids)
    rows = conn.execute(
        select(
            d.unit_id,
            d.ma_linh_vuc,
            month_of(d.hen_tra_day),
            func.count(),
            func.sum(_flag(apology_in_time(first))),
        )
        .select_from(DOSSIERS.outerjoin(first, first.c.dossier_id == d.id))
        .where(
            among(d.unit_id, ids),
            d.hen_tra_day.between(max(start, min(firsts.values())), end),
            d.hen_tra_day < max(days.values()),
            d.hen_tra_day >= _by_unit(d.unit_id, firsts, Date),
            d.hen_tra_day < _by_unit(d.unit_id, days, Date),
            d.trang_thai.not_in(EXCLUDED_STATUSES),
            d.tra_day.is_(None),  # no result yet (as the partial index says it)
            d.co_ket_qua_day.is_(None),
        )
        .group_by(d.unit_id, d.ma_linh_vuc, month_of(d.hen_tra_day))
    ).all()
    return [(int(r[0]), r[1], int(r[2]), int(r[3]), int(r[4] or 0)) for r in rows]


@dataclass
class _Procedures:
    by_field: dict[tuple[int, str], Rate] = field(default_factory=dict)
    overall: dict[int, Rate] = field(default_factory=dict)
    by_month: dict[tuple[int, int], Rate] = field(default_factory=dict)


def _procedures(conn: Any, ids: list[int], start: dt.date, end: dt.date) -> _Procedures:
    """Distinct procedures received (a procedure is its code, else its name; online when any
    of its dossiers says level 3 or 4): per unit and field, per unit, per unit and month."""
    p = PROCEDURES.c
    months = months_of(start, end)
    mask = sum(1 << (month - 1) for month in months)

    def has(bits: Any, wanted: int) -> Any:
        return _flag(bits.op("&")(wanted) != 0)

    out = _Procedures()
    where = (among(p.unit_id, ids), p.year == start.year)
    for uid, fcode, n, online in conn.execute(
        select(p.unit_id, p.field, func.sum(has(p.months, mask)), func.sum(has(p.online, mask)))
        .where(*where, p.field != ALL_FIELDS)
        .group_by(p.unit_id, p.field)
    ).all():
        if n:
            out.by_field[(int(uid), fcode)] = Rate(int(online or 0), int(n))
    # over every field: a procedure counts once for the unit, whatever fields list it
    flags = [has(p.months, mask), has(p.online, mask)]
    for month in months:
        flags += [has(p.months, 1 << (month - 1)), has(p.online, 1 << (month - 1))]
    for row in conn.execute(
        select(p.unit_id, *[func.sum(f) for f in flags])
        .where(*where, p.field == ALL_FIELDS)
        .group_by(p.unit_id)
    ).all():
        uid, counts = int(row[0]), [int(v or 0) for v in row[1:]]
        out.overall[uid] = Rate(counts[1], counts[0])
        for k, month in enumerate(months):
            out.by_month[(uid, month)] = Rate(counts[3 + 2 * k], counts[2 + 2 * k])
    return out


def _catalogues(conn: Any, ids: list[int]) -> dict[int, dict[str, Rate]]:
    """Each unit's procedure catalogue, per field: (online at level 3/4, all)."""
    p = _PROC.c
    out: dict[int, dict[str, Rate]] = defaultdict(dict)
    for uid, fcode, n, online in conn.execute(
        select(p.unit_id, p.linh_vuc, func.count(), func.sum(_flag(p.muc_do >= 3)))
        .where(among(p.unit_id, ids))
        .group_by(p.unit_id, p.linh_vuc)
    ).all():
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
    per_field: Mapping[str, _Counts],
    per_month: Mapping[int, _Counts],
    household: Mapping[int, Rate],
    procedures: _Procedures,
    received: Mapping[str, Rate],
    catalogue: Mapping[str, Rate] | None,
    months: Iterable[int],
) -> UnitKpis:
    known = sorted(per_field)
    none = Rate()  # immutable: one for every empty cell
    tables: dict[str, dict[str, Rate]] = defaultdict(dict)
    total = _Counts()
    for fcode, c in per_field.items():
        total.add(c)
        for name, (value, shown) in _rates(c).items():
            if shown:
                tables[name][fcode] = value
    # a KPI's overall rate is that of the unit's counts over every field (a field not shown
    # has nothing to add)
    overall = {name: value for name, (value, _) in _rates(total).items()}
    proc_fields = dict(catalogue) if catalogue else dict(received)
    listed = _sum(proc_fields.values()) if catalogue else None
    out: dict[str, Kpi] = {}
    for name in KPIS:
        if name == "household_business_online_rate":
            hb = per_field.get(HOUSEHOLD_BUSINESS)
            out[name] = Kpi(name, Rate(hb.online, hb.received) if hb else none)
            continue
        if name == "online_procedure_share":
            codes = sorted(set(known) | set(proc_fields)) if catalogue else known
            out[name] = Kpi(
                name,
                listed if listed is not None else procedures.overall.get(uid, none),
                {f: proc_fields.get(f, none) for f in codes},
            )
            continue
        table = tables.get(name, {})
        out[name] = Kpi(name, overall[name], {f: table.get(f, none) for f in known})
    series: dict[str, list[Rate]] = {name: [] for name in KPIS}
    empty = _rates(_Counts())
    for month in months:
        counts = per_month.get(month)
        rates = _rates(counts) if counts is not None else empty
        for name in KPIS:
            if name in rates:
                series[name].append(rates[name][0])
            elif name == "online_procedure_share":
                series[name].append(
                    listed if listed is not None else procedures.by_month.get((uid, month), none)
                )
            else:
                series[name].append(household.get(month, none))
    return UnitKpis(uid, {name: out[name] for name in KPIS}, series)


def _sum(rates: Iterable[Rate]) -> Rate:
    numerator = denominator = 0
    for r in rates:
        numerator += r.numerator
        denominator += r.denominator
    return Rate(numerator, denominator)
