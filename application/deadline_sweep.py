"""The province's deadlines in the reminder sweep — "nhắc hạn nộp tự đánh giá, giải trình".

Two deadlines concern each unit below a province: the day the province set for submitting
the year's self-assessment (``cchc appraisal deadline``), and the end of the unit's
explanation window after appraisal round 1 (its cycle's ``explanation_due``). For each, the
unit's own plan gives the convention (its default ladder: reminders N working days before and
on the day, escalations N working days after, at the plan's hour), counted in Vietnamese
working days on the installation's calendar in the unit's time zone.

- A reminder goes to the unit's chairman and CCHC officer (whoever holds the posts that day),
  while the unit has not submitted (resp. has items commented on in round 1 still
  unexplained).
- An escalation goes to the province's CCHC staff (``province_staff`` over the unit): one
  message per staff member per sweep listing every unit found late, with who answers for
  it there; the late unit's chairman and CCHC officer are told it was reported, and to whom
  (for the self-assessment, which they can still submit; an explanation window once closed
  cannot be reopened, so only the staff hear of it).

Exactly once, as for occurrences: each (unit, year, deadline, date, kind, step) is claimed by
inserting its ``deadline_reminder_log`` row under a unique key in the same transaction as the
messages, so two sweeps at once, a crash half-way or a re-run never send a step twice; after a
gap only the latest step due is sent (a catch-up), the missed ones logged as skipped. Moving
a deadline starts its steps afresh. Nothing here is audited beyond the log and the outbox,
as with the occurrences' sweep.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from application.deadline_dues import Due, explanation_dues, self_assessment_dues
from application.notices import Recipient, enqueue, recipient
from application.sweep import SweepReport
from domain.clock import local_today, require_aware
from domain.plan import Reminders
from domain.reminders import DUE_TIME, ESCALATION, Decision, decide, ladder, local
from domain.workdays import WorkCalendar
from models import Officer
from notifications.deadlines import (
    DEADLINE,
    OVERDUE,
    State,
    deadline_context,
    late_unit,
    overdue_context,
)
from notifications.render import render
from responsibilities.holding import Holding, holders
from responsibilities.policy import PROVINCE_STAFF
from storage.appraisal import Tree, grants_over, tree
from storage.deadlines import (
    EXPLANATION,
    SELF_ASSESSMENT,
    claim_step,
    reminder_conventions,
    steps_done,
)

# how far from today a deadline may lie and still have a step to send: every ladder of a
# plan fits well inside (reminders start at most a few weeks before, escalations stop days
# after); a step missed by a longer gap is not worth sending
LOOK_BEHIND = dt.timedelta(days=60)
LOOK_AHEAD = dt.timedelta(days=120)
CHAIRMAN, CCHC_OFFICER = "chairman", "cchc_officer"


class DeadlineSweepReport(SweepReport):
    """What a sweep did (or, with ``dry_run``, would do) about the province's deadlines: the
    counts of the plans' sweep; ``planned`` holds one step per unit and deadline, and each
    planned message's ``items`` name the unit, deadline, kind and step."""


@dataclass
class _Unit:
    """A unit's people and clock, read once per sweep."""

    today: dt.date
    timezone: str
    reminders: Reminders
    holdings: list[Holding] | None = None


@dataclass
class _Item:
    """One step to tell: a unit's deadline, the step and where the unit stands today."""

    due: Due
    kind: str
    step: int
    catch_up: bool
    state: State

    @property
    def claim(self) -> str:
        k = self.due.key
        return f"{k.unit_id}:{k.year}:{k.deadline}:{k.due.isoformat()}:{self.kind}:{self.step}"

    def fact(self) -> dict[str, Any]:
        k = self.due.key
        return {
            "unit": self.due.unit.code,
            "year": k.year,
            "deadline": k.deadline,
            "due": k.due.isoformat(),
            "kind": self.kind,
            "step": self.step,
        }


@dataclass
class _Sweep:
    """One sweep's session, moment and what it has read (units, their people, the staff)."""

    session: Session
    now: dt.datetime
    shape: Tree
    calendar: WorkCalendar
    units: dict[int, _Unit]
    report: DeadlineSweepReport
    base_url: str | None
    staff: dict[tuple[str, tuple[int, ...]], list[tuple[Officer, int]]] = field(
        default_factory=dict
    )

    def people(self, unit_id: int, position: str) -> list[Holding]:
        from storage.officers import holdings

        unit = self.units[unit_id]
        if unit.holdings is None:
            unit.holdings = holdings(session=self.session, unit_id=unit_id)
        return holders(unit.holdings, position, unit.today)

    def staff_of(self, unit_id: int, on: dt.date) -> list[tuple[Officer, int]]:
        """The CCHC staff of the province over ``unit_id`` on ``on`` (``province_staff`` at
        any unit above it): each officer with the unit they belong to."""
        above = self.shape.above(unit_id)[1:]
        key = (on.isoformat(), tuple(above))
        if key not in self.staff:
            grants, _ = grants_over(self.session, above)
            emails = {g.officer for g in grants if g.role == PROVINCE_STAFF and g.active(on)}
            rows = self.session.exec(
                select(Officer).where(
                    col(Officer.unit_id).in_(above), col(Officer.email).in_(emails)
                )
            ).all()
            found: dict[str, tuple[Officer, int]] = {}
            for officer in sorted(rows, key=lambda o: above.index(o.unit_id)):
                found.setdefault(officer.email, (officer, officer.unit_id))
            self.staff[key] = sorted(found.values(), key=lambda p: p[0].email)
        return self.staff[key]


def deadline_sweep(
    *,
    session: Session,
    now: dt.datetime,
    unit_ids: list[int] | None = None,
    dry_run: bool = False,
) -> DeadlineSweepReport:
    """Remind the units of the province's deadlines due at ``now`` (only ``unit_ids`` when
    given) and tell the province's staff of those late. The caller commits."""
    from storage.calendar import load_calendar
    from storage.db import base_url_of

    require_aware(now)
    report = DeadlineSweepReport()
    day = now.astimezone(dt.UTC).date()
    first, last = day - LOOK_BEHIND, day + LOOK_AHEAD
    shape = tree(session)
    dues = self_assessment_dues(session, shape, first, last, unit_ids)
    dues += explanation_dues(session, shape, first, last, unit_ids)
    if not dues:
        return report
    sweep = _Sweep(
        session,
        now,
        shape,
        load_calendar(session=session, years={d.key.due.year for d in dues}),
        _units(session, dues, now),
        report,
        base_url_of(session.get_bind()),
    )
    done = steps_done(session, [d.key for d in dues])
    items: list[_Item] = []
    for due in dues:
        unit = sweep.units[due.key.unit_id]
        steps = ladder(due.key.due, unit.reminders, sweep.calendar, unit.timezone)
        decision = decide(steps, done.get(due.key, set()), "submitted" if due.done else "open", now)
        report.looked_at += 1
        if decision.send is None:
            continue
        if dry_run:
            report.planned.append(
                {
                    "unit": due.unit.code,
                    "year": due.key.year,
                    "deadline": due.key.deadline,
                    "due": due.key.due.isoformat(),
                    "kind": decision.send.kind,
                    "step": decision.send.step,
                    "catch_up": decision.catch_up,
                }
            )
        elif not _claim(sweep, due, decision):
            continue
        left = sweep.calendar.count(unit.today, due.key.due)
        passed = now > local(due.key.due, DUE_TIME, unit.timezone)
        items.append(
            _Item(
                due,
                decision.send.kind,
                decision.send.step,
                decision.catch_up,
                State.of(left, passed),
            )
        )
    _tell(sweep, items, dry_run)
    session.flush()
    return report


def _units(session: Session, dues: list[Due], now: dt.datetime) -> dict[int, _Unit]:
    """Each unit's clock and reminder convention (its plan of the deadline's year)."""
    from storage.plans import unit_timezone

    out: dict[int, _Unit] = {}
    for year in sorted({d.key.year for d in dues}):
        ids = {d.key.unit_id for d in dues if d.key.year == year} - set(out)
        conventions = reminder_conventions(session, ids, year)
        for uid in ids:
            reminders, timezone = conventions.get(uid) or (
                Reminders(),
                unit_timezone(session=session, unit_id=uid),
            )
            out[uid] = _Unit(local_today(now, timezone), timezone, reminders)
    return out


def _claim(sweep: _Sweep, due: Due, decision: Decision) -> bool:
    """Record the step sent (and the steps it folds in); False when another sweep sent it
    first."""
    assert decision.send is not None
    report, session, now = sweep.report, sweep.session, sweep.now
    for step in decision.skip:
        if claim_step(session, due.key, step.kind, step.step, "skipped", now):
            report.skipped_steps += 1
    if not claim_step(session, due.key, decision.send.kind, decision.send.step, "sent", now):
        report.raced += 1
        return False
    report.catch_ups += decision.catch_up
    if decision.send.kind == ESCALATION:
        report.escalations += 1
    else:
        report.reminders += 1
    return True


def _names(people: list[Holding]) -> list[str]:
    return list(dict.fromkeys(h.name for h in people))


def _tell(sweep: _Sweep, items: list[_Item], dry_run: bool) -> None:
    """The unit's officers get one message per item; each staff member one for all the
    late units they follow."""
    overdue: dict[str, tuple[Officer, int, list[_Item]]] = {}
    for item in items:
        due = item.due
        staff: list[tuple[Officer, int]] = []
        if item.kind == ESCALATION:
            unit = sweep.units[due.key.unit_id]
            staff = sweep.staff_of(due.key.unit_id, unit.today)
            for officer, home in staff:
                overdue.setdefault(officer.email, (officer, home, []))[2].append(item)
            if due.key.deadline == EXPLANATION:
                continue  # the window is closed: only the province can act now
        told = [o.name for o, _ in staff]
        seen: set[str] = set()
        for position in (CHAIRMAN, CCHC_OFFICER):
            for holder in sweep.people(due.key.unit_id, position):
                if holder.officer in seen:
                    continue
                seen.add(holder.officer)
                to = recipient(sweep.session, due.key.unit_id, holder.officer, holder.name)
                _to_unit(sweep, to, item, told, dry_run)
    for email, (officer, home, late) in sorted(overdue.items()):
        to = recipient(sweep.session, home, email, officer.name)
        _to_staff(sweep, to, late, dry_run)


def _planned(to: Recipient, kind: str, items: list[_Item]) -> dict[str, object]:
    return {
        "to": to.email,
        "name": to.name,
        "kind": kind,
        "items": [{**i.fact(), "catch_up": i.catch_up} for i in items],
    }


def _to_unit(sweep: _Sweep, to: Recipient, item: _Item, told: list[str], dry_run: bool) -> None:
    from domain.links import appraisal_path, page_url

    if dry_run:
        sweep.report.planned_messages.append(_planned(to, DEADLINE, [item]))
        return
    due = item.due
    path = (
        _assessment_path()
        if due.key.deadline == SELF_ASSESSMENT
        else appraisal_path(due.unit.code, due.key.year)
    )
    context = deadline_context(
        lang=to.lang,
        unit_name=due.unit.name or due.unit.code,
        unit_code=due.unit.code,
        recipient_name=to.name,
        province_name=due.province.name or due.province.code,
        deadline=due.key.deadline,
        year=due.key.year,
        due=due.key.due,
        state=item.state,
        unanswered=due.unanswered,
        told=told,
        catch_up=item.catch_up,
        link=page_url(sweep.base_url, path) if sweep.base_url else None,
    )
    unit = sweep.units[due.key.unit_id]
    sweep.report.messages += enqueue(
        sweep.session,
        to=to,
        kind=DEADLINE,
        key=f"deadline:{item.claim}",
        rendered=render(DEADLINE, context, to.lang),
        now=sweep.now,
        calendar=sweep.calendar,
        timezone=unit.timezone,
        unit_id=due.key.unit_id,
        facts={"to": to.email, "deadlines": [item.fact()]},
        urgent=item.kind == ESCALATION,
    )


def _assessment_path() -> str:
    from domain.links import ASSESSMENT

    return ASSESSMENT


def _to_staff(sweep: _Sweep, to: Recipient, items: list[_Item], dry_run: bool) -> None:
    from domain.links import appraisal_path, page_url, province_progress_path

    if dry_run:
        sweep.report.planned_messages.append(_planned(to, OVERDUE, items))
        return
    units = []
    for item in sorted(items, key=lambda i: (i.due.key.deadline, i.due.unit.code)):
        due = item.due
        if due.key.deadline == SELF_ASSESSMENT:
            path = province_progress_path(due.province.code, due.key.year)
        else:
            path = appraisal_path(due.unit.code, due.key.year)
        units.append(
            late_unit(
                unit_name=due.unit.name or due.unit.code,
                unit_code=due.unit.code,
                deadline=due.key.deadline,
                year=due.key.year,
                due=due.key.due,
                state=item.state,
                chairman=_names(sweep.people(due.key.unit_id, CHAIRMAN)),
                cchc_officer=_names(sweep.people(due.key.unit_id, CCHC_OFFICER)),
                unanswered=due.unanswered,
                province_code=due.province.code,
                link=page_url(sweep.base_url, path) if sweep.base_url else None,
            )
        )
    province = items[0].due.province
    context = overdue_context(
        lang=to.lang,
        province_name=province.name or province.code,
        recipient_name=to.name,
        units=units,
    )
    claims = "|".join(sorted(i.claim for i in items))
    digest = hashlib.sha256(claims.encode()).hexdigest()[:24]
    unit = sweep.units[items[0].due.key.unit_id]
    sweep.report.messages += enqueue(
        sweep.session,
        to=to,
        kind=OVERDUE,
        key=f"deadline_overdue:{digest}",
        rendered=render(OVERDUE, context, to.lang),
        now=sweep.now,
        calendar=sweep.calendar,
        timezone=unit.timezone,
        unit_id=province.id,
        facts={"to": to.email, "deadlines": [i.fact() for i in items]},
        urgent=True,
    )
