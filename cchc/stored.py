"""Finding the stored plan a command is about."""

from __future__ import annotations

from cchc.context import AppContext
from domain.plan import Plan


def stored_plan(ctx: AppContext, *, plan: str | None, unit: str | None) -> Plan:
    """The plan ``plan`` (or the latest) of ``unit`` (or the only unit with a plan)."""
    from sqlmodel import Session

    from storage.plans import find_plan, read_plan_record
    from storage.units import resolve_unit

    with Session(ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        assert unit_row.id is not None
        row = find_plan(session=session, unit_id=unit_row.id, code=plan)
        return read_plan_record(row, session=session)
