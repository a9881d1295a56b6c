"""The reminder sweep: turn the reminders and escalations due at ``now`` into outbox messages.

It selects only occurrences whose ``next_reminder_at`` has come (an index), so its cost
follows what is due, not the history. Each (occurrence, kind, step) is claimed by inserting
its ``reminder_log`` row under a unique key, in the same transaction as the messages: two
sweeps at once, a crash half-way or a re-run never send a step twice. After a gap, one
catch-up message goes out with the occurrence's current state; the missed steps are logged
as skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from application.notices import enqueue, recipient
from domain.i18n import Lang
from domain.lifecycle import ACTIVE
from domain.occurrence import OccurrenceView
from domain.reminders import ESCALATION, Decision, Step, decide, escalation_role, ladder
from models import Occurrence, PlanRecord, ReminderLog
from notifications.render import escalation_context, occurrence_context, render
from responsibilities.holding import holders
from storage.db import insert_ignore
from storage.occurrences import Context, context, views

CCHC_OFFICER = "cchc_officer"


@dataclass
class SweepReport:
    """What a sweep did (or, with ``dry_run``, would do)."""

    looked_at: int = 0
    reminders: int = 0
    escalations: int = 0
    catch_ups: int = 0
    skipped_steps: int = 0
    messages: int = 0
    raced: int = 0
    planned: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def due_occurrences(
    session: Session, now: dt.datetime, unit_ids: list[int] | None, limit: int
) -> list[Occurrence]:
    query = (
        select(Occurrence)
        .where(col(Occurrence.next_reminder_at) <= now, col(Occurrence.status).in_(ACTIVE))
        .order_by(col(Occurrence.next_reminder_at), col(Occurrence.id))
        .limit(limit)
    )
    if unit_ids is not None:
        query = query.where(col(Occurrence.unit_id).in_(unit_ids))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.exec(query))


def sweep(
    *,
    session: Session,
    now: dt.datetime,
    actor: str = "cchc",
    unit_ids: list[int] | None = None,
    dry_run: bool = False,
    limit: int = 5000,
    lang: Lang = "vi",
) -> SweepReport:
    """Handle every occurrence whose next reminder time has come. The caller commits."""
    report = SweepReport()
    batch = due_occurrences(session, now, unit_ids, limit)
    report.looked_at = len(batch)
    if not batch:
        return report
    done: dict[int, set[tuple[str, int]]] = {}
    for row in session.exec(
        select(ReminderLog).where(col(ReminderLog.occurrence_id).in_([o.id for o in batch]))
    ):
        done.setdefault(row.occurrence_id, set()).add((row.kind, row.step))
    contexts: dict[int, Context] = {}
    for occ in batch:
        if occ.plan_id not in contexts:
            plan_row = session.get(PlanRecord, occ.plan_id)
            assert plan_row is not None
            contexts[occ.plan_id] = context(plan_row, session=session, actor=actor, now=now)
        ctx = contexts[occ.plan_id]
        task = next((t for t in ctx.plan.tasks if t.code == occ.task_code), None)
        if task is None:  # archived task: nothing more to say about it
            if not dry_run:
                occ.next_reminder_at = None
                session.add(occ)
            continue
        steps = ladder(occ.due_date, task.reminders, ctx.calendar, ctx.plan.timezone)
        decision = decide(steps, done.get(occ.id or 0, set()), occ.status, now)
        if dry_run:
            if decision.send:
                report.planned.append(
                    {
                        "task": occ.task_code,
                        "period": occ.period,
                        "kind": decision.send.kind,
                        "step": decision.send.step,
                        "catch_up": decision.catch_up,
                    }
                )
            continue
        _handle(ctx, occ, task.area, decision, report, lang)
        occ.next_reminder_at = decision.next_at
        session.add(occ)
    session.flush()
    return report


def _handle(
    ctx: Context, occ: Occurrence, area: str, decision: Decision, report: SweepReport, lang: Lang
) -> None:
    session, now = ctx.session, ctx.now
    if decision.send is None:
        return
    for step in decision.skip:
        if insert_ignore(
            session,
            ReminderLog,
            {
                "occurrence_id": occ.id,
                "kind": step.kind,
                "step": step.step,
                "outcome": "skipped",
                "at": now,
            },
        ):
            report.skipped_steps += 1
    step = decision.send
    if not insert_ignore(
        session,
        ReminderLog,
        {
            "occurrence_id": occ.id,
            "kind": step.kind,
            "step": step.step,
            "outcome": "sent",
            "at": now,
        },
    ):
        report.raced += 1  # another sweep sent this step
        return
    report.catch_ups += decision.catch_up
    if step.kind == ESCALATION:
        report.escalations += 1
    else:
        report.reminders += 1
    report.messages += _enqueue(ctx, occ, area, step, decision.catch_up, lang)


def _officer_contacts(ctx: Context, role: str, area: str) -> list[tuple[str, str]]:
    return [(h.officer, h.name) for h in holders(ctx.holdings, role, ctx.today, area)]


def _enqueue(
    ctx: Context, occ: Occurrence, area: str, step: Step, catch_up: bool, lang: Lang
) -> int:
    """Render the step's message for each recipient, in their language, into the outbox."""
    del lang  # each recipient's own language is used
    session = ctx.session
    cchc = _officer_contacts(ctx, CCHC_OFFICER, area)
    reply_to = cchc[0][0] if cchc else ""
    unit_name = ctx.plan.unit.name or ctx.unit_code
    view_by_lang: dict[str, OccurrenceView] = {}

    def view_in(lang_: Lang) -> OccurrenceView:
        """The occurrence as a reader of ``lang_`` sees it, computed once per language needed."""
        if lang_ not in view_by_lang:
            view_by_lang[lang_] = views(
                ctx.plan_row, session=session, now=ctx.now, occurrences=[occ], lang=lang_, ctx=ctx
            )[0]
        return view_by_lang[lang_]

    def title(role_code: str, lang_: Lang) -> str:
        role = ctx.plan.role(role_code)
        return role.title_en if lang_ == "en" and role.title_en else role.title

    if step.kind == ESCALATION:
        role = escalation_role(ctx.plan, occ.lead_role, step.step)
        people = _officer_contacts(ctx, role, area)
        at_top = ctx.plan.chain(occ.lead_role)[-1] == role
        cc = tuple(e for e, _ in cchc if e not in {r for r, _ in people})
    else:
        view = view_in("vi")
        people = [(view.officer_email, view.officer_name or "")] if view.officer_email else []
        role, at_top, cc = occ.lead_role, False, ()
        if not people:  # vacant post: the CCHC officer must find someone
            people = cchc
    added = 0
    for email, name in people:
        to = recipient(session, occ.unit_id, email, name)
        view = view_in(to.lang)
        if step.kind == ESCALATION:
            context_ = escalation_context(
                view,
                lang=to.lang,
                unit_name=unit_name,
                position_title=title(occ.lead_role, to.lang),
                recipient_name=to.name,
                step=step.step,
                days_late=max(-view.working_days_left, 0),
                superior_role_title=title(role, to.lang),
                at_top=at_top,
                catch_up=catch_up,
            )
        else:
            context_ = occurrence_context(
                view,
                lang=to.lang,
                unit_name=unit_name,
                position_title=title(occ.lead_role, to.lang),
                recipient_name=to.name,
                catch_up=catch_up,
            )
        added += enqueue(
            session,
            to=to,
            kind=step.kind,
            key=f"occ{occ.id}:{step.kind}:{step.step}",
            rendered=render(step.kind, context_, to.lang),
            now=ctx.now,
            calendar=ctx.calendar,
            timezone=ctx.plan.timezone,
            unit_id=occ.unit_id,
            occurrence_id=occ.id,
            cc=cc,
            reply_to=reply_to,
        )
    return added
