"""The daily digest: one message per officer who asked for it, on working mornings.

It lists the officer's own work (due soon, overdue, returned for changes) and, for those who
review others' work, the submissions waiting for them."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from application.approvals import approval_queue
from application.notices import Recipient, enqueue
from domain.clock import local_today
from domain.lifecycle import ACTIVE, RETURNED, SUBMITTED
from models import Occurrence, Officer, PlanRecord
from notifications.render import digest_context, render, with_links
from storage.occurrences import context, views


def send_digests(
    *, session: Session, now: dt.datetime, unit_ids: list[int] | None = None, horizon: int = 3
) -> int:
    """Enqueue today's digest for every officer with ``digest`` on; returns how many.

    Each lists what is due within ``horizon`` working days, what is overdue, what was
    returned for changes and what waits for the officer's review. Nothing is sent on
    non-working days or to an officer with nothing.
    """
    query = select(PlanRecord).order_by(col(PlanRecord.unit_id), col(PlanRecord.year).desc())
    if unit_ids is not None:
        query = query.where(col(PlanRecord.unit_id).in_(unit_ids))
    latest: dict[int, PlanRecord] = {}
    for plan_row in session.exec(query):
        latest.setdefault(plan_row.unit_id, plan_row)
    sent = 0
    for plan_row in latest.values():
        officers = session.exec(
            select(Officer).where(
                Officer.unit_id == plan_row.unit_id, col(Officer.digest).is_(True)
            )
        ).all()
        if not officers:
            continue
        ctx = context(plan_row, session=session, actor="cchc-digest", now=now)
        today = local_today(now, ctx.plan.timezone)
        if not ctx.calendar.is_working(today):
            continue
        waiting = approval_queue(
            ctx,
            session.exec(
                select(Occurrence)
                .where(Occurrence.plan_id == plan_row.id, Occurrence.status == SUBMITTED)
                .order_by(col(Occurrence.due_date), col(Occurrence.task_code))
            ).all(),
        )
        for officer in officers:
            to = Recipient.of(officer)
            rows = session.exec(
                select(Occurrence)
                .where(
                    Occurrence.plan_id == plan_row.id,
                    Occurrence.officer_id == officer.id,
                    col(Occurrence.status).in_(ACTIVE),
                )
                .order_by(col(Occurrence.due_date), col(Occurrence.task_code))
            ).all()
            items = views(
                plan_row, session=session, now=now, occurrences=rows, lang=to.lang, ctx=ctx
            )
            overdue = [v for v in items if v.overdue]
            returned = [v for v in items if v.status == RETURNED and not v.overdue]
            due_soon = [
                v
                for v in items
                if not v.overdue and v.status != RETURNED and 0 <= v.working_days_left <= horizon
            ]
            to_review = views(
                plan_row,
                session=session,
                now=now,
                occurrences=waiting.get(officer.email, []),
                lang=to.lang,
                ctx=ctx,
            )
            submitters = {
                o.id: ctx.officers[i].name if (i := ctx.officer_ids.get(o.submitted_by)) else ""
                for o in waiting.get(officer.email, [])
            }
            if not (overdue or returned or due_soon or to_review):
                continue
            rendered = render(
                "digest",
                with_links(
                    digest_context(
                        lang=to.lang,
                        unit_name=ctx.plan.unit.name or ctx.unit_code,
                        recipient_name=to.name,
                        today=today,
                        horizon=horizon,
                        due_soon=due_soon,
                        overdue=overdue,
                        returned=returned,
                        to_review=[(v, submitters.get(v.id) or "") for v in to_review],
                    ),
                    ctx.base_url,
                ),
                to.lang,
            )
            sent += bool(
                enqueue(
                    session,
                    to=to,
                    kind="digest",
                    key=f"digest:{officer.id}:{today}",
                    rendered=rendered,
                    now=now,
                    calendar=ctx.calendar,
                    timezone=ctx.plan.timezone,
                    unit_id=plan_row.unit_id,
                )
            )
    session.flush()
    return sent
