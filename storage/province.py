"""Reading many units at once — "theo dõi các đơn vị": the units below a parent, their plans
of a year, and grouped SQL over all of them (occurrences, documents, self-assessments,
one-stop dossiers).

Every function here runs a fixed number of statements, whatever the number of units: a
province of 168 communes is read with the same queries as a district of three wards. The
figures are those of the one-unit reports (``application.completeness``,
``storage.kpi_inputs``), counted with SQL aggregates grouped by unit; the integration tests
check both agree unit by unit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, Text, and_, case, func, literal_column, select, true
from sqlalchemy import cast as cast_
from sqlmodel import Session

from domain.lifecycle import ACTIVE
from domain.plan import Target
from domain.units import below_during
from models import (
    ApologySlipRecord,
    AreaRecord,
    Assessment,
    Dossier,
    Evidence,
    EvidenceRequirementRecord,
    Occurrence,
    PlanRecord,
    ProcedureRecord,
    TargetRecord,
    TaskRecord,
    UnitRecord,
)
from storage.db import among
from storage.plans import target_of
from storage.units import all_units, node_of

_OCC: Table = Occurrence.__table__  # type: ignore[attr-defined]
_TASK: Table = TaskRecord.__table__  # type: ignore[attr-defined]
_REQ: Table = EvidenceRequirementRecord.__table__  # type: ignore[attr-defined]
_EV: Table = Evidence.__table__  # type: ignore[attr-defined]
_DOS: Table = Dossier.__table__  # type: ignore[attr-defined]
_SLIPS: Table = ApologySlipRecord.__table__  # type: ignore[attr-defined]
_PROC: Table = ProcedureRecord.__table__  # type: ignore[attr-defined]
EXEMPT = ("waived", "cancelled")
CLOSED = ("accepted",)
EMPTY: Any = literal_column("''")


def units_below(
    parent_id: int, start: dt.date, end: dt.date, *, session: Session
) -> tuple[list[UnitRecord], list[int]]:
    """Every unit below ``parent_id`` in the unit tree as it was on any day of
    ``start``..``end`` (``domain.units.below_during``: a ward merged away mid-year is listed for
    that year), by code; and ``parent_id`` with the units above it, nearest first. One query,
    however many units and levels."""
    rows = all_units(session=session)
    found = below_during([node_of(r) for r in rows], parent_id, start, end)
    parents = {r.id: r.parent_id for r in rows}
    chain: list[int] = []
    at: int | None = parent_id
    while at is not None and at in parents and at not in chain:
        chain.append(at)
        at = parents[at]
    return [r for r in rows if r.id in found], chain


@dataclass(frozen=True)
class PlanHead:
    """What the province's tables read of a unit's plan."""

    id: int
    unit_id: int
    code: str
    title: str
    year: int
    timezone: str


def plans_of_year(unit_ids: Sequence[int], year: int, *, session: Session) -> dict[int, PlanHead]:
    """Each unit's plan of ``year`` (the latest loaded when there are several); one query."""
    if not unit_ids:
        return {}
    p = PlanRecord.__table__.c  # type: ignore[attr-defined]
    rows = (
        session.connection()
        .execute(
            select(p.id, p.unit_id, p.code, p.title, p.year, p.timezone)
            .where(among(p.unit_id, unit_ids), p.year == year)
            .order_by(p.id)
        )
        .all()
    )
    return {row.unit_id: PlanHead(*row) for row in rows}


@dataclass(frozen=True)
class AreaName:
    """An area of a plan as the province's tables name it."""

    plan_id: int
    code: str
    title: str
    title_en: str


def area_labels(plan_ids: Sequence[int], *, session: Session) -> list[AreaName]:
    """Each area code of the plans once, as the first plan listing it (by id) names it, in
    the order the plans list them: that plan's order, then the codes only later plans have
    (archived areas left out). A province whose units share one plan reads that plan's
    areas once, not once per unit; one query."""
    if not plan_ids:
        return []
    a = AreaRecord.__table__.c  # type: ignore[attr-defined]
    first = func.row_number().over(partition_by=a.code, order_by=(a.plan_id, a.position, a.id))
    each = (
        select(a.plan_id, a.code, a.title, a.title_en, a.position, a.id, first.label("first"))
        .where(among(a.plan_id, plan_ids), a.archived_at.is_(None))
        .subquery()
    )
    e = each.c
    rows = (
        session.connection()
        .execute(
            select(e.plan_id, e.code, e.title, e.title_en)
            .where(e.first == 1)
            .order_by(e.plan_id, e.position, e.id)
        )
        .all()
    )
    return [AreaName(*row) for row in rows]


def targets_of(
    plan_ids: Sequence[int], *, session: Session, metrics: Sequence[str] | None = None
) -> dict[int, list[Target]]:
    """The targets of each plan as the domain reads them (archived ones left out; only those
    on ``metrics`` when given); one query."""
    out: dict[int, list[Target]] = defaultdict(list)
    table: Table = TargetRecord.__table__  # type: ignore[attr-defined]
    c = table.c
    on = c.metric.in_(list(metrics)) if metrics is not None else true()
    if not plan_ids:
        return out
    # plain rows, not ORM objects (a province reads thousands), with the JSON columns as
    # text: the units of a province mostly share one plan's targets, each read once
    read: list[Any] = [c[name] for name in _TARGET_COLUMNS]
    read += [cast_(c.scope, Text).label("scope"), cast_(c.inferred, Text).label("inferred")]
    known: dict[tuple[Any, ...], Target] = {}
    for row in (
        session.connection()
        .execute(
            select(c.plan_id, *read)
            .where(among(c.plan_id, plan_ids), c.archived_at.is_(None), on)
            .order_by(c.plan_id, c.position, c.id)
        )
        .all()
    ):
        key = tuple(row[1:])
        target = known.get(key)
        if target is None:
            fields = dict(zip((*_TARGET_COLUMNS, "scope", "inferred"), key, strict=True))
            fields["scope"] = json.loads(fields["scope"] or "{}")
            fields["inferred"] = json.loads(fields["inferred"] or "[]")
            # a row with the record's attributes, which is all ``target_of`` reads
            target = known[key] = target_of(cast(TargetRecord, SimpleNamespace(**fields)))
        out[row.plan_id].append(target)
    return out


_TARGET_COLUMNS = (
    "code", "title", "metric", "owner", "title_en", "op", "value", "unit", "source", "note",
    "compare",
)  # fmt: skip


def _by_unit(unit_col: Any, todays: Mapping[int, dt.date]) -> Any:
    """Each unit's "today" (its plan's time zone) as a SQL expression: a constant when all
    units share one day, else a CASE by unit."""
    days: dict[dt.date, list[int]] = defaultdict(list)
    for uid, day in todays.items():
        days[day].append(uid)
    if len(days) <= 1:
        day = next(iter(days), dt.date(1970, 1, 1))
        return _date(day)
    whens = [(unit_col.in_(ids), _date(day)) for day, ids in sorted(days.items())]
    return case(*whens, else_=_date(min(days)))


def _date(day: dt.date) -> Any:
    from sqlalchemy import Date, literal

    return literal(day, type_=Date)


# --- occurrences and documents --------------------------------------------------------------


class AreaCounts(NamedTuple):
    """The occurrences of one unit in one area: of the year (waived and cancelled ones
    aside), due so far (deadline at or before ``now``), done (accepted) and overdue (still
    active) among those due."""

    unit_id: int
    area: str
    year: int
    due: int
    done: int
    overdue: int


def next_deadline(
    plan_ids: Sequence[int], *, session: Session, now: dt.datetime
) -> dt.datetime | None:
    """The first deadline at or after ``now`` among the plans' occurrences: when what is due
    so far and what is overdue next change by the clock alone (None: no deadline ahead)."""
    if not plan_ids:
        return None
    o = _OCC.c
    found: dt.datetime | None = (
        session.connection()
        .execute(select(func.min(o.due_at)).where(among(o.plan_id, plan_ids), o.due_at >= now))
        .scalar()
    )  # typed as the column: read back aware (models.base.UTCDateTime)
    return found


def area_counts(plan_ids: Sequence[int], *, session: Session, now: dt.datetime) -> list[AreaCounts]:
    """The occurrences of the plans counted by unit and area, in the database; one query."""
    if not plan_ids:
        return []
    o, t = _OCC.c, _TASK.c
    area = case((t.archived_at.is_(None), t.area), else_=EMPTY).label("area")
    counted = o.status.not_in(EXEMPT)
    due = and_(counted, o.due_at <= now)
    rows = (
        session.connection()
        .execute(
            select(
                o.unit_id,
                area,
                func.sum(_flag(counted)),
                func.sum(_flag(due)),
                func.sum(_flag(and_(due, o.status.in_(CLOSED)))),
                func.sum(_flag(and_(due, o.status.in_(sorted(ACTIVE))))),
            )
            .select_from(_OCC.outerjoin(_TASK, t.id == o.task_id))
            .where(among(o.plan_id, plan_ids))
            .group_by(o.unit_id, area)
        )
        .all()
    )
    return [
        AreaCounts(int(r[0]), r[1] or "", int(r[2] or 0), int(r[3] or 0), int(r[4] or 0),
                   int(r[5] or 0))
        for r in rows
    ]  # fmt: skip


class StandingGroup(NamedTuple):
    """Occurrences of one unit with the same status and the same standing at ``now``:
    counted together (the progress categories read only these)."""

    unit_id: int
    status: str
    past: bool  # deadline before now
    ahead: bool  # period not begun (the unit's today before its first day)
    handed_in: bool  # submitted at some time
    handed_in_late: bool  # submitted after the deadline
    n: int


def standing_groups(
    plan_ids: Sequence[int], *, session: Session, now: dt.datetime, todays: Mapping[int, dt.date]
) -> list[StandingGroup]:
    """The occurrences of the plans counted by unit, status and standing; one query."""
    if not plan_ids:
        return []
    o = _OCC.c
    today = _by_unit(o.unit_id, todays)
    keys = (
        o.unit_id,
        o.status,
        _flag(o.due_at < now).label("past"),
        _flag(o.period_start > today).label("ahead"),
        _flag(o.submitted_at.is_not(None)).label("handed"),
        _flag(and_(o.submitted_at.is_not(None), o.submitted_at > o.due_at)).label("late"),
    )
    inner = select(*keys).where(among(o.plan_id, plan_ids)).subquery()
    i = inner.c
    grouped = (i.unit_id, i.status, i.past, i.ahead, i.handed, i.late)
    rows = session.connection().execute(select(*grouped, func.count()).group_by(*grouped)).all()
    return [
        StandingGroup(int(r[0]), r[1], bool(r[2]), bool(r[3]), bool(r[4]), bool(r[5]), int(r[6]))
        for r in rows
    ]


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


class DocumentGroup(NamedTuple):
    """Required, provided and accepted documents of one unit and area among the
    occurrences due so far, and how many occurrences due by the unit's today still miss one
    ("còn nợ tài liệu")."""

    unit_id: int
    area: str
    required: int
    provided: int
    accepted: int
    owing: int


def document_groups(
    plan_ids: Sequence[int], *, session: Session, now: dt.datetime, todays: Mapping[int, dt.date]
) -> list[DocumentGroup]:
    """Documents of the plans' occurrences (waived and cancelled ones ask for nothing); one
    query: per occurrence its required documents, those with an upload not rejected, those
    accepted; then summed by unit and area (those of occurrences due so far)."""
    if not plan_ids:
        return []
    o, t, r, e = _OCC.c, _TASK.c, _REQ.c, _EV.c
    today = _by_unit(o.unit_id, todays)
    asked = and_(r.required, r.archived_at.is_(None))
    # the documents each task asks for
    per_task = (
        select(r.task_id.label("task_id"), func.count().label("required"))
        .where(asked)
        .group_by(r.task_id)
        .subquery()
    )
    # each document asked for, once per occurrence: an upload not rejected, one accepted
    each = (
        select(
            e.occurrence_id.label("occurrence_id"),
            func.max(case((e.status != "rejected", 1), else_=0)).label("provided"),
            func.max(case((e.status == "accepted", 1), else_=0)).label("accepted"),
        )
        .select_from(
            _EV.join(_OCC, o.id == e.occurrence_id).join(
                _REQ, and_(r.task_id == o.task_id, r.name == e.requirement, asked)
            )
        )
        .where(among(o.plan_id, plan_ids))
        .group_by(e.occurrence_id, e.requirement)
        .subquery()
    )
    uploads = (
        select(
            each.c.occurrence_id.label("occurrence_id"),
            func.sum(each.c.provided).label("provided"),
            func.sum(each.c.accepted).label("accepted"),
        )
        .group_by(each.c.occurrence_id)
        .subquery()
    )
    u, k = uploads.c, per_task.c
    per_occurrence = (
        select(
            o.unit_id.label("unit_id"),
            t.area.label("area"),
            case((o.due_at <= now, 1), else_=0).label("due"),
            case((and_(o.status.not_in(CLOSED), o.due_date <= today), 1), else_=0).label("owes"),
            k.required.label("required"),
            func.coalesce(u.provided, 0).label("provided"),
            func.coalesce(u.accepted, 0).label("accepted"),
        )
        .select_from(
            _OCC.join(_TASK, t.id == o.task_id)
            .join(per_task, k.task_id == t.id)
            .outerjoin(uploads, u.occurrence_id == o.id)
        )
        .where(
            among(o.plan_id, plan_ids),
            o.status.not_in(EXEMPT),
            t.archived_at.is_(None),
        )
        .subquery()
    )
    p = per_occurrence.c
    owing = func.sum(case((and_(p.owes == 1, p.required > p.provided), 1), else_=0))

    def when_due(value: Any) -> Any:
        return func.sum(case((p.due == 1, value), else_=0))

    rows = (
        session.connection()
        .execute(
            select(
                p.unit_id,
                p.area,
                when_due(p.required),
                when_due(p.provided),
                when_due(p.accepted),
                owing,
            ).group_by(p.unit_id, p.area)
        )
        .all()
    )
    return [
        DocumentGroup(int(x[0]), x[1] or "", int(x[2] or 0), int(x[3] or 0), int(x[4] or 0),
                      int(x[5] or 0))
        for x in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class AssessmentState:
    """A unit's self-assessment of a year: ``submitted`` (and when) or ``open``."""

    status: str
    submitted_at: dt.datetime | None


def assessments_of(
    unit_ids: Sequence[int], year: int, *, session: Session
) -> dict[int, AssessmentState]:
    """Each unit's self-assessment of ``year`` (submitted wins over open when a unit has
    several frameworks); units without one are absent. One query."""
    out: dict[int, AssessmentState] = {}
    if not unit_ids:
        return out
    a = Assessment.__table__.c  # type: ignore[attr-defined]
    # the three columns shown, not the records (a submitted one carries its whole snapshot)
    for unit_id, status, submitted_at in (
        session.connection()
        .execute(
            select(a.unit_id, a.status, a.submitted_at).where(
                among(a.unit_id, unit_ids), a.year == year
            )
        )
        .all()
    ):
        known = out.get(unit_id)
        if known is None or (known.status != "submitted" and status == "submitted"):
            out[unit_id] = AssessmentState(status, submitted_at)
    return out
