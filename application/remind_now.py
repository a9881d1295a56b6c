"""Remind now — "Nhắc ngay": the CCHC officer or the chairman asks the officer holding one
occurrence to finish it, at once, rather than waiting for the scheduled reminders.

The message goes through the outbox like every other notice (each of the officer's
channels, re-checked when it is sent: a nudge about work closed in between is dropped), at
once even in quiet hours, and the request is audited. An occurrence is reminded at most once
a day (the unit's local date): the outbox key ``nudge:occ<ID>:<DATE>`` says whether it was,
and a second attempt that day is refused, as is one about closed work (accepted, waived,
cancelled) or about work nobody holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel import Session, col, select

from application.access import Gate, Identity
from application.composer import CLOSED, NUDGE, Item
from application.notices import tell_officer
from application.occurrences import subject_of
from application.units import unit_of
from application.uow import UnitOfWork
from domain.errors import Conflict, LocalizedError, Worded, terms
from domain.i18n import Lang
from domain.periods import parse_period, period_term
from models import Occurrence, OutboxMessage, PlanRecord
from responsibilities.holding import holders
from responsibilities.policy import CCHC_OFFICER, CHAIRMAN
from storage.audit import record
from storage.occurrences import Context, context, find_occurrence

ACTION = "occurrence.remind"


class ReminderRefused(LocalizedError, Conflict):
    """The reminder cannot be sent now (already sent today, work closed, nobody holds it):
    worded in the application's catalogue (``remind.*``)."""

    def render(self, lang: Lang = "vi") -> str:
        from application.messages import t

        worded = {
            name: value.render(lang) if isinstance(value, Worded) else value
            for name, value in self.params.items()
        }
        return t(self.key, lang, **worded)


@dataclass(frozen=True)
class Reminded:
    """A reminder put into the outbox: about which occurrence, to whom, on which local day,
    how many outbox rows (one per channel of the officer)."""

    task: str
    period: str
    officer: str
    officer_name: str
    day: dt.date
    messages: int

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["day"] = self.day.isoformat()
        return out


def nudge_key(occurrence_id: int, day: dt.date) -> str:
    """The outbox key of an occurrence's nudge on a local day: one a day, whoever asks."""
    return f"nudge:occ{occurrence_id}:{day.isoformat()}"


def already_reminded(session: Session, occurrence_id: int, day: dt.date) -> bool:
    prefix = nudge_key(occurrence_id, day) + ":"
    found = session.exec(
        select(OutboxMessage.id).where(col(OutboxMessage.key).startswith(prefix, autoescape=True))
    ).first()
    return found is not None


def remind_now(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    task: str,
    period: str,
    unit: str | None = None,
) -> Reminded:
    """Remind the officer holding ``task`` ``period`` now, as ``identity`` (the CCHC officer
    or the chairman); ``period`` as officers write it."""
    period = parse_period(period)
    with uow as session:
        unit_row = unit_of(session, identity, unit, now)
        occ = find_occurrence(unit_row.id or 0, task, period, session=session)
        plan_row = session.get(PlanRecord, occ.plan_id)
        assert plan_row is not None
        ctx = context(plan_row, session=session, actor=identity.audit_name, now=now)
        return _remind(ctx, identity, occ)


def _remind(ctx: Context, identity: Identity, occ: Occurrence) -> Reminded:
    gate = Gate.load(ctx.session, occ.unit_id, ctx.plan)
    found = next((t for t in ctx.plan.tasks if t.code == occ.task_code), None)
    key = f"{occ.task_code}/{occ.period}"
    actor = gate.check(
        identity,
        ACTION,
        subject_of(ctx.plan, found, occ),
        on=ctx.today,
        entity="occurrence",
        key=key,
    )
    about: dict[str, Worded | str] = {"task": occ.task_code, "period": period_term(occ.period)}
    if occ.status in CLOSED:
        raise ReminderRefused("remind.closed", status=terms(f"status.{occ.status}"), **about)
    officer = ctx.officers.get(occ.officer_id or -1)
    if officer is None:
        raise ReminderRefused("remind.vacant", **about)
    if already_reminded(ctx.session, occ.id or 0, ctx.today):
        raise ReminderRefused("remind.already_today", day=f"{ctx.today:%d/%m/%Y}", **about)
    item = Item(occ.id or 0, NUDGE, by=actor.label, role=_position(ctx, actor.identity))
    added = tell_officer(  # asked for now: quiet hours do not hold it back
        ctx,
        occ,
        officer.email,
        officer.name,
        item,
        key=nudge_key(occ.id or 0, ctx.today),
        urgent=True,
    )
    if not added:  # another request of the same day got there first
        raise ReminderRefused("remind.already_today", day=f"{ctx.today:%d/%m/%Y}", **about)
    record(
        session=ctx.session,
        actor=actor.identity,
        now=ctx.now,
        action="remind",
        entity="occurrence",
        key=key,
        unit_id=occ.unit_id,
        after={"to": officer.email, "messages": added, "day": ctx.today.isoformat()},
    )
    return Reminded(
        task=occ.task_code,
        period=occ.period,
        officer=officer.email,
        officer_name=officer.name,
        day=ctx.today,
        messages=added,
    )


def _position(ctx: Context, email: str) -> str:
    """The position the one asking holds today: the chairman's, else the CCHC officer's."""
    for code in (CHAIRMAN, CCHC_OFFICER):
        if any(h.officer == email for h in holders(ctx.holdings, code, ctx.today)):
            return code
    return ""
