"""Scheduling several units at once — "tạo lần thực hiện cho nhiều đơn vị": ``cchc schedule
--unit A --unit B`` or ``--below PROVINCE`` (every unit below it in force that day).

One transaction for all the units asked for: each unit's plan is materialised as
``cchc schedule --unit`` does it (the policy asked for each: ``job.materialise``), and if any
is refused or has no plan, nothing is kept. Below a province, the units without a plan of the
year are listed, not an error: a province may still be deriving their plans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from application.access import Identity
from application.uow import UnitOfWork
from domain import units as units_core
from domain.clock import DEFAULT_TIMEZONE, local_today
from domain.errors import LocalizedError, NotFoundError
from models import UnitRecord
from storage.occurrences import MaterialiseReport

NO_PLAN = ("error.no_plan", "error.no_plan_for_year")  # what a unit without the plan raises


@dataclass(frozen=True)
class UnitsScheduled:
    """What ``cchc schedule`` did for several units (by code); ``without_plan``: units below
    the province with no plan of the year, left as they are."""

    reports: tuple[MaterialiseReport, ...]
    names: dict[str, str]
    without_plan: tuple[str, ...] = ()
    below: str | None = None
    year: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "below": self.below,
            "year": self.year,
            "units": [
                {**r.as_dict(), "name": self.names.get(r.unit, r.unit)} for r in self.reports
            ],
            "without_plan": list(self.without_plan),
        }


def schedule_units(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    units: Sequence[str] = (),
    below: str | None = None,
    year: int | None = None,
) -> UnitsScheduled:
    """Materialise the plan of ``year`` (each unit's latest: None) of every unit of ``units``
    — all named units must exist and have one — or of every unit below ``below`` in force
    today that has one; all units or none."""
    from application.occurrences import schedule_unit
    from storage.units import get_unit, nodes

    wanted = list(dict.fromkeys(u.strip() for u in units if u.strip()))
    with uow as session:
        rows: list[UnitRecord] = []
        if below is not None:
            parent = get_unit(below, session=session)
            day = local_today(now, DEFAULT_TIMEZONE)
            every = nodes(session=session)
            ids = units_core.below(every, parent.id or 0, day)
            above = {n.parent_id for n in every if n.id in ids}
            rows = sorted(
                (r for i in ids - above if (r := session.get(UnitRecord, i)) is not None),
                key=lambda r: r.code,
            )
            if not rows:
                raise LocalizedError("error.schedule_no_units_below", unit=parent.code)
        else:
            missing = []
            for code in wanted:
                try:
                    rows.append(get_unit(code, session=session))
                except NotFoundError:
                    missing.append(code)
            if missing:
                raise LocalizedError("error.schedule_unknown_units", units=", ".join(missing))
        reports: list[MaterialiseReport] = []
        without: list[str] = []
        for row in rows:
            try:
                reports.append(schedule_unit(session, identity, now, row, year))
            except NotFoundError as exc:
                if exc.key not in NO_PLAN:
                    raise
                without.append(row.code)
        of_year = "_of_year" if year is not None else ""
        if without and below is None:
            raise LocalizedError(
                f"error.schedule_no_plans{of_year}", units=", ".join(without), year=year
            )
        if not reports:
            raise LocalizedError(f"error.schedule_none_below{of_year}", unit=below, year=year)
        names = {r.code: r.name or r.code for r in rows}
    return UnitsScheduled(tuple(reports), names, tuple(without), below, year)
