"""The approver's queue — "Chờ duyệt": every submission the signed-in officer may accept or
return, oldest submission first, with who submitted it and when, its documents by review
status and how many working days it has waited; and which documents of one occurrence the
officer may accept or reject.

The submissions are those ``application.approvals.submitted_to`` finds (the same ones "Việc
của tôi" lists as waiting for my approval, and the same reviewers a submission notifies).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from application.access import Gate, Identity
from application.approvals import submitted_to
from application.occurrences import subject_of
from application.units import unit_of
from application.uow import UnitOfWork
from domain.clock import local_moment, local_today
from domain.errors import LocalizedError
from domain.occurrence import OccurrenceView
from domain.periods import parse_period, period_label
from models import Evidence, PlanRecord
from responsibilities.policy import decide
from storage.evidence import uploads_of
from storage.occurrences import Context, context, find_occurrence, views
from storage.plans import find_plan


@dataclass(frozen=True)
class Waiting:
    """One submission waiting for review: ``submitted_at`` on the plan's wall clock;
    documents counted by review status; ``working_days`` waited since the submission."""

    occurrence: OccurrenceView
    period_label: str
    submitted_by: str
    submitted_by_name: str
    submitted_at: dt.datetime | None
    pending: int
    accepted: int
    rejected: int
    working_days: int

    @property
    def documents(self) -> int:
        return self.pending + self.accepted + self.rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.occurrence.as_dict(),
            "period_label": self.period_label,
            "submitted_by": self.submitted_by,
            "submitted_by_name": self.submitted_by_name,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "documents": {
                "pending": self.pending,
                "accepted": self.accepted,
                "rejected": self.rejected,
            },
            "working_days_waiting": self.working_days,
        }


@dataclass(frozen=True)
class ApprovalQueue:
    """One approver's queue, oldest submission first."""

    email: str
    items: tuple[Waiting, ...]

    @property
    def count(self) -> int:
        return len(self.items)

    def as_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "count": self.count,
            "items": [w.as_dict() for w in self.items],
        }


def _officer_context(
    uow_session: Any, identity: Identity, now: dt.datetime, unit: str | None
) -> Context:
    if identity.kind != "officer":
        raise LocalizedError("error.mine_needs_officer")
    unit_row = unit_of(uow_session, identity, unit, now)
    plan_row = find_plan(session=uow_session, unit_id=unit_row.id or 0)
    return context(plan_row, session=uow_session, actor=identity.audit_name, now=now)


def approval_queue_of(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None = None,
    lang: str = "vi",
) -> ApprovalQueue:
    """ "Chờ duyệt": the submissions ``identity`` (an officer) may accept or return now."""
    with uow as session:
        ctx = _officer_context(session, identity, now, unit)
        waiting = submitted_to(ctx, identity.name)
        shown = views(
            ctx.plan_row, session=session, now=now, occurrences=waiting, lang=lang, ctx=ctx
        )
        statuses: dict[int, Counter[str]] = {}
        for occ_id, _name, status in uploads_of([o.id or 0 for o in waiting], session=session):
            statuses.setdefault(occ_id, Counter())[status] += 1
    names = ctx.names()
    by_id = {v.id: v for v in shown}
    timezone, today = ctx.plan.timezone, ctx.today
    items = []
    for occ in waiting:
        view = by_id.get(occ.id or 0)
        if view is None:
            continue
        at = local_moment(occ.submitted_at, timezone) if occ.submitted_at else None
        counts = statuses.get(occ.id or 0, Counter())
        items.append(
            Waiting(
                occurrence=view,
                period_label=period_label(occ.period, lang),
                submitted_by=occ.submitted_by,
                submitted_by_name=names.get(occ.submitted_by, occ.submitted_by),
                submitted_at=at,
                pending=counts["pending"],
                accepted=counts["accepted"],
                rejected=counts["rejected"],
                working_days=ctx.calendar.count(local_today(occ.submitted_at, timezone), today)
                if occ.submitted_at
                else 0,
            )
        )
    return ApprovalQueue(identity.name, tuple(items))


def waiting_count(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, unit: str | None = None
) -> int:
    """How many submissions wait for ``identity``'s review (the navigation's badge)."""
    if identity.kind != "officer":
        return 0
    with uow as session:
        ctx = _officer_context(session, identity, now, unit)
        return len(submitted_to(ctx, identity.name))


def reviewable(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    task: str,
    period: str,
    unit: str | None = None,
) -> dict[int, tuple[str, ...]]:
    """The documents of one occurrence ``identity`` may review now, by id, with the reviews
    open to each (``accept`` unless accepted, ``reject`` unless rejected) — what the
    occurrence page offers; ``application.evidence.review`` decides again when one is sent."""
    key = parse_period(period)
    with uow as session:
        unit_row = unit_of(session, identity, unit, now)
        occ = find_occurrence(unit_row.id or 0, task, key, session=session)
        plan_row = session.get(PlanRecord, occ.plan_id)
        assert plan_row is not None
        ctx = context(plan_row, session=session, actor=identity.audit_name, now=now)
        rows = session.exec(select(Evidence).where(Evidence.occurrence_id == occ.id)).all()
        found = next((t for t in ctx.plan.tasks if t.code == occ.task_code), None)
        gate = Gate.of(ctx)
        actor = gate.actor(identity)
        base = subject_of(ctx.plan, found, occ)
        out: dict[int, tuple[str, ...]] = {}
        for row in rows:
            subject = dataclasses.replace(base, uploaded_by=row.uploaded_by or None)
            open_to = tuple(
                action
                for action, done in (("accept", "accepted"), ("reject", "rejected"))
                if row.status != done
                and decide(actor, f"evidence.{action}", subject, ctx.today, ctx.holdings).allowed
            )
            if open_to:
                out[row.id or 0] = open_to
        return out
