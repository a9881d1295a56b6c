"""Units and their parent chain (ward → district → city)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from domain.errors import ConflictError, NotFoundError
from domain.plan import Unit
from domain.units import Succession, UnitNode
from models import UnitRecord, UnitSuccession
from storage.audit import record


def ensure_unit(unit: Unit, *, session: Session, actor: str, now: dt.datetime) -> UnitRecord:
    """The stored unit for ``unit``, created with its parents when missing; names kept current.
    A unit placed in the unit tree (one with a level, from ``cchc unit import``) keeps the
    parent the tree gives it, and the plan's parents are not made for it."""
    row = session.exec(select(UnitRecord).where(UnitRecord.code == unit.code)).first()
    placed = row is not None and row.level is not None
    parent_id = None
    if unit.parent is not None and not placed:
        parent = ensure_unit(unit.parent, session=session, actor=actor, now=now)
        parent_id = parent.id
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


# --- units over time ---------------------------------------------------------------------------


def node_of(row: UnitRecord) -> UnitNode:
    return UnitNode(
        id=row.id or 0,
        code=row.code,
        name=row.name,
        parent_id=row.parent_id,
        level=row.level,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


def all_units(*, session: Session) -> list[UnitRecord]:
    return list(session.exec(select(UnitRecord).order_by(col(UnitRecord.code))))


def nodes(*, session: Session) -> list[UnitNode]:
    """Every unit, as the pure tree functions see them (one query)."""
    return [node_of(r) for r in all_units(session=session)]


def successions(*, session: Session) -> list[Succession]:
    """Every succession (one query)."""
    return [
        Succession(s.predecessor_id, s.successor_id, s.on_date, s.kind)
        for s in session.exec(select(UnitSuccession).order_by(col(UnitSuccession.id)))
    ]


def has_plans(unit_ids: list[int], *, session: Session) -> set[int]:
    """Which of ``unit_ids`` have a plan."""
    from models import PlanRecord

    if not unit_ids:
        return set()
    return set(
        session.exec(
            select(PlanRecord.unit_id).where(col(PlanRecord.unit_id).in_(unit_ids)).distinct()
        )
    )


def save_unit(
    row: UnitRecord,
    fields: dict[str, Any],
    *,
    session: Session,
    actor: str,
    now: dt.datetime,
) -> str:
    """Set ``fields`` on ``row`` (a new unit when it has no id); audited. ``created``,
    ``updated`` or ``unchanged``."""
    new = row.id is None
    before = {k: _plain(getattr(row, k)) for k in fields}
    for k, v in fields.items():
        setattr(row, k, v)
    after = {k: _plain(getattr(row, k)) for k in fields}
    if not new and after == before:
        return "unchanged"
    session.add(row)
    session.flush()
    record(
        session=session,
        actor=actor,
        now=now,
        action="create" if new else "update",
        entity="unit",
        key=row.code,
        unit_id=row.id,
        before=None if new else before,
        after={"code": row.code, **after} if new else after,
    )
    return "created" if new else "updated"


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def add_succession(
    predecessor: UnitRecord,
    successor: UnitRecord,
    on: dt.date,
    kind: str,
    *,
    session: Session,
    actor: str,
    now: dt.datetime,
) -> None:
    """Record that from ``on`` ``successor`` takes over the work of ``predecessor``; audited."""
    session.add(
        UnitSuccession(
            predecessor_id=predecessor.id or 0,
            successor_id=successor.id or 0,
            on_date=on,
            kind=kind,
        )
    )
    session.flush()
    record(
        session=session,
        actor=actor,
        now=now,
        action=kind,
        entity="unit",
        key=predecessor.code,
        unit_id=predecessor.id,
        after={"into": successor.code, "on": on.isoformat(), "kind": kind},
    )


def end_holdings(
    unit: UnitRecord, last_day: dt.date, *, session: Session, actor: str, now: dt.datetime
) -> int:
    """End on ``last_day`` every holding of ``unit`` still running the day after; audited.
    Holdings that start later are left as they are (the unit has no work then)."""
    from models import Assignment, Officer, Position

    ended = 0
    rows = session.exec(
        select(Assignment, Officer.email, Position.code)
        .join(Officer, col(Officer.id) == Assignment.officer_id)
        .join(Position, col(Position.id) == Assignment.position_id)
        .where(Assignment.unit_id == unit.id)
        .order_by(col(Assignment.id))
    ).all()
    for a, email, position in rows:
        if a.start > last_day or (a.end is not None and a.end <= last_day):
            continue
        before = {"end": a.end.isoformat() if a.end else None}
        a.end = last_day
        session.add(a)
        record(
            session=session,
            actor=actor,
            now=now,
            action="end",
            entity="assignment",
            key=f"{email}/{position}",
            unit_id=unit.id,
            before=before,
            after={"end": last_day.isoformat()},
        )
        ended += 1
    session.flush()
    return ended
