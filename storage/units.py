"""Units and their parent chain (ward → district → city)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from domain.errors import ConflictError, NotFoundError
from domain.plan import Unit
from models import UnitRecord
from storage.audit import record


def ensure_unit(unit: Unit, *, session: Session, actor: str, now: dt.datetime) -> UnitRecord:
    """The stored unit for ``unit``, created with its parents when missing; names kept current."""
    parent_id = None
    if unit.parent is not None:
        parent = ensure_unit(unit.parent, session=session, actor=actor, now=now)
        parent_id = parent.id
    row = session.exec(select(UnitRecord).where(UnitRecord.code == unit.code)).first()
    if row is None:
        row = UnitRecord(code=unit.code, name=unit.name or unit.code, parent_id=parent_id)
        session.add(row)
        session.flush()
        record(
            session=session,
            actor=actor,
            now=now,
            action="create",
            entity="unit",
            key=unit.code,
            unit_id=row.id,
            after={"code": unit.code, "name": row.name, "parent_id": parent_id},
        )
        return row
    before = {"name": row.name, "parent_id": row.parent_id}
    if unit.name:
        row.name = unit.name
    if parent_id is not None:
        row.parent_id = parent_id
    after = {"name": row.name, "parent_id": row.parent_id}
    if after != before:
        session.add(row)
        record(
            session=session,
            actor=actor,
            now=now,
            action="update",
            entity="unit",
            key=unit.code,
            unit_id=row.id,
            before=before,
            after=after,
        )
    return row


def get_unit(code: str, *, session: Session) -> UnitRecord:
    row = session.exec(select(UnitRecord).where(UnitRecord.code == code)).first()
    if row is None:
        raise NotFoundError("error.unit_not_found", code=code)
    return row


def units_with_plans(*, session: Session) -> list[UnitRecord]:
    from models import PlanRecord

    return list(
        session.exec(
            select(UnitRecord)
            .where(col(UnitRecord.id).in_(select(PlanRecord.unit_id)))
            .order_by(col(UnitRecord.code))
        )
    )


def resolve_unit(code: str | None, *, session: Session) -> UnitRecord:
    """The unit named by ``code``, or the only unit that has a plan."""
    if code:
        return get_unit(code, session=session)
    units = units_with_plans(session=session)
    if not units:
        raise NotFoundError("error.no_plan")
    if len(units) > 1:
        raise ConflictError("error.ambiguous_unit", units=", ".join(u.code for u in units))
    return units[0]


def unit_of(row: UnitRecord, *, session: Session) -> Unit:
    """The stored unit as the core names it, with its parents (ward → district → city)."""
    parent = session.get(UnitRecord, row.parent_id) if row.parent_id is not None else None
    return Unit(
        code=row.code,
        name=row.name,
        parent=unit_of(parent, session=session) if parent is not None else None,
    )
