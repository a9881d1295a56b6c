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
from domain.errors import CchcError
from domain.i18n import Lang
from domain.letterhead import Letterhead
from domain.unitfile import UnitRow
from domain.units import Succession, TreeLine, UnitNode
from models import UnitRecord
from storage.identity import officer_in_post
from storage.units import node_of, resolve_unit

if TYPE_CHECKING:
    from sqlmodel import Session


def timezone_of(uow: UnitOfWork, unit: str | None) -> str:
    """The time zone of ``unit``'s latest plan (or of the only unit with a plan); the plan
    format's default when there is no such plan yet."""
    from storage.plans import unit_timezone

    with uow as session:
        try:
            unit_row = resolve_unit(unit, session=session)
        except CchcError:
            return DEFAULT_TIMEZONE
        return unit_timezone(session=session, unit_id=unit_row.id or 0)


def unit_of(session: Session, identity: Identity, unit: str | None, now: dt.datetime) -> UnitRecord:
    """The unit named by ``unit``; else a signed-in officer's own unit (an installation may
    hold a whole province's units, so "the only unit with a plan" is the last resort); else
    the only unit with a plan."""
    if unit is None and identity.kind == "officer":
        officer = officer_in_post(identity.name, session=session, now=now)
        found = session.get(UnitRecord, officer.unit_id) if officer is not None else None
        if found is not None:
            return found
    return resolve_unit(unit, session=session)


def letterhead(session: Session, unit_row: UnitRecord, on: dt.date | None) -> Letterhead:
    """Who issues a document of ``unit_row`` on ``on`` and signs it: the unit under its parent
    in force that day, signed by the holder of the chairman's position that day (a stand-in
    when one acts)."""
    from responsibilities.holding import holders
    from storage.officers import holdings

    parent = session.get(UnitRecord, unit_row.parent_id) if unit_row.parent_id else None
    while parent is not None and on is not None and parent.valid_to and parent.valid_to < on:
        # a district dissolved by then: the unit stands under the one above (as it did that day)
        parent = session.get(UnitRecord, parent.parent_id) if parent.parent_id else None
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


@dataclass(frozen=True)
class EndedUnit:
    """A unit of a year's report that no longer existed at the year's end: merged (or
    renamed) into ``into`` from ``on``; ``into`` empty: it ended with no successor (dissolved).
    Never ranked, never counted as missing its self-assessment."""

    on: dt.date
    into: str = ""
    into_name: str = ""
    kind: str = ""

    @property
    def stage(self) -> str:
        """``merged`` (or renamed) into a successor, else ``ended``."""
        return "merged" if self.into else "ended"

    def text(self, lang: Lang = "vi") -> str:
        """ "sáp nhập vào Phường X (26745) từ 01/07/2020" as the reports print it."""
        from domain.i18n import t

        key = f"unit.ended.{self.kind if self.into else 'none'}"
        return t(key, lang, into=self.into, name=self.into_name, on=f"{self.on:%d/%m/%Y}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "into": self.into or None,
            "into_name": self.into_name or None,
            "on": self.on.isoformat(),
            "kind": self.kind or "ended",
        }


def units_of_year(
    session: Session, rows: Mapping[int, UnitRecord], ids: Sequence[int], year: int
) -> tuple[list[int], dict[int, EndedUnit]]:
    """Of ``ids`` (units of ``rows``), those a report of ``year`` shows as they were that
    year: the units in force at its end (in the order of ``ids``), and those that ended during
    it with where their work went. Units that did not exist that year are left out. One query
    (the successions), whatever the number of units."""
    from storage.units import successions

    year_units = units_core.units_of_year(
        [node_of(rows[i]) for i in ids if i in rows], successions(session=session), ids, year
    )
    ended: dict[int, EndedUnit] = {}
    for uid, end in year_units.ended.items():
        into = None
        if end.into is not None:
            into = rows.get(end.into) or session.get(UnitRecord, end.into)
        ended[uid] = EndedUnit(
            on=end.on,
            into=into.code if into else "",
            into_name=(into.name or into.code) if into else "",
            kind=(end.kind or units_core.MERGE) if into else "",
        )
    return list(year_units.in_force), ended


def ended_by(session: Session, rows: Sequence[UnitRecord], day: dt.date) -> dict[int, EndedUnit]:
    """Those of ``rows`` that no longer exist on ``day`` (their validity ended before it),
    with where their work went; units not yet begun are not ended."""
    from storage.units import successions

    gone = [r for r in rows if r.valid_to is not None and r.valid_to < day]
    if not gone:
        return {}
    out_of = {s.predecessor: s for s in successions(session=session)}
    ended: dict[int, EndedUnit] = {}
    for row in gone:
        s = out_of.get(row.id or 0)
        into = session.get(UnitRecord, s.successor) if s is not None else None
        assert row.valid_to is not None
        ended[row.id or 0] = (
            EndedUnit(s.on, into.code, into.name or into.code, s.kind)
            if s is not None and into is not None
            else EndedUnit(row.valid_to + dt.timedelta(days=1))
        )
    return ended


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


def authorize_units(
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
        authorize_units(session, identity, now, scope, file)
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
