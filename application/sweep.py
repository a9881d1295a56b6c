"""The reminder sweep: turn the reminders and escalations due at ``now`` into outbox messages.

It selects only occurrences whose ``next_reminder_at`` has come (an index), so its cost
follows what is due, not the history. Each (occurrence, kind, step) is claimed by inserting
its ``reminder_log`` row under a unique key, in the same transaction as the messages: two
sweeps at once, a crash half-way or a re-run never send a step twice. After a gap, one
catch-up item goes out with the occurrence's current state; the missed steps are logged
as skipped.

What one sweep has for one person goes as one message: a single reminder or escalation as
itself, anything more as a ``bundle`` listing the items. An escalation goes up the chain but
never to the late officer (nor to their own position): when nobody above is left — the
chairman's own task, a vacant superior post — only the CCHC officer is told. The late officer
is told that their work was reported up, and to whom.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from application.composer import (
    BUNDLE,
    CCHC_OFFICER,
    REPORTED,
    Item,
    bundle_key,
    compose,
    facts,
    message_kind,
)
from application.notices import Recipient, outbox_rows
from domain.i18n import Lang
from domain.lifecycle import ACTIVE
from domain.plan import Task
from domain.reminders import ESCALATION, REMINDER, Decision, decide, escalation_role, ladder
from models import Occurrence, OutboxMessage, PlanRecord, ReminderLog
from responsibilities.holding import holders
from storage.db import insert_ignore_many
from storage.evidence import missing_for_many
from storage.occurrences import Context, context


@dataclass
class SweepReport:
    """What a sweep did (or, with ``dry_run``, would do).

    ``planned`` lists the steps due (one per occurrence); ``planned_messages`` the messages
    they make, one per person: ``to``, ``name``, ``kind`` and the ``items`` it lists."""

    looked_at: int = 0
    reminders: int = 0
    escalations: int = 0
    catch_ups: int = 0
    skipped_steps: int = 0
    messages: int = 0
    raced: int = 0
    planned: list[dict[str, object]] = field(default_factory=list)
    planned_messages: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class _Bundle:
    """What the sweep has for one person of one plan."""

    ctx: Context
    email: str
    name: str
    items: list[Item] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    reply_to: str = ""
    late: set[str] = field(default_factory=set)  # never in copy of their own escalation


_Buckets = dict[tuple[int, str], _Bundle]


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
    del lang  # each recipient's own language is used
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
    tasks: dict[int, dict[str, Task]] = {}  # each plan's tasks by code
    buckets: _Buckets = {}
    decided: list[tuple[Context, Occurrence, str, Decision]] = []
    for occ in batch:
        if occ.plan_id not in contexts:
            plan_row = session.get(PlanRecord, occ.plan_id)
            assert plan_row is not None
            ctx = context(plan_row, session=session, actor=actor, now=now)
            contexts[occ.plan_id] = ctx
            tasks[occ.plan_id] = {t.code: t for t in ctx.plan.tasks}
        ctx = contexts[occ.plan_id]
        task = tasks[occ.plan_id].get(occ.task_code)
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
                _address(ctx, occ, task.area, decision, buckets)
            continue
        decided.append((ctx, occ, task.area, decision))
        occ.next_reminder_at = decision.next_at
        session.add(occ)
    claimed = _claim(session, now, [(occ, d) for _, occ, _, d in decided], report)
    for ctx, occ, area, decision in decided:  # in the order they were due
        if decision.send and (occ.id, decision.send.kind, decision.send.step) in claimed:
            _address(ctx, occ, area, decision, buckets)
    if dry_run:
        for bundle in buckets.values():
            planned = _plan(bundle)
            if planned:
                report.planned_messages.append(planned)
        return report
    # what every message needs is read once: the documents still missing, for all of them
    missing = missing_for_many(
        [(occ, tasks[occ.plan_id].get(occ.task_code)) for _, occ, _, _ in decided],
        session=session,
    )
    rows = [row for bundle in buckets.values() for row in _outbox_rows(bundle, missing)]
    # in one go; the keys were claimed above, so no other sweep writes these rows
    report.messages += len(insert_ignore_many(session, OutboxMessage, rows, returning=("id",)))
    session.flush()
    return report


def _claim(
    session: Session,
    now: dt.datetime,
    decided: list[tuple[Occurrence, Decision]],
    report: SweepReport,
) -> set[tuple[int | None, str, int]]:
    """Record the steps sent (and the steps they fold in), all in a few statements; the
    (occurrence, kind, step) sent by this sweep — a step another sweep sent first is not."""
    rows: list[dict[str, Any]] = []
    for occ, decision in decided:
        if decision.send is None:
            continue
        for due, outcome in [*((s, "skipped") for s in decision.skip), (decision.send, "sent")]:
            rows.append(
                {
                    "occurrence_id": occ.id,
                    "kind": due.kind,
                    "step": due.step,
                    "outcome": outcome,
                    "at": now,
                }
            )
    # one order for every sweep: two at once take the same keys in the same order
    rows.sort(key=lambda r: (r["occurrence_id"], r["kind"], r["step"]))
    inserted = {
        (occurrence_id, kind, step): outcome
        for occurrence_id, kind, step, outcome in insert_ignore_many(
            session, ReminderLog, rows, returning=("occurrence_id", "kind", "step", "outcome")
        )
    }
    report.skipped_steps += sum(1 for o in inserted.values() if o == "skipped")
    claimed: set[tuple[int | None, str, int]] = set()
    for occ, decision in decided:
        step = decision.send
        if step is None:
            continue
        if inserted.get((occ.id, step.kind, step.step)) != "sent":
            report.raced += 1  # another sweep sent this step
            continue
        claimed.add((occ.id, step.kind, step.step))
        report.catch_ups += decision.catch_up
        if step.kind == ESCALATION:
            report.escalations += 1
        else:
            report.reminders += 1
    return claimed


def _contacts(ctx: Context, role: str, area: str) -> list[tuple[str, str]]:
    return [(h.officer, h.name) for h in holders(ctx.holdings, role, ctx.today, area)]


def _address(
    ctx: Context, occ: Occurrence, area: str, decision: Decision, buckets: _Buckets
) -> None:
    """Put the step's items into the bundles of the people it goes to."""
    step = decision.send
    assert step is not None
    cchc = _contacts(ctx, CCHC_OFFICER, area)
    officer = ctx.officers.get(occ.officer_id or -1)
    late = (officer.email, officer.name) if officer else None

    def add(person: tuple[str, str], item: Item, cc: list[str] | None = None) -> None:
        bundle = buckets.setdefault(
            (occ.plan_id, person[0]),
            _Bundle(ctx, person[0], person[1], reply_to=cchc[0][0] if cchc else ""),
        )
        bundle.items.append(item)
        bundle.cc.extend(e for e in cc or [] if e not in bundle.cc)
        if item.kind == ESCALATION and late:
            bundle.late.add(late[0])

    if step.kind == REMINDER:
        for person in [late] if late else cchc:  # a vacant post: the CCHC officer must act
            add(person, Item(occ.id or 0, REMINDER, step.step, decision.catch_up))
        return
    late_email = late[0] if late else None
    role = escalation_role(ctx.plan, occ.lead_role, step.step)
    above = [] if role == occ.lead_role else _contacts(ctx, role, area)
    told = [p for p in above if p[0] != late_email]
    instead = not told
    if instead:  # nobody above the late officer: only the CCHC officer is told
        told, role = [p for p in cchc if p[0] != late_email], CCHC_OFFICER
    told_emails = {e for e, _ in told}
    cc = [e for e, _ in cchc if e not in told_emails and e != late_email]
    for person in told:
        item = Item(occ.id or 0, ESCALATION, step.step, decision.catch_up, role, instead)
        add(person, item, cc)
    if late and told and not instead:
        names = tuple((name, role) for _, name in told)
        add(late, Item(occ.id or 0, REPORTED, step.step, decision.catch_up, role, told=names))


def _recipient_items(bundle: _Bundle) -> tuple[Recipient, list[Item]]:
    """The recipient with their preferences, and the items they get: an officer who chose the
    daily digest gets no reminders (the digest carries them)."""
    ctx = bundle.ctx  # the unit's officers were read once, with the context
    officer = ctx.officers.get(ctx.officer_ids.get(bundle.email, -1))
    to = Recipient.of(officer) if officer else Recipient(bundle.email, bundle.name or bundle.email)
    return to, [i for i in bundle.items if not (to.digest and i.kind == REMINDER)]


def _plan(bundle: _Bundle) -> dict[str, object] | None:
    to, items = _recipient_items(bundle)
    if not items:
        return None
    occurrences = {
        i.occurrence_id: bundle.ctx.session.get(Occurrence, i.occurrence_id) for i in items
    }
    return {
        "to": to.email,
        "name": to.name,
        "kind": message_kind(items),
        "items": [
            {
                "task": occ.task_code if (occ := occurrences[i.occurrence_id]) else "",
                "period": occ.period if occ else "",
                "kind": i.kind,
                "step": i.step,
                "catch_up": i.catch_up,
            }
            for i in items
        ],
    }


def _outbox_rows(bundle: _Bundle, missing: dict[int, list[str]]) -> list[dict[str, Any]]:
    """One person's message, rendered in their language only, as outbox rows (one per
    channel) under the same keys as ever."""
    ctx = bundle.ctx
    to, items = _recipient_items(bundle)
    if not items:
        return []
    kind, rendered = compose(ctx, items, lang=to.lang, recipient_name=to.name, missing=missing)
    key = bundle_key(items) if kind == BUNDLE else f"occ{items[0].claim}"
    about = {i.occurrence_id for i in items}
    return outbox_rows(
        to=to,
        kind=kind,
        key=key,
        rendered=rendered,
        now=ctx.now,
        calendar=ctx.calendar,
        timezone=ctx.plan.timezone,
        unit_id=ctx.plan_row.unit_id,
        occurrence_id=next(iter(about)) if len(about) == 1 else None,
        cc=tuple(e for e in bundle.cc if e != to.email and e not in bundle.late),
        reply_to=bundle.reply_to,
        facts=facts(to.email, items),
        urgent=any(i.kind == ESCALATION for i in items),
    )
