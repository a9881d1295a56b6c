"""The spec's KPI formulas over dossiers, in plain Python — "chỉ số giải quyết hồ sơ TTHC".

``storage.kpi_inputs`` computes the same figures with SQL aggregates over the stored
dossiers (a year of a ward is thousands of rows; a city's, millions). This module is the
formulas written once as plain functions of :class:`~domain.dossiers.DossierRow`: the
reference the SQL is checked against (the integration tests compare the two on the same
export), and what the unit tests check with hand-made exports.

The rules (spec: shared/specs/dossiers.md, with the extensions of docs/formats.md):

- A dossier's result counts from its *settled day*: the day the result was ready
  (``ngay_co_ket_qua``) when the export gives it, else the day it was handed over
  (``ngay_tra``). On time: settled on or before the appointment day.
- *Due in P*: appointment day in P, not withdrawn or refused, and settled or its appointment
  day passed. *Late*: due and not on time.
- An apology slip counts for ``apology_coverage`` when issued no later than the appointment
  day: a slip recorded in cchc (the earliest, when several) is judged by its date; without
  one, the export's ``phieu_xin_loi`` flag (which gives no date) counts.
- ``online_procedure_share`` is over the unit's procedure catalogue when there is one, else
  over the procedures that received dossiers in P.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, Literal

from domain.dossiers import EXCLUDED_STATUSES, DossierRow
from domain.kpi import HOUSEHOLD_BUSINESS, KPIS, Kpi, Rate
from domain.procedures import Procedure
from domain.workdays import WorkCalendar

Basis = Literal["catalogue", "procedures_with_dossiers"]
CATALOGUE: Final = "catalogue"
PROCEDURES_WITH_DOSSIERS: Final = "procedures_with_dossiers"


def settled_day(row: DossierRow) -> dt.date | None:
    """The day the result counts from: ready (when the export says) else handed over."""
    return row.co_ket_qua_day if row.co_ket_qua_day is not None else row.tra_day


def is_on_time(row: DossierRow) -> bool:
    settled = settled_day(row)
    return settled is not None and settled <= row.hen_tra_day


def is_due(row: DossierRow, start: dt.date, end: dt.date, today: dt.date) -> bool:
    return (
        start <= row.hen_tra_day <= end
        and row.trang_thai not in EXCLUDED_STATUSES
        and (settled_day(row) is not None or row.hen_tra_day < today)
    )


def apology_in_time(row: DossierRow, first_slip: dt.date | None) -> bool:
    """Whether the dossier had its apology slip by its appointment day (see module doc)."""
    if first_slip is not None:
        return first_slip <= row.hen_tra_day
    return row.phieu_xin_loi


def working_days_late(row: DossierRow, today: dt.date, calendar: WorkCalendar) -> int:
    """Working days from the appointment day to the settled day (or ``today`` while not
    settled), as deadlines of tasks are counted."""
    settled = settled_day(row)
    return calendar.count(row.hen_tra_day, settled if settled is not None else today)


def procedure_key(code: str, name: str) -> tuple[str, str]:
    """A procedure is its code when the export gives one, else its name."""
    return (code, "") if code else ("", name)


def compute_kpis(
    rows: Iterable[DossierRow],
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    catalogue: Sequence[Procedure] | None = None,
    slips: Mapping[str, dt.date] | None = None,
) -> tuple[dict[str, Kpi], Basis]:
    """Every KPI over ``start``..``end`` with "today" = ``today``, overall and per field;
    ``slips`` maps ``ma_ho_so`` to the date of its first recorded apology slip. Returns the
    KPIs and what ``online_procedure_share`` is over."""
    slips = slips or {}
    counts: dict[str, dict[str, Rate]] = defaultdict(dict)
    known: set[str] = set()
    procedures: dict[tuple[str, str], bool] = {}
    field_procedures: dict[tuple[str, str, str], bool] = {}

    def add(name: str, field: str, numerator: bool, denominator: bool) -> None:
        if denominator or numerator:
            table = counts[name]
            table[field] = table.get(field, Rate()) + Rate(int(numerator), int(denominator))

    for row in rows:
        f = row.ma_linh_vuc
        received = start <= row.tiep_nhan_day <= end
        returned = row.tra_day is not None and start <= row.tra_day <= end
        if received or returned or start <= row.hen_tra_day <= end:
            known.add(f)
        due = is_due(row, start, end, today)
        on_time = due and is_on_time(row)
        late = due and not on_time
        online = row.kenh_nop == "truc_tuyen"
        rated = row.danh_gia is not None
        add("on_time_rate", f, on_time, due)
        add("online_rate", f, received and online, received and row.muc_do_dvc >= 3)
        add("online_dossier_share", f, received and online, received)
        add("postal_return_rate", f, returned and row.tra_qua_buu_chinh, returned)
        add(
            "satisfaction_rate",
            f,
            received and row.danh_gia in ("hai_long", "rat_hai_long"),
            received and rated,
        )
        add("apology_coverage", f, late and apology_in_time(row, slips.get(row.ma_ho_so)), late)
        if f == HOUSEHOLD_BUSINESS:
            add("household_business_online_rate", "", received and online, received)
        if received:
            key = procedure_key(row.ma_thu_tuc, row.ten_thu_tuc)
            level_online = row.muc_do_dvc >= 3
            procedures[key] = procedures.get(key, False) or level_online
            fkey = (f, *key)
            field_procedures[fkey] = field_procedures.get(fkey, False) or level_online

    out: dict[str, Kpi] = {}
    for name in KPIS:
        if name in ("online_procedure_share", "household_business_online_rate"):
            continue
        table = counts[name]
        out[name] = Kpi(
            name, sum(table.values(), Rate()), {f: table.get(f, Rate()) for f in sorted(known)}
        )
    household = counts["household_business_online_rate"].get("", Rate())
    out["household_business_online_rate"] = Kpi("household_business_online_rate", household)
    basis: Basis
    if catalogue:
        basis = CATALOGUE
        by_field: dict[str, Rate] = {}
        for p in catalogue:
            by_field[p.linh_vuc] = by_field.get(p.linh_vuc, Rate()) + Rate(int(p.online), 1)
        overall = Rate(sum(p.online for p in catalogue), len(catalogue))
        fields = sorted(known | set(by_field))
    else:
        basis = PROCEDURES_WITH_DOSSIERS
        by_field = {}
        for (f, _, _), online in field_procedures.items():
            by_field[f] = by_field.get(f, Rate()) + Rate(int(online), 1)
        overall = Rate(sum(procedures.values()), len(procedures))
        fields = sorted(known)
    out["online_procedure_share"] = Kpi(
        "online_procedure_share", overall, {f: by_field.get(f, Rate()) for f in fields}
    )
    return {name: out[name] for name in KPIS}, basis
