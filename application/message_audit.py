"""Checking what was sent — a message officers would catch out is a defect.

Two kinds of message destroy trust in the rest: a *self-escalation* (an escalation about an
officer's late work sent to that officer) and a *stale* message (one whose text contradicts
the occurrence as it was when it went: a reminder about work already submitted, "today is
the last day" for a deadline that passed, a wrong count of days). ``check_outbox`` reads the
sent messages back against the occurrences' history (the audit log) and the working-day
calendar, independently of how they were composed. ``make demo`` runs it on its own outbox
after the replayed year and fails on any finding.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from application.composer import ESCALATION, SWEEP_KINDS, Item, items_of
from domain.lifecycle import ACTIVE, OPEN, RETURNED, SUBMITTED
from domain.periods import period_label
from domain.workdays import WorkCalendar
from models import AuditEntry, Occurrence, Officer, OutboxMessage, PlanRecord
from storage.calendar import load_calendar
from storage.outbox import SENT
from storage.plans import read_plan_record

SELF_ESCALATION, STALE = "self_escalation", "stale"
# what a message says about the deadline: (overdue, days) from the phrase, in either language
_PHRASES: tuple[tuple[re.Pattern[str], bool, int | None], ...] = (
    (re.compile(r"Đã quá hạn \(hạn cuối đã qua\)"), True, 0),
    (re.compile(r"Đã quá hạn (\d+) ngày làm việc"), True, None),
    (re.compile(r"Hạn là hôm nay"), False, 0),
    (re.compile(r"Hôm nay là ngày cuối của thời hạn"), False, 0),  # the wording before issue 11
    (re.compile(r"Còn (\d+) ngày làm việc"), False, None),
    (re.compile(r"Overdue \(the deadline has passed\)"), True, 0),
    (re.compile(r"Overdue by (\d+) working days?"), True, None),
    (re.compile(r"Due today"), False, 0),
    (re.compile(r"(\d+) working days? left"), False, None),
)
_SAYS_DEADLINE = frozenset({*SWEEP_KINDS, RETURNED, "assignment"})


@dataclass(frozen=True)
class Finding:
    """One message that misled: which, to whom, about what, and why."""

    outbox_id: int
    problem: str
    recipient: str
    task: str
    period: str
    sent_at: dt.datetime | None
    detail: str

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["sent_at"] = self.sent_at.isoformat() if self.sent_at else None
        return out


@dataclass
class _History:
    """An occurrence's status and officer over time, from the audit log."""

    statuses: list[tuple[dt.datetime, str]]
    officers: list[tuple[dt.datetime, str | None]]
    first_officer: str | None

    def status_at(self, moment: dt.datetime) -> str:
        return next((s for at, s in reversed(self.statuses) if at <= moment), OPEN)

    def officer_at(self, moment: dt.datetime) -> str | None:
        return next((o for at, o in reversed(self.officers) if at <= moment), self.first_officer)


def _history(session: Session, occ: Occurrence, emails: dict[int, str]) -> _History:
    rows = session.exec(
        select(AuditEntry)
        .where(
            AuditEntry.entity == "occurrence",
            AuditEntry.key == f"{occ.task_code}/{occ.period}",
            AuditEntry.unit_id == occ.unit_id,
        )
        .order_by(
            func.coalesce(col(AuditEntry.simulated_at), col(AuditEntry.at)), col(AuditEntry.id)
        )
    ).all()
    statuses = [(r.when, str(r.after["status"])) for r in rows if r.after and "status" in r.after]
    reroutes = [r for r in rows if r.action == "reroute"]
    officers = [(r.when, (r.after or {}).get("officer")) for r in reroutes]
    first = (
        (reroutes[0].before or {}).get("officer") if reroutes else emails.get(occ.officer_id or -1)
    )
    return _History(statuses, officers, first)


def _says(body: str, marker: str) -> tuple[bool, int] | None:
    """What the text says of the deadline after ``marker``: (overdue, days), if anything."""
    start = body.find(marker)
    if start < 0:
        return None
    rest = body[start:]
    found: list[tuple[int, bool, int]] = []
    for pattern, overdue, days in _PHRASES:
        hit = pattern.search(rest)
        if hit:
            found.append((hit.start(), overdue, days if days is not None else int(hit.group(1))))
    if not found:
        return None
    _, overdue, days = min(found)
    return overdue, days


def _items(row: OutboxMessage) -> list[Item]:
    """What a message was about: its stored items, or — for a message stored without them —
    its occurrence, kind and step (from its key, ``occ{id}:{kind}:{step}:…``)."""
    stored = items_of(row.facts)
    if stored or row.occurrence_id is None or row.kind not in _SAYS_DEADLINE | {SUBMITTED}:
        return stored
    parts = row.key.split(":")
    step = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
    return [Item(row.occurrence_id, row.kind, step)]


def _markers(row: OutboxMessage, occ: Occurrence) -> tuple[str, ...]:
    if row.kind == "bundle":
        return (  # as the bundle's templates name the period
            f"- {occ.task_code} kỳ {period_label(occ.period, 'vi')}:",
            f"- {occ.task_code} ({period_label(occ.period, 'en')}):",
        )
    return (f"Nhiệm vụ {occ.task_code}:", f"Task {occ.task_code}:")


def check_outbox(session: Session, *, unit_id: int | None = None) -> list[Finding]:
    """Every sent message that escalated to the late officer, or contradicted its occurrence
    as it was when the message went."""
    query = select(OutboxMessage).where(OutboxMessage.status == SENT)
    if unit_id is not None:
        query = query.where(OutboxMessage.unit_id == unit_id)
    emails = {o.id: o.email for o in session.exec(select(Officer)) if o.id is not None}
    histories: dict[int, _History] = {}
    calendars: dict[int, tuple[WorkCalendar, str]] = {}
    findings: list[Finding] = []
    for row in session.exec(query.order_by(col(OutboxMessage.id))):
        moment = row.sent_at or row.created_at
        for item in _items(row):
            occ = session.get(Occurrence, item.occurrence_id)
            if occ is None:
                continue
            if occ.id not in histories:
                histories[occ.id or 0] = _history(session, occ, emails)
            history = histories[occ.id or 0]
            if occ.plan_id not in calendars:
                plan_row = session.get(PlanRecord, occ.plan_id)
                assert plan_row is not None
                plan = read_plan_record(plan_row, session=session)
                calendars[occ.plan_id] = (
                    load_calendar(session=session, years=[plan.year]),
                    plan.timezone,
                )
            calendar, timezone = calendars[occ.plan_id]
            findings += _check(row, item, occ, history, moment, calendar, timezone)
    return findings


def _check(
    row: OutboxMessage,
    item: Item,
    occ: Occurrence,
    history: _History,
    moment: dt.datetime,
    calendar: WorkCalendar,
    timezone: str,
) -> list[Finding]:
    out: list[Finding] = []

    def finding(problem: str, detail: str) -> Finding:
        return Finding(
            row.id or 0, problem, row.recipient, occ.task_code, occ.period, row.sent_at, detail
        )

    if item.kind == ESCALATION:
        late = history.officer_at(moment)
        told = {str((row.facts or {}).get("to") or row.recipient), *row.cc}
        if late and late in told:
            out.append(finding(SELF_ESCALATION, f"escalation {item.step} sent to {late}"))
    status = history.status_at(moment)
    wanted = {SUBMITTED: (SUBMITTED,), RETURNED: (RETURNED,)}.get(item.kind)
    if item.kind in SWEEP_KINDS or item.kind == "assignment":
        if status not in ACTIVE:
            out.append(finding(STALE, f"{item.kind} sent while the occurrence was {status}"))
            return out
    elif wanted and status not in wanted:
        out.append(finding(STALE, f"{item.kind} sent while the occurrence was {status}"))
        return out
    if item.kind not in _SAYS_DEADLINE:
        return out
    said = next((s for m in _markers(row, occ) if (s := _says(row.body, m))), None)
    if said is None:
        return out
    today = moment.astimezone(zoneinfo.ZoneInfo(timezone)).date()
    left = calendar.count(today, occ.due_date)
    overdue = moment >= occ.due_at or left < 0
    truth = (True, max(-left, 0)) if overdue else (False, left)
    if said != truth:
        out.append(
            finding(
                STALE,
                f"says {'overdue' if said[0] else 'due'} {said[1]} working day(s) on {today}; "
                f"the deadline {occ.due_date} is {'past' if truth[0] else 'ahead'} "
                f"by {truth[1]}",
            )
        )
    return out


def summary(findings: Sequence[Finding]) -> dict[str, int]:
    """How many findings of each kind."""
    return {
        SELF_ESCALATION: sum(f.problem == SELF_ESCALATION for f in findings),
        STALE: sum(f.problem == STALE for f in findings),
    }
