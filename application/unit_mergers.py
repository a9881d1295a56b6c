"""Mergers and renamings — "sáp nhập", "đổi tên": from a day, the work of one or more units
belongs to another; the units merged keep their history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from application.access import Identity
from application.units import authorize_units
from application.uow import UnitOfWork
from domain import units as units_core
from domain.errors import ConflictError, LocalizedError, NotFoundError
from models import UnitRecord

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class WorkLine:
    """An occurrence a merger cancelled or left open: unit, task, period, deadline, status."""

    unit: str
    task: str
    period: str
    due_date: dt.date
    status: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "task": self.task,
            "period": self.period,
            "due_date": self.due_date.isoformat(),
            "status": self.status,
        }


@dataclass(frozen=True)
class Merged:
    """What ``cchc unit merge`` (or ``rename``) did."""

    kind: str
    units: tuple[str, ...]
    into: str
    into_name: str
    created: bool
    on: dt.date
    holdings_ended: int
    cancelled: tuple[WorkLine, ...]
    left_open: tuple[WorkLine, ...]
    needs_plan: bool = False  # the unit merged into has no plan of the merger's year yet
    template: str = ""  # … and the merged units' plans came from this template: derive it

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "units": list(self.units),
            "into": self.into,
            "into_name": self.into_name,
            "created": self.created,
            "on": self.on.isoformat(),
            "holdings_ended": self.holdings_ended,
            "cancelled": [w.as_dict() for w in self.cancelled],
            "left_open": [w.as_dict() for w in self.left_open],
            "needs_plan": self.needs_plan,
            "template": self.template or None,
        }


def _line(unit: str, occ: Any) -> WorkLine:
    return WorkLine(unit, occ.task_code, occ.period, occ.due_date, occ.status)


def _outside(row: UnitRecord, day: dt.date) -> bool:
    return (row.valid_from is not None and day < row.valid_from) or (
        row.valid_to is not None and day > row.valid_to
    )


def _validity(row: UnitRecord) -> dict[str, str]:
    return {
        "start": row.valid_from.strftime("%d/%m/%Y") if row.valid_from else "…",
        "end": row.valid_to.strftime("%d/%m/%Y") if row.valid_to else "…",
    }


def merge_units(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    units: Sequence[str],
    into: str,
    on: dt.date,
    name: str | None = None,
    level: str | None = None,
    parent: str | None = None,
    kind: str = units_core.MERGE,
) -> Merged:
    """``cchc unit merge A B … --into C --on DATE``: from ``on`` the work of A, B … belongs to
    C (created when missing, with ``name``, ``level``, ``parent``). A and B end the day before;
    so do their holdings running on ``on``; their open work due on or after ``on`` is cancelled
    with a reason naming the merger (submitted, accepted and waived work is never touched) and
    their open work due before is listed, left as it is. Nothing is deleted; all audited."""
    from domain.i18n import t
    from domain.unitfile import MAX_NAME, control_char
    from storage.occurrences import cancel_from, open_before
    from storage.units import add_succession, end_holdings, get_unit, save_unit, successions

    wanted = list(dict.fromkeys(u.strip() for u in units if u.strip()))
    if not wanted:
        raise LocalizedError("error.unit_merge_nothing")
    if into in wanted:
        raise LocalizedError("error.unit_merge_into_itself", code=into)
    if level is not None and units_core.level_of(level) is None:
        raise LocalizedError(
            "error.unit_bad_level", value=level[:40], known=", ".join(units_core.LEVELS)
        )
    if name is not None and (not 0 < len(name.strip()) <= MAX_NAME or control_char(name)):
        raise LocalizedError("error.unit_bad_name", max=MAX_NAME)
    last_day = on - dt.timedelta(days=1)
    with uow as session:
        merged_rows = [get_unit(code, session=session) for code in wanted]
        done = {s.predecessor: s for s in successions(session=session)}
        for row in merged_rows:
            earlier = done.get(row.id or 0)
            if earlier is not None:
                successor = session.get(UnitRecord, earlier.successor)
                raise ConflictError(
                    "error.unit_already_merged",
                    code=row.code,
                    into=successor.code if successor else "?",
                    on=earlier.on.strftime("%d/%m/%Y"),
                )
            if _outside(row, on) or (row.valid_from is not None and row.valid_from > last_day):
                raise LocalizedError(
                    "error.unit_outside_validity",
                    code=row.code,
                    on=on.strftime("%d/%m/%Y"),
                    **_validity(row),
                )
        target = session.exec(select_unit(into)).first()
        created = target is None
        parent_row = get_unit(parent, session=session) if parent else None
        if target is None:
            if not name:
                raise NotFoundError("error.unit_into_missing", code=into)
            from domain.unitfile import CODE, MAX_CODE

            if len(into) > MAX_CODE or not CODE.fullmatch(into):
                raise LocalizedError("error.unit_bad_code", value=into[:MAX_CODE], max=MAX_CODE)
            target = UnitRecord(code=into)
            if parent_row is None:  # under the merged units' parent, when they share one
                parents = {r.parent_id for r in merged_rows}
                if len(parents) == 1 and None not in parents:
                    parent_row = session.get(UnitRecord, parents.pop())
        elif _outside(target, on):
            raise LocalizedError(
                "error.unit_outside_validity",
                code=target.code,
                on=on.strftime("%d/%m/%Y"),
                **_validity(target),
            )
        new_level = units_core.level_of(level) if level else None
        if created and new_level is None:
            levels = {r.level for r in merged_rows}
            new_level = levels.pop() if len(levels) == 1 else None
        if parent_row is not None:
            if parent_row.code in wanted:
                raise LocalizedError("error.unit_parent_merged", code=parent_row.code)
            if _outside(parent_row, on):
                raise LocalizedError(
                    "error.unit_outside_validity",
                    code=parent_row.code,
                    on=on.strftime("%d/%m/%Y"),
                    **_validity(parent_row),
                )
            _check_parent(session, target, parent_row, new_level or target.level)
        scope = parent_row or (
            session.get(UnitRecord, target.parent_id) if target.parent_id else None
        )
        authorize_units(session, identity, now, scope, into)
        actor = identity.audit_name
        fields: dict[str, Any] = {}
        if created:
            fields = {"name": name.strip() if name else into, "valid_from": on}
        elif name:
            fields["name"] = name.strip()
        if new_level is not None:
            fields["level"] = new_level
        if parent_row is not None:
            fields["parent_id"] = parent_row.id
        if fields:
            save_unit(target, fields, session=session, actor=actor, now=now)
        reason = t(
            "unit.merge_reason" if kind == units_core.MERGE else "unit.rename_reason",
            "vi",
            code=target.code,
            name=target.name,
            on=on.strftime("%d/%m/%Y"),
        )
        ended = 0
        cancelled: list[WorkLine] = []
        left: list[WorkLine] = []
        for row in merged_rows:
            uid = row.id or 0
            save_unit(row, {"valid_to": last_day}, session=session, actor=actor, now=now)
            add_succession(row, target, on, kind, session=session, actor=actor, now=now)
            ended += end_holdings(row, last_day, session=session, actor=actor, now=now)
            cancelled += [
                _line(row.code, o)
                for o in cancel_from(uid, on, reason, session=session, actor=actor, now=now)
            ]
            left += [_line(row.code, o) for o in open_before(uid, on, session=session)]
        needs_plan, template = _plan_source(session, merged_rows, target, on.year)
        return Merged(
            kind=kind,
            units=tuple(r.code for r in merged_rows),
            into=target.code,
            into_name=target.name,
            created=created,
            on=on,
            holdings_ended=ended,
            cancelled=tuple(cancelled),
            left_open=tuple(left),
            needs_plan=needs_plan,
            template=template,
        )


def _plan_source(
    session: Session, merged: Sequence[UnitRecord], into: UnitRecord, year: int
) -> tuple[bool, str]:
    """Whether ``into`` still needs a plan of ``year``, and the template the merged units'
    latest plans were derived from ("" when they were loaded from plan files): the successor's
    plan comes the same way — ``cchc plan derive`` or ``cchc plan load``."""
    from sqlmodel import col, select

    from models import PlanOrigin, PlanRecord

    has_plan = session.exec(
        select(PlanRecord.id).where(PlanRecord.unit_id == into.id, PlanRecord.year == year)
    ).first()
    if has_plan is not None:
        return False, ""
    rows = session.exec(
        select(PlanRecord.year, PlanOrigin.template_code)
        .outerjoin(PlanOrigin, col(PlanOrigin.plan_id) == col(PlanRecord.id))
        .where(col(PlanRecord.unit_id).in_([r.id for r in merged]))
        .order_by(col(PlanRecord.year).desc(), col(PlanRecord.id).desc())
    ).all()
    latest = rows[0][0] if rows else None
    templates = sorted({code for y, code in rows if y == latest and code})
    return True, templates[0] if templates else ""


def select_unit(code: str) -> Any:
    from sqlmodel import select

    return select(UnitRecord).where(UnitRecord.code == code)


def _check_parent(
    session: Session, unit: UnitRecord, parent: UnitRecord, level: str | None
) -> None:
    """``parent`` may stand above ``unit``: no loop, and levels that fit."""
    chain: list[str] = [unit.code]
    node: UnitRecord | None = parent
    while node is not None:
        if node.id is not None and node.id == unit.id:
            chain.append(node.code)
            raise LocalizedError("error.unit_parent_cycle", units=" → ".join(chain))
        chain.append(node.code)
        if len(chain) > 64:
            break
        node = session.get(UnitRecord, node.parent_id) if node.parent_id else None
    if not units_core.level_fits(parent.level, level):
        raise LocalizedError(
            "error.unit_level_under",
            code=unit.code,
            level=level,
            parent=parent.code,
            parent_level=parent.level,
        )


def rename_unit(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str,
    into: str,
    on: dt.date,
    name: str | None = None,
    level: str | None = None,
    parent: str | None = None,
) -> Merged:
    """``cchc unit rename A --into C --on DATE --name …``: a renaming is a merger of one unit,
    recorded as ``rename`` — C carries the new name (and official code) from ``on``."""
    return merge_units(
        uow,
        identity,
        now,
        units=[unit],
        into=into,
        on=on,
        name=name,
        level=level,
        parent=parent,
        kind=units_core.RENAME,
    )
