"""The province's deadlines in storage: setting one (audited), the deadlines near a day, the
units' self-assessments and explanations as the reminders need them, the plans' reminder
conventions, and the log that makes each reminder step go out once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from domain.clock import DEFAULT_TIMEZONE
from domain.plan import Reminders
from models import (
    AppraisalCycle,
    AppraisalNote,
    AppraisalReply,
    Assessment,
    DeadlineReminderLog,
    PlanRecord,
    ProvinceDeadline,
)
from storage.audit import record
from storage.db import insert_ignore

SELF_ASSESSMENT = "self_assessment"
EXPLANATION = "explanation"


def set_deadline(
    session: Session,
    *,
    unit_id: int,
    year: int,
    kind: str,
    due: dt.date,
    actor: str,
    now: dt.datetime,
) -> tuple[dt.date | None, ProvinceDeadline]:
    """Set (or move) the deadline ``kind`` of ``year`` for the units below ``unit_id``; the
    date it had before (None: new), and the row. Audited as ``appraisal_deadline``."""
    row = session.exec(
        select(ProvinceDeadline).where(
            ProvinceDeadline.unit_id == unit_id,
            ProvinceDeadline.year == year,
            ProvinceDeadline.kind == kind,
        )
    ).first()
    before = row.due if row else None
    if row is None:
        row = ProvinceDeadline(unit_id=unit_id, year=year, kind=kind, due=due, set_at=now)
    row.due, row.set_by, row.set_at = due, actor, now
    session.add(row)
    session.flush()
    record(
        session=session,
        actor=actor,
        now=now,
        action="appraisal_deadline",
        entity="province_deadline",
        key=f"{year}/{kind}",
        unit_id=unit_id,
        before={"due": before.isoformat()} if before else None,
        after={"due": due.isoformat()},
    )
    return before, row


def deadlines_between(
    session: Session, first: dt.date, last: dt.date, kind: str = SELF_ASSESSMENT
) -> list[ProvinceDeadline]:
    """The deadlines of ``kind`` due from ``first`` to ``last``."""
    return list(
        session.exec(
            select(ProvinceDeadline)
            .where(
                ProvinceDeadline.kind == kind,
                col(ProvinceDeadline.due) >= first,
                col(ProvinceDeadline.due) <= last,
            )
            .order_by(col(ProvinceDeadline.id))
        )
    )


def deadline_of(session: Session, unit_ids: Iterable[int], year: int) -> ProvinceDeadline | None:
    """The self-assessment deadline of ``year`` set at the nearest of ``unit_ids`` (a unit
    and those above it, nearest first)."""
    order = list(unit_ids)
    rows = session.exec(
        select(ProvinceDeadline).where(
            col(ProvinceDeadline.unit_id).in_(order),
            ProvinceDeadline.year == year,
            ProvinceDeadline.kind == SELF_ASSESSMENT,
        )
    ).all()
    by_unit = {r.unit_id: r for r in rows}
    return next((by_unit[u] for u in order if u in by_unit), None)


def submitted_units(session: Session, unit_ids: Iterable[int], year: int) -> set[int]:
    """Those of ``unit_ids`` whose self-assessment of ``year`` is submitted."""
    ids = list(unit_ids)
    if not ids:
        return set()
    return set(
        session.exec(
            select(Assessment.unit_id).where(
                col(Assessment.unit_id).in_(ids),
                Assessment.year == year,
                Assessment.status == "submitted",
            )
        ).all()
    )


def explanation_cycles(session: Session, first: dt.date, last: dt.date) -> list[AppraisalCycle]:
    """The appraisal cycles in their explanation window whose deadline is from ``first`` to
    ``last``."""
    return list(
        session.exec(
            select(AppraisalCycle)
            .where(
                AppraisalCycle.stage == EXPLANATION,
                col(AppraisalCycle.explanation_due) >= first,
                col(AppraisalCycle.explanation_due) <= last,
            )
            .order_by(col(AppraisalCycle.id))
        )
    )


def reminder_conventions(
    session: Session, unit_ids: Iterable[int], year: int
) -> dict[int, tuple[Reminders, str]]:
    """Each unit's reminder convention (its plan's default ladder) and time zone: the plan of
    ``year``, else its latest plan; units without a plan are left out."""
    ids = list(unit_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(PlanRecord.unit_id, PlanRecord.year, PlanRecord.reminders, PlanRecord.timezone)
        .where(col(PlanRecord.unit_id).in_(ids))
        .order_by(col(PlanRecord.unit_id), col(PlanRecord.year).desc(), col(PlanRecord.id).desc())
    ).all()
    best: dict[int, tuple[int, dict[str, Any], str]] = {}
    for unit_id, plan_year, reminders, timezone in rows:
        if unit_id not in best or plan_year == year:
            if unit_id in best and best[unit_id][0] == year:
                continue
            best[unit_id] = (plan_year, dict(reminders or {}), timezone or DEFAULT_TIMEZONE)
    return {u: (_reminders(r), tz) for u, (_, r, tz) in best.items()}


def _reminders(value: dict[str, Any]) -> Reminders:
    if not value:
        return Reminders()
    hours, minutes = str(value.get("at", "07:30")).split(":")
    return Reminders(
        before=tuple(value.get("before", ())),
        escalate=tuple(value.get("escalate", ())),
        at=dt.time(int(hours), int(minutes)),
    )


@dataclass(frozen=True)
class LogKey:
    """A unit's deadline: the unit, the year, which deadline and the date it was for."""

    unit_id: int
    year: int
    deadline: str
    due: dt.date


def steps_done(session: Session, keys: Iterable[LogKey]) -> dict[LogKey, set[tuple[str, int]]]:
    """The (kind, step) pairs already handled for each of ``keys``."""
    wanted = set(keys)
    if not wanted:
        return {}
    rows = session.exec(
        select(DeadlineReminderLog).where(
            col(DeadlineReminderLog.unit_id).in_({k.unit_id for k in wanted}),
            col(DeadlineReminderLog.year).in_({k.year for k in wanted}),
        )
    )
    done: dict[LogKey, set[tuple[str, int]]] = {k: set() for k in wanted}
    for row in rows:
        key = LogKey(row.unit_id, row.year, row.deadline, row.due)
        if key in done:
            done[key].add((row.kind, row.step))
    return done


def claim_step(
    session: Session, key: LogKey, kind: str, step: int, outcome: str, now: dt.datetime
) -> bool:
    """Record a step handled; False when another sweep recorded it first."""
    return insert_ignore(
        session,
        DeadlineReminderLog,
        {
            "unit_id": key.unit_id,
            "year": key.year,
            "deadline": key.deadline,
            "due": key.due,
            "kind": kind,
            "step": step,
            "outcome": outcome,
            "at": now,
        },
    )


def notes_and_replies(
    session: Session, assessment_ids: Iterable[int]
) -> tuple[list[AppraisalNote], set[tuple[int, str]]]:
    """Round 1's notes of the assessments, and the (assessment, item) pairs explained."""
    ids = list(assessment_ids)
    if not ids:
        return [], set()
    notes = list(
        session.exec(
            select(AppraisalNote).where(
                col(AppraisalNote.assessment_id).in_(ids), AppraisalNote.round == 1
            )
        )
    )
    replied = {
        (a, i)
        for a, i in session.exec(
            select(AppraisalReply.assessment_id, AppraisalReply.item).where(
                col(AppraisalReply.assessment_id).in_(ids)
            )
        )
    }
    return notes, replied
