"""What the province's appraisal pages read for many units at once: each unit's assessment of
a year with its cycle, and which items already have a score in each round — a fixed number of
statements whatever the number of units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models import AppraisalCycle, AppraisalNote, Assessment


@dataclass(frozen=True)
class BoardRow:
    """A unit's latest assessment of the year and its cycle (None: not in appraisal yet)."""

    unit_id: int
    assessment_id: int
    status: str
    framework: str
    cycle: AppraisalCycle | None


def board_rows(session: Session, unit_ids: list[int], year: int) -> dict[int, BoardRow]:
    """The latest assessment of ``year`` of each of ``unit_ids``, with its cycle: one query."""
    if not unit_ids:
        return {}
    rows = session.exec(
        select(Assessment, AppraisalCycle)
        .outerjoin(AppraisalCycle, col(AppraisalCycle.assessment_id) == col(Assessment.id))
        .where(col(Assessment.unit_id).in_(unit_ids), Assessment.year == year)
        .order_by(col(Assessment.id))
    ).all()
    out: dict[int, BoardRow] = {}
    for assessment, cycle in rows:  # a later assessment of the same unit replaces an earlier
        out[assessment.unit_id] = BoardRow(
            assessment.unit_id,
            assessment.id or 0,
            assessment.status,
            assessment.framework_code,
            cycle,
        )
    return out


def scored_items(session: Session, assessment_ids: list[int]) -> set[tuple[int, str, int]]:
    """(assessment, item, round) of every score given in ``assessment_ids``: one query."""
    if not assessment_ids:
        return set()
    rows = session.exec(
        select(AppraisalNote.assessment_id, AppraisalNote.item, AppraisalNote.round).where(
            col(AppraisalNote.assessment_id).in_(assessment_ids)
        )
    ).all()
    return {(a, i, r) for a, i, r in rows}


def has_cycle(session: Session, unit_id: int) -> int | None:
    """The latest year ``unit_id`` has an appraisal cycle of (None: never appraised here)."""
    found = session.exec(
        select(AppraisalCycle.year)
        .where(AppraisalCycle.unit_id == unit_id)
        .order_by(col(AppraisalCycle.year).desc())
        .limit(1)
    ).first()
    return found


def roles_of(session: Session, email: str, on: dt.date) -> set[str]:
    """The province roles (``province_staff``, ``appraiser``) ``email`` holds on ``on``."""
    from sqlalchemy import or_

    from models import Officer, ProvinceRole

    rows = session.exec(
        select(ProvinceRole.role)
        .join(Officer, col(Officer.id) == col(ProvinceRole.officer_id))
        .where(
            Officer.email == email,
            col(ProvinceRole.start) <= on,
            or_(col(ProvinceRole.end).is_(None), col(ProvinceRole.end) >= on),
        )
    ).all()
    return set(rows)
