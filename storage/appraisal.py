"""The province's appraisal in storage: the unit tree above and below a unit, province roles,
each unit's cycle, appraisers' notes, the unit's replies, and the ranking's rows — each change
written to the audit log. Who may, and what a valid step is, the application layer decides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from models import (
    AppraisalCycle,
    AppraisalNote,
    AppraisalReply,
    Assessment,
    AssessmentItem,
    Officer,
    ProvinceRole,
    UnitRecord,
)
from responsibilities.policy import ProvinceGrant
from storage.audit import record
from storage.db import among


@dataclass(frozen=True)
class Tree:
    """Every unit, by id, with its children (read in one query)."""

    units: dict[int, UnitRecord]
    children: dict[int, list[int]]

    def above(self, unit_id: int) -> list[int]:
        """``unit_id`` and every unit above it, nearest first."""
        out: list[int] = []
        current: int | None = unit_id
        while current is not None and current not in out and current in self.units:
            out.append(current)
            current = self.units[current].parent_id
        return out

    def below(self, unit_id: int) -> list[int]:
        """Every unit under ``unit_id`` that has none under it (the communes and wards)."""
        out: list[int] = []
        stack = list(self.children.get(unit_id, []))
        seen: set[int] = set()
        while stack:
            uid = stack.pop()
            if uid in seen:
                continue
            seen.add(uid)
            kids = self.children.get(uid, [])
            if kids:
                stack.extend(kids)
            else:
                out.append(uid)
        return sorted(out, key=lambda u: self.units[u].code)


def tree(session: Session) -> Tree:
    units = {u.id or 0: u for u in session.exec(select(UnitRecord))}
    children: dict[int, list[int]] = {}
    for uid, unit in units.items():
        if unit.parent_id is not None:
            children.setdefault(unit.parent_id, []).append(uid)
    return Tree(units, children)


def grants_over(
    session: Session, unit_ids: list[int]
) -> tuple[list[ProvinceGrant], dict[str, str]]:
    """The province roles held at any of ``unit_ids`` (a unit and those above it), with the
    names of the officers holding them."""
    rows = session.exec(
        select(ProvinceRole, Officer)
        .join(Officer, col(Officer.id) == col(ProvinceRole.officer_id))
        .where(col(ProvinceRole.unit_id).in_(unit_ids))
        .order_by(col(ProvinceRole.id))
    ).all()
    grants = [ProvinceGrant(o.email, r.role, r.start, r.end, r.year, r.scope) for r, o in rows]
    return grants, {o.email: o.name for _, o in rows}


def add_role(
    session: Session,
    *,
    unit_id: int,
    officer: Officer,
    role: str,
    start: dt.date,
    end: dt.date | None,
    year: int | None,
    scope: str,
    actor: str,
    now: dt.datetime,
) -> ProvinceRole:
    row = ProvinceRole(
        unit_id=unit_id,
        officer_id=officer.id or 0,
        role=role,
        start=start,
        end=end,
        year=year,
        scope=scope,
    )
    session.add(row)
    session.flush()
    record(
        session=session,
        actor=actor,
        now=now,
        action="appraisal_role",
        entity="province_role",
        key=f"{officer.email}/{role}/{year or ''}/{scope}",
        unit_id=unit_id,
        after={
            "officer": officer.email,
            "role": role,
            "year": year,
            "scope": scope,
            "start": start.isoformat(),
            "end": end.isoformat() if end else None,
        },
    )
    return row


def cycle_of(session: Session, assessment_id: int) -> AppraisalCycle | None:
    return session.exec(
        select(AppraisalCycle).where(AppraisalCycle.assessment_id == assessment_id)
    ).first()


def step(
    session: Session,
    cycle: AppraisalCycle,
    *,
    name: str,
    changes: dict[str, Any],
    actor: str,
    now: dt.datetime,
) -> None:
    """Move a cycle one step (``changes``: its new stage and dates), dated in its history
    and audited."""
    before = {"stage": cycle.stage}
    for key, value in changes.items():
        setattr(cycle, key, value)
    cycle.steps = [*cycle.steps, {"step": name, "at": now.isoformat(), "by": actor}]
    session.add(cycle)
    session.flush()
    after = {
        k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v)
        for k, v in changes.items()
    }
    record(
        session=session,
        actor=actor,
        now=now,
        action=f"appraisal_{name}",
        entity="appraisal_cycle",
        key=str(cycle.year),
        unit_id=cycle.unit_id,
        before=before,
        after=after,
    )


def clear_appraisals(
    session: Session, assessment: Assessment, *, actor: str, now: dt.datetime
) -> list[str]:
    """Empty the appraisal fields of every item (scores typed in by the unit itself before it
    submitted): from round 1 on, only the council's scores count. The items cleared."""
    rows = session.exec(
        select(AssessmentItem).where(
            AssessmentItem.assessment_id == assessment.id,
            (col(AssessmentItem.appraisal_1).is_not(None))
            | (col(AssessmentItem.appraisal_2).is_not(None)),
        )
    ).all()
    for row in rows:
        record(
            session=session,
            actor=actor,
            now=now,
            action="appraisal_clear",
            entity="assessment_item",
            key=f"{assessment.year}/{row.item}",
            unit_id=assessment.unit_id,
            before={"appraisal_1": row.appraisal_1, "appraisal_2": row.appraisal_2},
            after={"appraisal_1": None, "appraisal_2": None},
        )
        row.appraisal_1 = row.appraisal_2 = None
        session.add(row)
    return sorted(row.item for row in rows)


def notes(session: Session, assessment_id: int) -> list[AppraisalNote]:
    return list(
        session.exec(
            select(AppraisalNote)
            .where(AppraisalNote.assessment_id == assessment_id)
            .order_by(col(AppraisalNote.item), col(AppraisalNote.round))
        )
    )


def replies(session: Session, assessment_id: int) -> list[AppraisalReply]:
    return list(
        session.exec(
            select(AppraisalReply)
            .where(AppraisalReply.assessment_id == assessment_id)
            .order_by(col(AppraisalReply.item))
        )
    )


def save_note(
    session: Session,
    assessment: Assessment,
    *,
    item: str,
    round_: int,
    points: float,
    comment: str,
    actor: str,
    now: dt.datetime,
) -> None:
    """An appraiser's score and comment of an item in a round; the score also goes to the
    item's ``appraisal_1``/``appraisal_2`` that the scorecard reads."""
    aid = assessment.id or 0
    note = session.exec(
        select(AppraisalNote).where(
            AppraisalNote.assessment_id == aid,
            AppraisalNote.item == item,
            AppraisalNote.round == round_,
        )
    ).first()
    before = None if note is None else {"points": note.points, "comment": note.comment}
    if note is None:
        note = AppraisalNote(
            assessment_id=aid, item=item, round=round_, points=points, appraiser=actor, at=now
        )
    note.points, note.comment, note.appraiser, note.at = points, comment, actor, now
    session.add(note)
    row = session.exec(
        select(AssessmentItem).where(
            AssessmentItem.assessment_id == aid, AssessmentItem.item == item
        )
    ).first()
    if row is None:
        row = AssessmentItem(assessment_id=aid, item=item)
    setattr(row, f"appraisal_{round_}", points)
    session.add(row)
    record(
        session=session,
        actor=actor,
        now=now,
        action="appraisal_score",
        entity="assessment_item",
        key=f"{assessment.year}/{item}/{round_}",
        unit_id=assessment.unit_id,
        before=before,
        after={"points": points, "comment": comment},
    )


def save_reply(
    session: Session,
    assessment: Assessment,
    *,
    item: str,
    text: str,
    evidence_ids: list[int],
    actor: str,
    now: dt.datetime,
) -> None:
    aid = assessment.id or 0
    reply = session.exec(
        select(AppraisalReply).where(
            AppraisalReply.assessment_id == aid, AppraisalReply.item == item
        )
    ).first()
    before = None if reply is None else {"text": reply.text, "evidence": reply.evidence_ids}
    if reply is None:
        reply = AppraisalReply(assessment_id=aid, item=item, by=actor, at=now)
    reply.text, reply.evidence_ids, reply.by, reply.at = text, list(evidence_ids), actor, now
    session.add(reply)
    record(
        session=session,
        actor=actor,
        now=now,
        action="appraisal_explain",
        entity="assessment_item",
        key=f"{assessment.year}/{item}",
        unit_id=assessment.unit_id,
        before=before,
        after={"text": text, "evidence": list(evidence_ids)},
    )


@dataclass(frozen=True)
class RankingRow:
    """One unit's year as the ranking reads it (no cycle: ``stage`` is the assessment's
    status, or empty without an assessment)."""

    unit_id: int
    year: int
    stage: str
    self_index: float | None
    survey_total: float | None
    appraised_index: float | None
    grade: str | None
    published_at: dt.datetime | None


def ranking_rows(session: Session, unit_ids: list[int], years: list[int]) -> list[RankingRow]:
    """Every assessment of ``unit_ids`` in ``years`` with its cycle: one query."""
    if not unit_ids:
        return []
    rows = session.exec(
        select(Assessment.unit_id, Assessment.year, Assessment.status, AppraisalCycle)
        .outerjoin(AppraisalCycle, col(AppraisalCycle.assessment_id) == col(Assessment.id))
        .where(
            among(col(Assessment.unit_id), unit_ids),
            col(Assessment.year).in_(years),
        )
    ).all()
    out = []
    for unit_id, year, status, cycle in rows:
        out.append(
            RankingRow(
                unit_id=unit_id,
                year=year,
                stage=cycle.stage if cycle else status,
                self_index=cycle.self_index if cycle else None,
                survey_total=cycle.survey_total if cycle else None,
                appraised_index=cycle.appraised_index if cycle else None,
                grade=cycle.grade if cycle else None,
                published_at=cycle.published_at if cycle else None,
            )
        )
    return out
