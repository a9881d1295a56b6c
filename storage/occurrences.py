"""Occurrences: materialising a plan year, routing to officers, and their lifecycle."""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from domain.clock import local_today, require_aware
from domain.errors import NotFoundError
from domain.lifecycle import ACTIVE, CANCELLED, OPEN, SUBMITTED, apply
from domain.occurrence import OccurrenceView
from domain.periods import Period, due_date, period_term, periods
from domain.plan import Plan, Task
from domain.reminders import CLOSED, due_at, ladder, working_days_left
from domain.workdays import WorkCalendar
from models import (
    Occurrence,
    OccurrenceRoute,
    Officer,
    PlanRecord,
    ReminderLog,
    TaskRecord,
    UnitRecord,
)
from responsibilities.holding import Holding, holders
from storage.audit import Change, record, record_many
from storage.calendar import load_calendar
from storage.db import base_url_of, insert_ignore_many, insert_plain, savepoint
from storage.officers import units_holdings
from storage.plans import find_plan, read_plan_record, unit_chains, units_positions

ONE_DAY = dt.timedelta(days=1)


@dataclass
class MaterialiseReport:
    """What ``cchc schedule`` did for one plan."""

    unit: str
    plan: str
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0
    rerouted: int = 0
    by_every: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class Context:
    """What the functions of this module share for one plan."""

    session: Session
    plan_row: PlanRecord
    plan: Plan
    calendar: WorkCalendar
    holdings: list[Holding]
    officer_ids: dict[str, int]
    actor: str
    now: dt.datetime
    officers: dict[int, Officer] = field(default_factory=dict)
    unit_code: str = ""
    # the web site's public address: messages link to the pages they are about
    base_url: str | None = None
    # due dates and first looks already worked out, by what they depend on (tasks share them,
    # and so do the plans of every unit on the same calendar: see ``shared_memo``)
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)
    # who answers for a role in an area in a stretch of days (``changes``), as asked of
    # this context's holdings
    answers: dict[tuple[str, str, int], tuple[int | None, int | None]] = field(
        default_factory=dict, repr=False
    )
    # the active occurrences ``materialise`` read and did not route itself: what ``reroute``
    # must check next, instead of reading the plan's occurrences again (used once)
    to_route: list[_Stored] | None = field(default=None, repr=False)
    # the days a holding starts or ends on (the day after its last): who answers is the
    # same on every day between two of them (worked out at the first question)
    changes: list[dt.date] | None = field(default=None, repr=False)

    @property
    def today(self) -> dt.date:
        return local_today(self.now, self.plan.timezone)

    def names(self) -> dict[str, str]:
        """The unit's officers' names by email (as the policy names who acts)."""
        return {o.email: o.name for o in self.officers.values()}

    def accountable(self, role: str, area: str, on: dt.date) -> tuple[int | None, int | None]:
        """(officer id, acting-for officer id) answering for ``role`` in ``area`` on ``on``;
        many tasks and periods ask the same, so each answer is worked out once: once per
        stretch of days with no holding starting or ending in it, as only that changes it."""
        if self.changes is None:
            self.changes = sorted(
                {h.start for h in self.holdings}
                | {h.end + ONE_DAY for h in self.holdings if h.end and h.end < dt.date.max}
            )
        asked = (role, area, bisect_right(self.changes, on))
        answer = self.answers.get(asked)
        if answer is None:
            found = holders(self.holdings, role, on, area)
            if not found:
                answer = (None, None)
            else:
                first = found[0]
                acting_for = self.officer_ids.get(first.acting_for) if first.acting_for else None
                answer = (self.officer_ids.get(first.officer), acting_for)
            self.answers[asked] = answer
        return answer


# memos of due dates and first looks, by the calendar, time zone and roll rule they were
# worked out with; a few kept (a province's units share one), the oldest dropped first
_MEMOS: OrderedDict[tuple[Any, ...], dict[tuple[Any, ...], Any]] = OrderedDict()
MEMOS_KEPT = 8
MEMO_ENTRIES = 200_000  # a memo is emptied past this many entries (years of many plans)
_MEMO_LOCK = threading.Lock()


def shared_memo(calendar: WorkCalendar, timezone: str, roll: str) -> dict[tuple[Any, ...], Any]:
    """The memo for plans on ``calendar`` in ``timezone`` rolling by ``roll``: a due date or a
    first look depends on nothing else, so the units of a province, read one after the other,
    work each out once. A changed override or holiday list makes a new key, hence a new memo."""
    key = (
        timezone,
        roll,
        tuple(sorted(calendar.holidays)),
        tuple(sorted(calendar.days_off)),
        tuple(sorted(calendar.working)),
    )
    with _MEMO_LOCK:
        memo = _MEMOS.get(key)
        if memo is None or len(memo) > MEMO_ENTRIES:
            memo = _MEMOS[key] = {}
            while len(_MEMOS) > MEMOS_KEPT:
                _MEMOS.popitem(last=False)
        _MEMOS.move_to_end(key)
        return memo


def context(plan_row: PlanRecord, *, session: Session, actor: str, now: dt.datetime) -> Context:
    """What the functions of this module share for ``plan_row`` (``contexts`` of one)."""
    return contexts([plan_row], session=session, actor=actor, now=now)[0]


def contexts(
    plan_rows: Sequence[PlanRecord], *, session: Session, actor: str, now: dt.datetime
) -> list[Context]:
    """The contexts of ``plan_rows``, in their order, read together: the units' positions,
    chains, officers and holdings in one statement each whatever the number of plans (the
    daily job reads a province's units at once), the calendar once per year."""
    now = require_aware(now)
    unit_ids = sorted({p.unit_id for p in plan_rows})
    positions = units_positions(unit_ids, session=session)
    chains = unit_chains(unit_ids, session=session)
    officers: dict[int, dict[int, Officer]] = {}
    everyone: dict[int, Officer] = {}
    for officer in session.exec(
        select(Officer).where(col(Officer.unit_id).in_(unit_ids)).order_by(col(Officer.id))
    ):
        if officer.id is not None:
            officers.setdefault(officer.unit_id, {})[officer.id] = officer
            everyone[officer.id] = officer
    codes = {p.id: p.code for unit in positions.values() for p in unit}
    held = units_holdings(unit_ids, session=session, officers=everyone, positions=codes)
    calendars = {
        year: load_calendar(session=session, years=[year]) for year in {p.year for p in plan_rows}
    }
    base_url = base_url_of(session.get_bind())
    found = []
    for plan_row in plan_rows:
        unit_id = plan_row.unit_id
        plan = read_plan_record(
            plan_row,
            session=session,
            positions=positions.get(unit_id, []),
            unit=chains.get(unit_id),
        )
        by_id = officers.get(unit_id, {})
        calendar = calendars[plan_row.year]
        found.append(
            Context(
                session=session,
                plan_row=plan_row,
                plan=plan,
                calendar=calendar,
                holdings=held.get(unit_id, []),
                officer_ids={o.email: i for i, o in by_id.items()},
                actor=actor,
                now=now,
                officers=by_id,
                unit_code=plan.unit.code,
                base_url=base_url,
                memo=shared_memo(calendar, plan.timezone, plan.roll),
            )
        )
    return found


def _done(session: Session, occurrence_id: int) -> set[tuple[str, int]]:
    rows = session.exec(select(ReminderLog).where(ReminderLog.occurrence_id == occurrence_id)).all()
    return {(r.kind, r.step) for r in rows}


def next_look(
    ctx: Context, task: Task, occ: Occurrence, done: set[tuple[str, int]]
) -> dt.datetime | None:
    """When the sweep must next look at ``occ``: its first step not yet handled."""
    if occ.status in CLOSED:
        return None
    steps = ladder(occ.due_date, task.reminders, ctx.calendar, ctx.plan.timezone)
    pending = [s.at for s in steps if s.key not in done]
    return pending[0] if pending else None


# SQLite's default limit on the variables of one statement (SQLITE_MAX_VARIABLE_NUMBER since
# 3.32); PostgreSQL allows 65,535. A province's year of new occurrences is past it: written
# again when one is already stored, the rows go in batches (``insert_ignore_many``).
MAX_VARIABLES = 32_766


def first_look(ctx: Context, task: Task, due: dt.date) -> dt.datetime | None:
    """When the sweep must first look at a new (open) occurrence of ``task`` due on ``due``."""
    key = ("look", due, task.reminders)
    if key not in ctx.memo:
        steps = ladder(due, task.reminders, ctx.calendar, ctx.plan.timezone)
        ctx.memo[key] = steps[0].at if steps else None
    return ctx.memo[key]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class _Timing:
    """A period of a task's year, its deadline (date and time) and the sweep's first look."""

    period: Period
    due: dt.date
    due_at: dt.datetime
    first_look: dt.datetime | None


def _timings(ctx: Context, task: Task) -> tuple[_Timing, ...]:
    """The periods of ``task``'s year with their deadlines and first looks: worked out once
    per schedule and reminders, for every plan sharing the memo (``shared_memo``)."""
    key = ("timings", task.schedule, task.reminders)
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = tuple(
            _Timing(p, due, due_at(due, ctx.plan.timezone), first_look(ctx, task, due))
            for p in periods(task.schedule)
            for due in (due_date(task.schedule, p, ctx.calendar, ctx.plan.roll),)
        )
    return found


def insert_new(session: Session, rows: Iterable[dict[str, Any]]) -> set[tuple[int, str]]:
    """Insert ``rows`` of occurrences, skipping any whose (task, period) is already stored —
    by now or by a materialisation running at the same time; the keys of the rows this call
    created. ``rows`` may be a generator (see ``insert_plain``); it is always read to its end.

    Usually none is stored yet: the rows go in as the driver writes them fastest
    (``insert_plain``: COPY on PostgreSQL), inside a savepoint. When one of them is there
    already, the savepoint is rolled back and the rows are written again by
    ``insert_ignore_many``, which says which went in."""
    source = iter(rows)
    seen: list[dict[str, Any]] = []

    def kept() -> Iterator[dict[str, Any]]:
        for row in source:
            seen.append(row)
            yield row

    table = Occurrence.__table__  # type: ignore[attr-defined]
    try:
        with savepoint(session):
            insert_plain(session, table, kept())
    except IntegrityError:
        seen.extend(source)  # what the failed copy had not read yet
        return set(insert_ignore_many(session, Occurrence, seen, returning=("task_id", "period")))
    return {(r["task_id"], r["period"]) for r in seen}


@dataclass(frozen=True)
class _Stored:
    """What materialising compares of an occurrence already stored (read without the ORM)."""

    id: int
    task_id: int
    task_code: str
    period: str
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    due_at: dt.datetime
    status: str
    lead_role: str
    officer_id: int | None
    acting_for_id: int | None


def _stored(
    session: Session, plan_ids: Collection[int]
) -> dict[int, dict[tuple[int, str], _Stored]]:
    """The occurrences stored for each of ``plan_ids``, by (task id, period)."""
    o = Occurrence
    rows = session.execute(
        core_select(  # thirteen columns: more than sqlmodel's ``select`` is typed for
            col(o.plan_id),
            col(o.id),
            col(o.task_id),
            col(o.task_code),
            col(o.period),
            col(o.period_start),
            col(o.period_end),
            col(o.due_date),
            col(o.due_at),
            col(o.status),
            col(o.lead_role),
            col(o.officer_id),
            col(o.acting_for_id),
        ).where(col(o.plan_id).in_(plan_ids))
    )
    found: dict[int, dict[tuple[int, str], _Stored]] = {plan_id: {} for plan_id in plan_ids}
    for plan_id, *columns in rows:
        stored = _Stored(*columns)
        found[plan_id][(stored.task_id, stored.period)] = stored
    return found


def materialise(
    plan_row: PlanRecord,
    *,
    session: Session,
    actor: str,
    now: dt.datetime,
    ctx: Context | None = None,
) -> MaterialiseReport:
    """Create the occurrences of a plan's year (``materialise_plans`` of one);
    ``ctx``: the plan's context when the caller has it already."""
    if ctx is None or (ctx.plan_row.id, ctx.actor, ctx.now) != (plan_row.id, actor, now):
        ctx = context(plan_row, session=session, actor=actor, now=now)
    return materialise_plans([ctx])[0]


@dataclass
class _Work:
    """What materialising found to do for one plan: its report so far, the rows to create
    (with each one's schedule), and the stored occurrences it read."""

    report: MaterialiseReport
    new_rows: list[dict[str, Any]]
    every: dict[tuple[int, str], str]
    read: list[_Stored]
    gone: list[_Stored]
    # open occurrences to move to their revised period (task, stored, due, start, end): moved
    # once the new rows are written, as the rows are worked out while the session is busy
    revised: list[tuple[Task, _Stored, dt.date, dt.date, dt.date]] = field(default_factory=list)


def materialise_plans(ctxs: Sequence[Context]) -> list[MaterialiseReport]:
    """Create the occurrences of each plan's year (of ``ctxs``: one session, actor and time);
    idempotent by (task, period). A report for each, in their order.

    Open occurrences whose deadline is still ahead follow a revised schedule (new due date,
    or cancelled when their period is gone); submitted, accepted and waived ones, and any
    whose deadline has passed, are never touched. What is stored is read for all the plans
    at once; the new occurrences of all of them are computed first, then written together,
    skipping whatever another materialisation stored meanwhile (``insert_new``); each plan
    that changed gets one audit entry, the entries written together too.
    """
    if not ctxs:
        return []
    session, actor, now = ctxs[0].session, ctxs[0].actor, ctxs[0].now
    plan_ids = [ctx.plan_row.id or 0 for ctx in ctxs]
    units = {
        u.id: u
        for u in session.exec(
            select(UnitRecord).where(col(UnitRecord.id).in_({c.plan_row.unit_id for c in ctxs}))
        )
    }
    task_ids: dict[int, dict[str, int]] = {plan_id: {} for plan_id in plan_ids}
    for tid, code, plan_id in session.execute(
        select(TaskRecord.id, TaskRecord.code, TaskRecord.plan_id).where(
            col(TaskRecord.plan_id).in_(plan_ids)
        )
    ):
        task_ids[plan_id][code] = tid
    stored = _stored(session, plan_ids)
    works: list[_Work] = []

    def new_rows() -> Iterator[dict[str, Any]]:
        # each plan's rows go to the database as soon as they are worked out (on PostgreSQL
        # the server stores them meanwhile); nothing here may use the session
        for ctx, pid in zip(ctxs, plan_ids, strict=True):
            work = _plan_work(ctx, units.get(ctx.plan_row.unit_id), task_ids[pid], stored[pid])
            works.append(work)
            yield from work.new_rows

    created = insert_new(session, new_rows())
    assert len(works) == len(ctxs)
    changes = []
    for ctx, work in zip(ctxs, works, strict=True):
        report = work.report
        for task, revised, due, start, end in work.revised:
            _reschedule(ctx, task, revised, due, start, end)
        mine = [key for key in work.every if key in created]
        report.created = len(mine)
        report.unchanged += len(work.new_rows) - len(mine)  # stored meanwhile by another run
        for key in sorted(mine):
            report.by_every[work.every[key]] = report.by_every.get(work.every[key], 0) + 1
        cancelled: set[int] = set()
        for gone in work.gone:  # periods the plan no longer has, or tasks it archived
            if gone.status in ACTIVE and gone.due_at > now:
                _cancel_gone(ctx, gone)
                cancelled.add(gone.id)
                report.cancelled += 1
        # the new ones went to whoever answers for them under this context; unless another
        # run stored some of them meanwhile, only those read before need checking by ``reroute``
        ctx.to_route = (
            [r for r in work.read if r.status in ACTIVE and r.id not in cancelled]
            if len(mine) == len(work.new_rows)
            else None
        )
        if report.created or report.updated or report.cancelled:
            changes.append(
                Change(
                    action="materialise",
                    entity="plan",
                    key=ctx.plan_row.code,
                    unit_id=ctx.plan_row.unit_id,
                    after={
                        "created": report.created,
                        "updated": report.updated,
                        "cancelled": report.cancelled,
                    },
                )
            )
    session.flush()
    record_many(changes, session=session, actor=actor, now=now)
    return [work.report for work in works]


def _plan_work(
    ctx: Context,
    unit: UnitRecord | None,
    task_ids: dict[str, int],
    existing: dict[tuple[int, str], _Stored],
) -> _Work:
    """What materialising ``ctx``'s plan must do, given what is stored (``existing``, by
    task id and period): the new rows, the open occurrences to move to a revised period and
    those whose period is gone. Works in memory only: it reads and writes no row."""
    plan_row, now = ctx.plan_row, ctx.now
    work = _Work(
        report=MaterialiseReport(unit=unit.code if unit else "", plan=plan_row.code),
        new_rows=[],
        every={},
        read=list(existing.values()),
        gone=[],
    )
    existing = dict(existing)
    last_day = unit.valid_to if unit else None  # a merged unit gets no new work
    today = ctx.today
    # read once, not per row: a year is thousands of rows
    unit_id, plan_id = plan_row.unit_id, plan_row.id or 0
    accountable, new_rows, every = ctx.accountable, work.new_rows, work.every
    for task in ctx.plan.tasks:
        task_id, code, lead, area = task_ids[task.code], task.code, task.lead, task.area
        schedule_every = task.schedule.every
        for timing in _timings(ctx, task):
            period, due = timing.period, timing.due
            key = (task_id, period.key)
            stored = existing.pop(key, None)
            if stored is None:
                if last_day is not None and max(period.start, due) > last_day:
                    continue  # the successor's work (the merger cancelled what was open)
                officer, acting = accountable(lead, area, max(today, period.start))
                new_rows.append(
                    {
                        "unit_id": unit_id,
                        "plan_id": plan_id,
                        "task_id": task_id,
                        "task_code": code,
                        "period": period.key,
                        "period_start": period.start,
                        "period_end": period.end,
                        "due_date": due,
                        "due_at": timing.due_at,
                        "status": OPEN,
                        "lead_role": lead,
                        "officer_id": officer,
                        "acting_for_id": acting,
                        "next_reminder_at": timing.first_look,
                        "reason": "",
                        "submitted_by": "",
                        "reviewed_by": "",
                        "updated_at": now,
                    }
                )
                every[key] = schedule_every
                continue
            changed = (stored.due_date, stored.period_start, stored.period_end) != (
                due,
                period.start,
                period.end,
            )
            if changed and stored.status in ACTIVE and stored.due_at > now:
                work.revised.append((task, stored, due, period.start, period.end))
                work.report.updated += 1
            else:
                work.report.unchanged += 1
    work.gone = list(existing.values())
    return work


def _reschedule(
    ctx: Context,
    task: Task,
    stored: _Stored,
    due: dt.date,
    start: dt.date,
    end: dt.date,
) -> None:
    """Move an open occurrence whose deadline is ahead to its revised period; audited."""
    session, now = ctx.session, ctx.now
    occ = session.get(Occurrence, stored.id)
    assert occ is not None
    before = {
        "due_date": occ.due_date.isoformat(),
        "period": [str(occ.period_start), str(occ.period_end)],
    }
    occ.due_date, occ.period_start, occ.period_end = due, start, end
    occ.due_at = due_at(due, ctx.plan.timezone)
    occ.next_reminder_at = next_look(ctx, task, occ, _done(session, occ.id or 0))
    occ.updated_at = now
    session.add(occ)
    record(
        session=session,
        actor=ctx.actor,
        now=now,
        action="reschedule",
        entity="occurrence",
        key=f"{task.code}/{occ.period}",
        unit_id=ctx.plan_row.unit_id,
        before=before,
        after={"due_date": due.isoformat(), "period": [str(start), str(end)]},
    )


def _cancel_gone(ctx: Context, stored: _Stored) -> None:
    """Cancel an open occurrence the plan no longer has; audited."""
    session, now = ctx.session, ctx.now
    occ = session.get(Occurrence, stored.id)
    assert occ is not None
    before_status = occ.status
    occ.status, occ.next_reminder_at, occ.updated_at = CANCELLED, None, now
    session.add(occ)
    record(
        session=session,
        actor=ctx.actor,
        now=now,
        action="cancel",
        entity="occurrence",
        key=f"{occ.task_code}/{occ.period}",
        unit_id=ctx.plan_row.unit_id,
        before={"status": before_status},
        after={"status": CANCELLED},
    )


def cancel_from(
    unit_id: int, day: dt.date, reason: str, *, session: Session, actor: str, now: dt.datetime
) -> list[Occurrence]:
    """Cancel, with ``reason``, the unit's open work (open, in progress, returned) due on or
    after ``day``; submitted, accepted and waived work is never touched. Audited."""
    found = session.exec(
        select(Occurrence)
        .where(
            Occurrence.unit_id == unit_id,
            col(Occurrence.status).in_(ACTIVE),
            col(Occurrence.due_date) >= day,
        )
        .order_by(col(Occurrence.due_date), col(Occurrence.task_code))
    ).all()
    for occ in found:
        before = occ.status
        occ.status, occ.reason, occ.next_reminder_at, occ.updated_at = CANCELLED, reason, None, now
        session.add(occ)
        record(
            session=session,
            actor=actor,
            now=now,
            action="cancel",
            entity="occurrence",
            key=f"{occ.task_code}/{occ.period}",
            unit_id=unit_id,
            before={"status": before},
            after={"status": CANCELLED, "reason": reason},
        )
    session.flush()
    return list(found)


def open_before(unit_id: int, day: dt.date, *, session: Session) -> list[Occurrence]:
    """The unit's open work due before ``day`` (left as it is by a merger, for its officers
    to finish or the chairman to waive)."""
    return list(
        session.exec(
            select(Occurrence)
            .where(
                Occurrence.unit_id == unit_id,
                col(Occurrence.status).in_(ACTIVE),
                col(Occurrence.due_date) < day,
            )
            .order_by(col(Occurrence.due_date), col(Occurrence.task_code))
        )
    )


def _ahead(occ: Occurrence, now: dt.datetime) -> bool:
    return occ.due_at > now


def reroute(ctx: Context) -> list[Occurrence]:
    """Give every active occurrence to whoever answers for its role from today on.

    History stays in ``occurrence_route`` and the audit log. Returns the occurrences moved.
    """
    session, moved = ctx.session, []
    areas = {t.code: t.area for t in ctx.plan.tasks}
    active: Sequence[Any] | None = ctx.to_route
    ctx.to_route = None
    if active is None:
        o = Occurrence
        # the columns compared, read without the ORM: most stay with their holder, and only
        # those that move are loaded as objects
        active = session.execute(
            core_select(
                col(o.id),
                col(o.task_code),
                col(o.lead_role),
                col(o.period_start),
                col(o.officer_id),
                col(o.acting_for_id),
            ).where(col(o.plan_id) == ctx.plan_row.id, col(o.status).in_(ACTIVE))
        ).all()
    active = sorted(active, key=lambda row: row.id)  # moved (and audited) in a stable order
    names = {v: k for k, v in ctx.officer_ids.items()}
    today = ctx.today
    for row in active:
        area = areas.get(row.task_code)
        if area is None:
            continue
        officer, acting = ctx.accountable(row.lead_role, area, max(today, row.period_start))
        if (officer, acting) == (row.officer_id, row.acting_for_id):
            continue
        occ = session.get(Occurrence, row.id)
        assert occ is not None
        before = {
            "officer": names.get(occ.officer_id or -1),
            "acting_for": names.get(occ.acting_for_id or -1),
        }
        occ.officer_id, occ.acting_for_id, occ.updated_at = officer, acting, ctx.now
        session.add(occ)
        session.add(
            OccurrenceRoute(
                occurrence_id=occ.id or 0, officer_id=officer, since=ctx.now, reason="holder change"
            )
        )
        record(
            session=session,
            actor=ctx.actor,
            now=ctx.now,
            action="reroute",
            entity="occurrence",
            key=f"{occ.task_code}/{occ.period}",
            unit_id=ctx.plan_row.unit_id,
            before=before,
            after={"officer": names.get(officer or -1), "acting_for": names.get(acting or -1)},
        )
        moved.append(occ)
    return moved


def find_occurrence(
    unit_id: int, task_code: str, period: str, *, session: Session, plan: str | None = None
) -> Occurrence:
    plan_row = find_plan(session=session, unit_id=unit_id, code=plan)
    occ = session.exec(
        select(Occurrence).where(
            Occurrence.plan_id == plan_row.id,
            Occurrence.task_code == task_code,
            Occurrence.period == period,
        )
    ).first()
    if occ is None:
        raise NotFoundError(
            "error.occurrence_not_found", code=task_code, period=period_term(period)
        )
    return occ


def transition(
    occ: Occurrence,
    action: str,
    *,
    session: Session,
    actor: str,
    now: dt.datetime,
    reason: str | None = None,
    ctx: Context | None = None,
    rule: str | None = None,
) -> Occurrence:
    """Move ``occ`` by ``action`` (start, submit, accept, return, waive), audit-logged.

    Only the state change: who may, the evidence rule and who is told are the application
    layer's (``application.occurrences``)."""
    target = apply(occ.status, action, reason)
    before = {"status": occ.status}
    occ.status, occ.updated_at = target, now
    if reason:
        occ.reason = reason
    if target == SUBMITTED:
        occ.submitted_at, occ.submitted_by = now, actor
    if action in ("accept", "return"):
        occ.reviewed_by = actor
    if action == "accept":
        occ.accepted_at = now
    occ.next_reminder_at = None
    if target in ACTIVE:  # still to be done (started, returned): the reminders go on
        if ctx is None:
            plan_row = session.get(PlanRecord, occ.plan_id)
            assert plan_row is not None
            ctx = context(plan_row, session=session, actor=actor, now=now)
        task = next((t for t in ctx.plan.tasks if t.code == occ.task_code), None)
        if task is not None:
            occ.next_reminder_at = next_look(ctx, task, occ, _done(session, occ.id or 0))
    session.add(occ)
    record(
        session=session,
        actor=actor,
        now=now,
        action=action,
        entity="occurrence",
        key=f"{occ.task_code}/{occ.period}",
        unit_id=occ.unit_id,
        before=before,
        after={"status": target, "reason": reason, **({"rule": rule} if rule else {})},
    )
    session.flush()
    return occ


def plan_occurrences(plan_row: PlanRecord, *, session: Session) -> Sequence[Occurrence]:
    """A plan's occurrences in deadline order (then task code), as readers list them."""
    return session.exec(
        select(Occurrence)
        .where(Occurrence.plan_id == plan_row.id)
        .order_by(col(Occurrence.due_date), col(Occurrence.task_code))
    ).all()


def views(
    plan_row: PlanRecord,
    *,
    session: Session,
    now: dt.datetime,
    occurrences: Sequence[Occurrence] | None = None,
    lang: str = "vi",
    ctx: Context | None = None,
) -> list[OccurrenceView]:
    """Occurrences of a plan (or the given ones) as readers see them, in deadline order.

    A sweep passes its ``ctx`` so nothing is read twice."""
    if ctx is None or ctx.now != now:
        ctx = context(plan_row, session=session, actor="", now=now)
    plan, calendar, officers = ctx.plan, ctx.calendar, ctx.officers
    today = local_today(now, plan.timezone)
    tasks = {t.code: t for t in plan.tasks}
    rows = occurrences if occurrences is not None else plan_occurrences(plan_row, session=session)
    out = []
    for occ in rows:
        task = tasks.get(occ.task_code)
        officer = officers.get(occ.officer_id) if occ.officer_id else None
        acting_for = officers.get(occ.acting_for_id) if occ.acting_for_id else None
        title = (
            (task.title_en if lang == "en" and task and task.title_en else task.title)
            if task
            else occ.task_code
        )
        out.append(
            OccurrenceView(
                id=occ.id or 0,
                unit=ctx.unit_code,
                plan=plan_row.code,
                task=occ.task_code,
                title=title,
                area=task.area if task else "",
                period=occ.period,
                period_start=occ.period_start,
                period_end=occ.period_end,
                due_date=occ.due_date,
                due_at=occ.due_at,
                status=occ.status,
                lead_role=occ.lead_role,
                officer_email=officer.email if officer else None,
                officer_name=officer.name if officer else None,
                acting_for=acting_for.name if acting_for else None,
                overdue=occ.status in ACTIVE and _ahead(occ, now) is False,
                working_days_left=working_days_left(today, occ.due_date, calendar),
                evidence=tuple(e.name for e in task.evidence) if task else (),
                reason=occ.reason,
            )
        )
    return out
