"""Units — "đơn vị": which unit a request is about, its local time, and who issues and signs
its documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from application.access import Identity
from application.uow import UnitOfWork
from domain import units as units_core
from domain.clock import DEFAULT_TIMEZONE
from domain.errors import CchcError, ConflictError, LocalizedError, NotFoundError
from domain.letterhead import Letterhead
from domain.unitfile import UnitRow
from domain.units import Succession, TreeLine, UnitNode
from models import UnitRecord
from storage.units import node_of

if TYPE_CHECKING:
    from sqlmodel import Session


def timezone_of(uow: UnitOfWork, unit: str | None) -> str:
    """The time zone of ``unit``'s latest plan (or of the only unit with a plan); the plan
    format's default when there is no such plan yet."""
    from storage.plans import unit_timezone
    from storage.units import resolve_unit

    with uow as session:
        try:
            unit_row = resolve_unit(unit, session=session)
        except CchcError:
            return DEFAULT_TIMEZONE
        return unit_timezone(session=session, unit_id=unit_row.id or 0)


def letterhead(session: Session, unit_row: UnitRecord, on: dt.date | None) -> Letterhead:
    """Who issues a document of ``unit_row`` on ``on`` and signs it: the unit under its parent,
    signed by the holder of the chairman's position that day (a stand-in when one acts)."""
    from responsibilities.holding import holders
    from storage.officers import holdings

    parent = session.get(UnitRecord, unit_row.parent_id) if unit_row.parent_id else None
    chairs = (
        holders(holdings(session=session, unit_id=unit_row.id or 0), "chairman", on) if on else []
    )
    signer = chairs[0] if chairs else None
    return Letterhead(
        body=unit_row.name or unit_row.code,
        parent=parent.name if parent else "",
        on=on,
        signer=signer.name if signer else "",
        acting=signer is not None and signer.kind != "holder",
    )


# --- units over time ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitView:
    """A unit as ``cchc unit list/show`` shows it; ``depth`` in the tree listed."""

    code: str
    name: str
    level: str | None
    parent: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    depth: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "parent": self.parent,
            "from": self.valid_from.isoformat() if self.valid_from else None,
            "to": self.valid_to.isoformat() if self.valid_to else None,
            "depth": self.depth,
        }


@dataclass(frozen=True)
class UnitTree:
    """The units in force on ``on``, as a tree (depth first)."""

    on: dt.date
    units: tuple[UnitView, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"on": self.on.isoformat(), "units": [u.as_dict() for u in self.units]}


@dataclass(frozen=True)
class SuccessionView:
    """A unit before or after another one: its code and name, from when, merger or renaming."""

    code: str
    name: str
    on: dt.date
    kind: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "on": self.on.isoformat(), "kind": self.kind}


@dataclass(frozen=True)
class UnitShown:
    """``cchc unit show``: a unit, its history and whether it has plans."""

    unit: UnitView
    predecessors: tuple[SuccessionView, ...]
    successors: tuple[SuccessionView, ...]
    children: tuple[str, ...]
    plans: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        out = self.unit.as_dict()
        out.pop("depth")
        return {
            **out,
            "predecessors": [p.as_dict() for p in self.predecessors],
            "successors": [s.as_dict() for s in self.successors],
            "children": list(self.children),
            "plans": list(self.plans),
            "has_plans": bool(self.plans),
        }


def _view(row: UnitRecord | UnitNode, codes: dict[int, str], depth: int = 0) -> UnitView:
    return UnitView(
        code=row.code,
        name=row.name,
        level=row.level,
        parent=codes.get(row.parent_id) if row.parent_id else None,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        depth=depth,
    )


def tree_on(session: Session, day: dt.date) -> list[TreeLine]:
    """The units in force on ``day`` as a tree (depth first, siblings by code)."""
    from storage.units import nodes

    return units_core.tree_on(nodes(session=session), day)


def predecessors(session: Session, unit_id: int, *, transitive: bool = True) -> list[Succession]:
    """The successions into ``unit_id`` (``transitive``: and into its predecessors …)."""
    from storage.units import successions

    return units_core.predecessors(successions(session=session), unit_id, transitive=transitive)


def visible_units(session: Session, unit_id: int, on: dt.date) -> set[int]:
    """The units an officer of ``unit_id`` may read on ``on``: the unit, its predecessors
    (transitively) and the units below it in the tree that day — the rule the policy uses to
    say whether an officer of unit X may read unit Y."""
    from storage.units import nodes, successions

    return units_core.visible(nodes(session=session), successions(session=session), unit_id, on)


def history_ids(session: Session, unit_row: UnitRecord, year: int | None = None) -> list[int]:
    """``unit_row`` and its predecessors (transitively) that existed in ``year`` (every one
    when ``year`` is None): whose history a report "with predecessors" includes."""
    from storage.units import nodes

    found = {s.predecessor for s in predecessors(session, unit_row.id or 0)}
    if year is not None:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        found = {n.id for n in nodes(session=session) if n.id in found and n.overlaps(start, end)}
    return [unit_row.id or 0, *sorted(found)]


def unit_tree(uow: UnitOfWork, on: dt.date) -> UnitTree:
    """``cchc unit list``: the tree of units as it was on ``on``."""
    from storage.units import all_units

    with uow as session:
        rows = all_units(session=session)
        codes = {r.id or 0: r.code for r in rows}
        lines = units_core.tree_on([node_of(r) for r in rows], on)
        return UnitTree(on, tuple(_view(line.unit, codes, line.depth) for line in lines))


def show_unit(uow: UnitOfWork, code: str, on: dt.date) -> UnitShown:
    """``cchc unit show``: a unit's level, parent, validity, predecessors and successors, the
    units under it on ``on`` and its plans."""
    from sqlmodel import col, select

    from models import PlanRecord
    from storage.units import all_units, get_unit, successions

    with uow as session:
        row = get_unit(code, session=session)
        rows = {r.id or 0: r for r in all_units(session=session)}
        codes = {k: r.code for k, r in rows.items()}
        known = successions(session=session)
        uid = row.id or 0

        def seen(unit_id: int, s: Succession) -> SuccessionView:
            other = rows[unit_id]
            return SuccessionView(other.code, other.name, s.on, s.kind)

        plans = session.exec(
            select(PlanRecord.code).where(PlanRecord.unit_id == uid).order_by(col(PlanRecord.year))
        ).all()
        children = [
            rows[i].code
            for i in sorted(
                units_core.below([node_of(r) for r in rows.values()], uid, on),
                key=lambda i: rows[i].code,
            )
            if rows[i].parent_id == uid
        ]
        return UnitShown(
            unit=_view(row, codes),
            predecessors=tuple(seen(s.predecessor, s) for s in units_core.predecessors(known, uid)),
            successors=tuple(seen(s.successor, s) for s in units_core.successors(known, uid)),
            children=tuple(children),
            plans=tuple(plans),
        )


# --- importing the unit file -------------------------------------------------------------------


@dataclass(frozen=True)
class UnitsImported:
    """What ``cchc unit import`` stored."""

    file: str
    rows: int
    created: int
    updated: int
    unchanged: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def _authorize_units(
    session: Session, identity: Identity, now: dt.datetime, scope: UnitRecord | None, key: str
) -> None:
    """Changing the unit tree is planning work (``plan.load``) of the unit above the units
    changed — the province's CCHC officer or chairman —, or of the operator."""
    from application.plans import authorize

    authorize(session, identity, now, scope, "plan.load", entity="unit", key=key)


def _top(session: Session) -> UnitRecord | None:
    """The one unit at the top of the tree, when there is exactly one."""
    from sqlmodel import select

    tops = session.exec(select(UnitRecord).where(UnitRecord.parent_id == None)).all()  # noqa: E711
    return tops[0] if len(tops) == 1 else None


def import_units(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    header: Sequence[str],
    rows: Sequence[tuple[int, Mapping[str, str]]],
    file: str,
) -> UnitsImported:
    """``cchc unit import``: every row is checked first (codes, levels, parents that exist and
    fit, no loop of parents) and nothing is stored when any is wrong; a unit already stored is
    updated (its name, level, parent, validity). Audited."""
    from domain.unitfile import Known, read_units
    from storage.units import all_units, save_unit

    with uow as session:
        stored = {r.code: r for r in all_units(session=session)}
        by_id = {r.id: r.code for r in stored.values()}
        known = {
            code: Known(code, r.level, by_id.get(r.parent_id) if r.parent_id else None)
            for code, r in stored.items()
        }
        checked = read_units(header, rows, file=file, known=known)
        scope = _top(session)
        if scope is not None and any(r.code == scope.code for r in checked):
            scope = None  # changing the top unit itself: the operator
        _authorize_units(session, identity, now, scope, file)
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for r in _parents_first(checked):
            row = stored.get(r.code) or UnitRecord(code=r.code)
            fields: dict[str, Any] = {
                "name": r.name,
                "parent_id": stored[r.parent].id if r.parent else None,
                "valid_from": r.valid_from,
                "valid_to": r.valid_to,
            }
            if r.level is not None:
                fields["level"] = r.level
            outcome = save_unit(row, fields, session=session, actor=identity.audit_name, now=now)
            counts[outcome] += 1
            stored[r.code] = row
    return UnitsImported(file, len(checked), **counts)


def _parents_first(rows: Sequence[UnitRow]) -> list[UnitRow]:
    """``rows`` with each unit after its parent when the parent is in the file too (the file
    was checked: no loop of parents)."""
    in_file = {r.code: r for r in rows}
    out: list[UnitRow] = []
    done: set[str] = set()

    def visit(r: UnitRow) -> None:
        if r.code in done:
            return
        done.add(r.code)
        if r.parent in in_file:
            visit(in_file[r.parent])
        out.append(r)

    for r in rows:
        visit(r)
    return out


# --- mergers and renamings ---------------------------------------------------------------------


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
    from domain.unitfile import MAX_NAME
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
    if name is not None and not (0 < len(name.strip()) <= MAX_NAME):
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
            _check_parent(session, target, parent_row, new_level or target.level)
        scope = parent_row or (
            session.get(UnitRecord, target.parent_id) if target.parent_id else None
        )
        _authorize_units(session, identity, now, scope, into)
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
        )


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
