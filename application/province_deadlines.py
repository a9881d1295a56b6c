"""The province's deadline for its units' self-assessments — "hạn nộp bản tự đánh giá".

The province's CCHC staff set, for a year, the day by which every unit below the province
submits its PAR self-assessment (``cchc appraisal deadline``). The reminder sweep
(``application.deadline_sweep``) then reminds each unit that has not submitted, and tells the
staff of the units that are late. Setting it is ``appraisal.manage`` (the province's staff);
it is audited (``appraisal_deadline``). Moving the date starts the units' reminders afresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from application.access import Gate, Identity
from application.uow import UnitOfWork
from domain.clock import local_today
from domain.errors import LocalizedError


@dataclass(frozen=True)
class DeadlineResult:
    """A deadline set: for which province and year, the date (and the one it replaced), how
    many units it applies to and how many of them have already submitted."""

    unit: str
    year: int
    due: dt.date
    before: dt.date | None
    units: int
    submitted: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "year": self.year,
            "self_assessment_due": self.due.isoformat(),
            "before": self.before.isoformat() if self.before else None,
            "units": self.units,
            "submitted": self.submitted,
        }


def set_self_assessment_due(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str,
    year: int,
    due: dt.date,
) -> DeadlineResult:
    """``cchc appraisal deadline``: the day by which every unit below ``unit`` (the province)
    submits its self-assessment of ``year``; not a day already past."""
    from application.deadline_dues import units_below
    from responsibilities.policy import Subject
    from storage.appraisal import grants_over, tree
    from storage.deadlines import SELF_ASSESSMENT, set_deadline, submitted_units
    from storage.plans import unit_timezone
    from storage.units import get_unit

    with uow as session:
        row = get_unit(unit, session=session)
        uid = row.id or 0
        shape = tree(session)
        grants, names = grants_over(session, shape.above(uid))
        gate = Gate.load(session, uid)
        gate.names = {**names, **gate.names}
        today = local_today(now, unit_timezone(session=session, unit_id=uid))
        actor = gate.check(
            identity,
            "appraisal.manage",
            Subject(grants=tuple(grants), year=year),
            on=today,
            entity="appraisal",
            key=f"{year}/deadline",
        ).identity
        below = units_below(shape, uid, due)
        if not below:
            raise LocalizedError("error.deadline_no_units", unit=row.code)
        if due < today:
            raise LocalizedError(
                "error.deadline_past", due=f"{due:%d/%m/%Y}", today=f"{today:%d/%m/%Y}"
            )
        from storage.calendar import load_calendar

        calendar = load_calendar(session=session, years=[due.year])
        if not calendar.is_working(due):
            raise LocalizedError(
                "error.deadline_day_off",
                due=f"{due:%d/%m/%Y}",
                next=f"{calendar.roll(due, 'next'):%d/%m/%Y}",
            )
        before, _ = set_deadline(
            session, unit_id=uid, year=year, kind=SELF_ASSESSMENT, due=due, actor=actor, now=now
        )
        done = submitted_units(session, below, year)
        return DeadlineResult(row.code, year, due, before, len(below), len(done))
