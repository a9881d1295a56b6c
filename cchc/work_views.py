"""Selecting occurrences for officers' views (``tasks``, ``ics``)."""

from __future__ import annotations

import datetime as dt

from cchc.context import AppContext
from domain.lifecycle import ACTIVE
from domain.occurrence import OccurrenceView


def select_views(
    ctx: AppContext,
    now: dt.datetime,
    *,
    unit: str | None,
    officer: str | None,
    position: str | None,
    status: list[str] | None,
    overdue: bool,
    due_within: int | None,
) -> list[OccurrenceView]:
    from sqlmodel import Session, col, select

    from models import Occurrence
    from storage.occurrences import views
    from storage.officers import get_officer
    from storage.plans import find_plan
    from storage.units import resolve_unit

    with Session(ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        plan_row = find_plan(session=session, unit_id=uid)
        query = select(Occurrence).where(Occurrence.plan_id == plan_row.id)
        if officer:
            query = query.where(
                Occurrence.officer_id == get_officer(officer, session=session, unit_id=uid).id
            )
        if position:
            query = query.where(Occurrence.lead_role == position)
        if status:
            query = query.where(col(Occurrence.status).in_(status))
        elif overdue or due_within is not None:
            query = query.where(col(Occurrence.status).in_(ACTIVE))
        rows = session.exec(
            query.order_by(col(Occurrence.due_date), col(Occurrence.task_code))
        ).all()
        out = views(plan_row, session=session, now=now, occurrences=rows, lang=ctx.lang)
    if overdue:
        out = [v for v in out if v.overdue]
    if due_within is not None:
        out = [v for v in out if 0 <= v.working_days_left <= due_within and not v.overdue]
    return out
