"""Which of the province's deadlines concern which units, and whether each is done.

The self-assessment's deadline is set by a province (``province_deadline``) for every unit
below it that exists on the day (a district's own date before the city's); the explanation's
is each unit's appraisal cycle in its window. A unit is done with the first once it has
submitted, with the second once every item round 1 commented on (or scored below the unit's
own score) has its explanation. Read in a fixed number of queries whatever the number of units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from models import AppraisalCycle, Assessment, UnitRecord
from storage.appraisal import Tree
from storage.deadlines import (
    EXPLANATION,
    SELF_ASSESSMENT,
    LogKey,
    deadlines_between,
    explanation_cycles,
    notes_and_replies,
    submitted_units,
)


@dataclass
class Due:
    """One unit's deadline to look at: which, set by whom, and whether it is done."""

    key: LogKey
    unit: UnitRecord
    province: UnitRecord  # the unit that set it (the unit above, for an explanation)
    done: bool
    unanswered: int = 0


def _exists(unit: UnitRecord, day: dt.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (
        unit.valid_to is None or day <= unit.valid_to
    )


def units_below(shape: Tree, province_id: int, on: dt.date) -> list[int]:
    """The units (communes, wards) below ``province_id`` that exist on ``on``."""
    return [u for u in shape.below(province_id) if _exists(shape.units[u], on)]


def self_assessment_dues(
    session: Session, shape: Tree, first: dt.date, last: dt.date, unit_ids: list[int] | None
) -> list[Due]:
    """Each unit below a province that set a self-assessment deadline near today, with the
    deadline of the nearest unit above it (a district's own date before the city's)."""
    chosen: dict[tuple[int, int], tuple[int, Any]] = {}
    for row in deadlines_between(session, first, last, SELF_ASSESSMENT):
        for uid in units_below(shape, row.unit_id, row.due):
            if unit_ids is not None and uid not in unit_ids:
                continue
            distance = shape.above(uid).index(row.unit_id)
            known = chosen.get((uid, row.year))
            if known is None or distance < known[0]:
                chosen[(uid, row.year)] = (distance, row)
    done: set[tuple[int, int]] = set()
    for year in {y for _, y in chosen}:
        ids = [u for u, y in chosen if y == year]
        done |= {(u, year) for u in submitted_units(session, ids, year)}
    return [
        Due(
            LogKey(uid, year, SELF_ASSESSMENT, row.due),
            shape.units[uid],
            shape.units[row.unit_id],
            (uid, year) in done,
        )
        for (uid, year), (_, row) in sorted(chosen.items())
    ]


def explanation_dues(
    session: Session, shape: Tree, first: dt.date, last: dt.date, unit_ids: list[int] | None
) -> list[Due]:
    """Each unit in its explanation window near its end, with how many of round 1's
    comments still wait for its answer."""
    cycles = [
        c
        for c in explanation_cycles(session, first, last)
        if (unit_ids is None or c.unit_id in unit_ids) and c.unit_id in shape.units
    ]
    if not cycles:
        return []
    waiting = _unanswered(session, cycles)
    out = []
    for cycle in cycles:
        above = shape.above(cycle.unit_id)
        province = shape.units[above[-1] if len(above) > 1 else cycle.unit_id]
        left = waiting.get(cycle.assessment_id, 0)
        assert cycle.explanation_due is not None
        out.append(
            Due(
                LogKey(cycle.unit_id, cycle.year, EXPLANATION, cycle.explanation_due),
                shape.units[cycle.unit_id],
                province,
                left == 0,
                left,
            )
        )
    return out


def _unanswered(session: Session, cycles: list[AppraisalCycle]) -> dict[int, int]:
    """For each cycle's assessment, the items round 1 commented on or scored below the
    unit's own score (in its submitted snapshot) that the unit has not explained."""
    from application.frozen import frozen_card

    ids = [c.assessment_id for c in cycles]
    notes, replied = notes_and_replies(session, ids)
    own: dict[int, dict[str, float | None]] = {}
    for assessment in session.exec(select(Assessment).where(col(Assessment.id).in_(ids))):
        card = frozen_card(assessment)
        own[assessment.id or 0] = {i.code: i.self_score for i in card.items()} if card else {}
    out: dict[int, int] = {}
    for note in notes:
        mine = own.get(note.assessment_id, {}).get(note.item)
        asked = bool(note.comment.strip()) or (mine is not None and note.points < mine)
        if asked and (note.assessment_id, note.item) not in replied:
            out[note.assessment_id] = out.get(note.assessment_id, 0) + 1
    return out


def still_due(session: Session, deadlines: list[dict[str, Any]]) -> bool:
    """Whether a message about ``deadlines`` (its stored facts) still has something to say
    when it goes — held by quiet hours, retried after the mail server was down: not when
    every unit it names has since submitted (resp. explained every item, or seen its
    appraisal move on)."""
    from storage.appraisal import cycle_of

    for fact in deadlines:
        unit = session.exec(select(UnitRecord).where(UnitRecord.code == fact["unit"])).first()
        if unit is None:
            continue
        year = int(fact["year"])
        if fact["deadline"] == SELF_ASSESSMENT:
            if not submitted_units(session, [unit.id or 0], year):
                return True
            continue
        assessment = session.exec(
            select(Assessment)
            .where(Assessment.unit_id == unit.id, Assessment.year == year)
            .order_by(col(Assessment.id).desc())
        ).first()
        cycle = cycle_of(session, assessment.id or 0) if assessment else None
        if cycle is None or cycle.stage != EXPLANATION:
            continue
        if _unanswered(session, [cycle]).get(cycle.assessment_id, 0):
            return True
    return False
