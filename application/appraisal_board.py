"""The province's appraisal as its web pages read it — "bảng thẩm định".

- :func:`board` — the units below the reader's unit for a year: each one's self-assessment
  and appraisal stage (with the explanation deadline), the reader's own items still to score
  in the open round (an appraiser's), and the step the province's staff may take next;
- one unit's page and documents: ``application.appraisal_unit``; the ranking and a unit's own
  result: ``application.appraisal_standing``.

Every reader is checked by the policy (``responsibilities.policy`` ``APPRAISAL``) before
anything about a unit is read; a refusal is ``Refused``. Reading writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from application.access import Identity
from application.appraisal import _context, _Ctx
from application.uow import UnitOfWork
from domain.errors import LocalizedError
from responsibilities.policy import APPRAISER

if TYPE_CHECKING:
    from sqlmodel import Session

    from domain.framework import Framework

IN_ROUND = ("round1", "round2")


def next_step(stage: str, today: dt.date, due: dt.date | None) -> str:
    """What the province's staff may do next to a unit at ``stage``: ``open`` (round 1 of a
    submitted self-assessment, round 2 once the explanation window is over), ``close``,
    ``publish``, or nothing (waiting for the unit)."""
    if stage == "submitted":
        return "open"
    if stage == "explanation":
        return "open" if due is not None and today > due else ""
    if stage in IN_ROUND:
        return "close"
    if stage == "closed":
        return "publish"
    return ""


def items_of(framework: Framework) -> list[tuple[Any, str, str]]:
    """Each item of ``framework`` with the codes of its area and criterion."""
    return [(i, a.code, c.code) for a in framework.areas for c in a.criteria for i in c.items]


def may_score(ctx: _Ctx, identity: Identity, year: int, stage: str, item: Any, *where: str) -> bool:
    area, criterion = where
    subject = ctx.subject(
        task=item.code, item=item.code, area=area, criterion=criterion, year=year, stage=stage
    )
    return ctx.may(identity, "appraisal.score", subject)


# --- the overview --------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardLine:
    """A unit on the overview: ``stage`` is ``missing`` (no self-assessment), ``open`` (not
    submitted), ``submitted`` (waiting for round 1) or the cycle's stage; ``to_score`` of
    ``in_scope``: the reader's items without a score in the open round."""

    code: str
    name: str
    stage: str
    explanation_due: dt.date | None
    self_index: float | None
    appraised_index: float | None
    grade: str | None
    next_step: str
    in_scope: int = 0
    to_score: int = 0


@dataclass(frozen=True)
class Member:
    """A province role as the staff's list shows it: the officer, the role, for which year
    and area or criterion (empty: every item), from when to when."""

    email: str
    name: str
    role: str
    year: int | None
    scope: str
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class Board:
    """The appraisal of the units below ``unit`` in ``year``, for its reader; for the staff,
    the province's roles (``members``) and the officers of ``unit`` who may be given one
    (``officers``: email, name)."""

    unit: str
    name: str
    year: int
    today: dt.date
    staff: bool
    appraiser: bool
    lines: list[BoardLine] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    officers: list[tuple[str, str]] = field(default_factory=list)
    # the self-assessment deadline of the year the province set (``cchc appraisal deadline``)
    # and how many of the units below have submitted
    self_assessment_due: dt.date | None = None
    submitted: int = 0

    def ready(self, step: str) -> int:
        """How many units the step ``open``, ``close`` or ``publish`` applies to now."""
        return sum(1 for line in self.lines if line.next_step == step)


@dataclass(frozen=True)
class OwnUnit:
    """The reader is an officer of a unit with nothing below it: their unit's own page."""

    unit: str
    year: int


def default_year(session: Session, unit_ids: list[int], today: dt.date) -> int:
    """This year when a unit below has submitted this year's assessment, else last year (the
    council sits in the year after the one assessed)."""
    from storage.appraisal_board import board_rows

    rows = board_rows(session, unit_ids, today.year)
    return today.year if any(r.status == "submitted" for r in rows.values()) else today.year - 1


def board(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None = None,
    year: int | None = None,
) -> Board | OwnUnit:
    """The overview of the units below ``unit`` (default: the reader's own unit) for the
    province's staff and appraisers (``ranking.read``). An officer of a unit with nothing
    below it who may read that unit's appraisal is sent to it (``OwnUnit``)."""
    from application.units import unit_of
    from storage.appraisal import tree
    from storage.appraisal_board import board_rows, scored_items
    from storage.frameworks import read_framework_record

    with uow as session:
        shape = tree(session)
        row = unit_of(session, identity, unit, now)
        ctx = _context(session, row.code, now, shape)
        below = shape.below(ctx.unit_id)
        if year is None:
            year = default_year(session, below or [ctx.unit_id], ctx.today)
        subject = ctx.subject(year=year)
        if not below and unit is None and ctx.may(identity, "appraisal.explain", subject):
            return OwnUnit(row.code, year)
        ctx.check(identity, "ranking.read", subject, key=str(year))
        if not below:
            raise LocalizedError("error.province_no_units", unit=row.code)
        staff = ctx.may(identity, "appraisal.manage", subject)
        me = identity.name
        appraiser = any(
            g.officer == me and g.role == APPRAISER and g.active(ctx.today)
            and g.year in (None, year)
            for g in ctx.grants
        )  # fmt: skip
        rows = board_rows(session, below, year)
        in_round = [r for r in rows.values() if r.cycle is not None and r.cycle.stage in IN_ROUND]
        scored = scored_items(session, [r.assessment_id for r in in_round]) if appraiser else set()
        frameworks: dict[str, list[tuple[Any, str, str]]] = {}
        lines = []
        for uid in below:
            found = rows.get(uid)
            cycle = found.cycle if found else None
            stage = cycle.stage if cycle else (found.status if found else "missing")
            due = cycle.explanation_due if cycle else None
            in_scope = to_score = 0
            if appraiser and found is not None and stage in IN_ROUND:
                if found.framework not in frameworks:
                    record = read_framework_record(found.framework, session=session)
                    frameworks[found.framework] = items_of(record)
                round_ = 1 if stage == "round1" else 2
                for item, area, criterion in frameworks[found.framework]:
                    if may_score(ctx, identity, year, stage, item, area, criterion):
                        in_scope += 1
                        to_score += (found.assessment_id, item.code, round_) not in scored
            published = cycle is not None and stage == "published"
            lines.append(
                BoardLine(
                    code=shape.units[uid].code,
                    name=shape.units[uid].name,
                    stage=stage,
                    explanation_due=due,
                    self_index=cycle.self_index if cycle else None,
                    appraised_index=cycle.appraised_index if published and cycle else None,
                    grade=cycle.grade if published and cycle else None,
                    next_step=next_step(stage, ctx.today, due) if staff else "",
                    in_scope=in_scope,
                    to_score=to_score,
                )
            )
        members, officers = _council(session, ctx) if staff else ([], [])
        from storage.deadlines import deadline_of

        deadline = deadline_of(session, shape.above(ctx.unit_id), year)
        return Board(
            row.code, row.name, year, ctx.today, staff, appraiser, lines, members, officers,
            self_assessment_due=deadline.due if deadline else None,
            submitted=sum(1 for r in rows.values() if r.status == "submitted"),
        )  # fmt: skip


def _council(session: Session, ctx: _Ctx) -> tuple[list[Member], list[tuple[str, str]]]:
    """The roles over ``ctx``'s unit still running or to come, and the unit's officers."""
    from sqlmodel import col, select

    from models import Officer

    names = ctx.gate.names
    members = [
        Member(g.officer, names.get(g.officer, g.officer), g.role, g.year, g.scope, g.start, g.end)
        for g in ctx.grants
        if g.end is None or g.end >= ctx.today
    ]
    rows = session.exec(
        select(Officer.email, Officer.name)
        .where(Officer.unit_id == ctx.unit_id)
        .order_by(col(Officer.name))
    ).all()
    return members, [(email, name) for email, name in rows]
