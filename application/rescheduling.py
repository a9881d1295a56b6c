"""Occurrences a change moves — "lần thực hiện bị dời, hủy": a plan loaded or derived again, or
a working day changed, schedules the plans' occurrences again; what moved is the difference
between a snapshot taken before and one taken after.

Shared by ``plan load`` from the browser (``application.plan_admin``), ``plan derive``
(``application.derive``) and the working-day calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from domain.lifecycle import ACTIVE
from models import Occurrence, PlanRecord

Snapshot = dict[tuple[str, str], tuple[dt.date, str]]
"""(task, period) → (deadline, status) of every occurrence of some plans."""


@dataclass(frozen=True)
class OccurrenceChange:
    """An open occurrence whose deadline a change moved (``after`` None: cancelled, ``before``
    None: new)."""

    task: str
    period: str
    before: dt.date | None
    after: dt.date | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "created"
        return "cancelled" if self.after is None else "moved"


def snapshot(session: Session, plan_ids: Sequence[int]) -> Snapshot:
    """Every occurrence of ``plan_ids``: its deadline and status."""
    if not plan_ids:
        return {}
    rows = session.exec(select(Occurrence).where(col(Occurrence.plan_id).in_(plan_ids))).all()
    return {(o.task_code, o.period): (o.due_date, o.status) for o in rows}


def changes_between(before: Snapshot, after: Snapshot) -> tuple[OccurrenceChange, ...]:
    """The occurrences made, cancelled (open before, not after) or moved (still open, another
    deadline) between two snapshots; work already handed in is never listed."""
    out = []
    for key in sorted(before.keys() | after.keys()):
        b, a = before.get(key), after.get(key)
        if b is None and a is not None:
            out.append(OccurrenceChange(*key, None, a[0]))
        elif b is not None and a is not None:
            if b[1] in ACTIVE and a[1] not in ACTIVE:
                out.append(OccurrenceChange(*key, b[0], None))
            elif b[0] != a[0] and a[1] in ACTIVE:
                out.append(OccurrenceChange(*key, b[0], a[0]))
    return tuple(out)


def scheduled(session: Session, plans: Sequence[PlanRecord]) -> list[PlanRecord]:
    """The plans among ``plans`` whose occurrences were already made."""
    return [
        p
        for p in plans
        if session.exec(select(Occurrence.id).where(Occurrence.plan_id == p.id).limit(1)).first()
        is not None
    ]


def reschedule(
    session: Session, plans: Sequence[PlanRecord], *, actor: str, now: dt.datetime
) -> None:
    """Make the occurrences of ``plans`` again (as the nightly job would)."""
    from application.occurrences import materialise_plan

    for row in plans:
        materialise_plan(row, session=session, actor=actor, now=now)
