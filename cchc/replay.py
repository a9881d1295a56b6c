"""Replaying a plan year day by day with simulated officers (``make demo``).

The replay drives the real engine exactly as the runners and the officers would: every day
it runs the periodic jobs from the one job table (``application.jobs.JOBS``: the daily
materialise, the morning digest, the reminder sweep, delivery), and the simulated officers
act through the same use cases as the command line and the web, each as themselves: the lead
of an occurrence uploads a small PDF for each required document and submits it (most on
time, some late, a few never; a new revision after a return), and the approver of the task —
never the officer who submitted it — accepts or returns it and accepts its evidence. The
policy refuses anything else, as it would for a real officer.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, col, select

from application.access import Identity
from application.jobs import JobEnv, run_job
from application.occurrences import TaskFilter, act, approver_of, list_tasks
from application.uow import UnitOfWork
from domain.errors import CchcError
from domain.lifecycle import ACTIVE
from domain.occurrence import OccurrenceView
from domain.plan import Plan
from domain.workdays import WorkCalendar
from models import Occurrence, PlanRecord, ReminderLog
from responsibilities.holding import Holding, holders
from responsibilities.policy import CHAIRMAN
from storage.blobs import BlobStore, MemoryBlobStore
from storage.calendar import load_calendar
from storage.officers import holdings as load_holdings
from storage.plans import read_plan_record

# A ward's day as the runners play it: every job of ``application.jobs.JOBS`` at its time
# (the same table ``cchc serve`` and the Prefect deployments run; a test checks they agree).
DAY: tuple[tuple[str, dt.time], ...] = (
    ("materialise", dt.time(0, 10)),
    ("digest", dt.time(7, 0)),
    ("remind", dt.time(7, 35)),
    ("deliver", dt.time(7, 36)),
)


@dataclass
class Action:
    """Something a simulated officer does on a day."""

    task: str
    period: str
    action: str
    actor_role: str  # "lead" or "approver"
    reason: str | None = None


@dataclass
class ReplayReport:
    by_status: dict[str, Counter[str]] = field(default_factory=dict)
    steps: Counter[str] = field(default_factory=Counter)
    on_time: dict[str, tuple[int, int]] = field(default_factory=dict)
    messages: int = 0
    rerouted: int = 0
    digests: int = 0
    refused: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    outbox: Path | None = None


def minimal_pdf(*lines: str) -> bytes:
    """A small valid one-page PDF showing ``lines`` (ASCII-folded), for demos and tests."""
    import unicodedata

    def ascii_(text: str) -> str:
        folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
        plain = "".join(c for c in folded if ord(c) < 128)
        return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = "".join(
        f"BT /F1 11 Tf 50 {780 - 16 * i} Td ({ascii_(line)}) Tj ET\n"
        for i, line in enumerate(lines)
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%sendstream" % (len(text), text.encode("ascii")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _plan_actions(
    occurrences: list[OccurrenceView], calendar: WorkCalendar, rng: random.Random
) -> dict[dt.date, list[Action]]:
    """Decide each occurrence's fate: on time (75 %), late (15 %), never (10 %)."""
    days: dict[dt.date, list[Action]] = defaultdict(list)
    for occ in occurrences:
        fate = rng.random()
        if fate < 0.10:
            continue
        if fate < 0.85:
            span = max(calendar.count(occ.period_start, occ.due_date), 1)
            submit = calendar.add(occ.due_date, -rng.randrange(0, min(span, 6)))
        else:
            submit = calendar.add(occ.due_date, rng.randint(1, 8))
        key = (occ.task, occ.period)
        days[submit].append(Action(*key, "submit", "lead"))
        review = calendar.add(submit, rng.randint(1, 3))
        if rng.random() < 0.1:
            days[review].append(
                Action(*key, "return", "approver", "Bổ sung tài liệu kiểm chứng còn thiếu")
            )
            again = calendar.add(review, 2)
            days[again].append(Action(*key, "submit", "lead"))
            days[calendar.add(again, 1)].append(Action(*key, "accept", "approver"))
        else:
            days[review].append(Action(*key, "accept", "approver"))
    return days


@dataclass
class _World:
    """What the simulated officers know: the plan, who holds what, whom they submitted."""

    unit: str
    plan: Plan
    holdings: list[Holding]
    tz: str
    submitted_by: dict[tuple[str, str], str] = field(default_factory=dict)
    uploaded: set[tuple[str, str]] = field(default_factory=set)
    final: set[tuple[str, str]] = field(default_factory=set)

    def lead(self, task_code: str, day: dt.date) -> str | None:
        task = self.plan.task(task_code)
        found = holders(self.holdings, task.lead, day, task.area)
        return found[0].officer if found else None

    def approver(self, task_code: str, period: str, day: dt.date) -> str | None:
        """A holder of the task's approving position (else the chairman) who did not submit."""
        task = self.plan.task(task_code)
        submitter = self.submitted_by.get((task_code, period))
        for role in (approver_of(self.plan, task), CHAIRMAN):
            for h in holders(self.holdings, role, day, task.area):
                if h.officer != submitter:
                    return h.officer
        return None


def replay_year(
    env: JobEnv,
    *,
    unit: str,
    year: int,
    seed: int = 2020,
    store: BlobStore | None = None,
    outbox: Path | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> ReplayReport:
    """Play ``year`` for a unit whose plan and officers are loaded, running ``env``'s jobs
    (messages go through ``env.channels``); evidence files go to ``store`` (in memory unless
    given). ``since`` and ``until`` play a part of the year only (a province's demo plays the
    months before a merger, then the rest): the officers act on the work still unfinished
    when the part starts, of the tasks the plan has then (an archived task's is left)."""
    store = store or MemoryBlobStore()
    rng = random.Random(seed)
    report = ReplayReport(outbox=outbox)
    world = _load_world(env, unit, year)
    first, last = since or dt.date(year, 1, 1), until or dt.date(year, 12, 31)
    start = _at(first, DAY[0][1], world.tz)
    _run(env, "materialise", start, unit, report)
    in_plan = {t.code for t in world.plan.tasks}
    occurrences = [
        o
        for o in list_tasks(UnitOfWork(env.engine), start, unit=unit, where=TaskFilter())
        if o.task in in_plan and o.status in ACTIVE
    ]
    with Session(env.engine) as session:
        calendar = load_calendar(session=session, years=[year])
    actions = _plan_actions(occurrences, calendar, rng)
    day = first
    while day <= last:
        for name, at in DAY:
            if (day, name) != (start.date(), "materialise"):  # the year's first ran above
                _run(env, name, _at(day, at, world.tz), unit, report)
        afternoon = _at(day, dt.time(16, 0), world.tz)
        for step in actions.get(day, []):
            _perform(env, world, store, step, day, afternoon, report)
        _run(env, "deliver", afternoon + dt.timedelta(minutes=5), unit, report)
        day += dt.timedelta(days=1)
    with Session(env.engine) as session:
        _summarise(session, world, year, report)
    return report


def _run(env: JobEnv, name: str, now: dt.datetime, unit: str, report: ReplayReport) -> None:
    """Run one job of the table for the unit and add what it did to ``report``."""
    done = run_job(env, name, now, [unit]).as_dict()
    if name == "materialise":
        report.rerouted += sum(p["rerouted"] for p in done["plans"])
    elif name == "digest":
        report.digests += done["digests"]
    elif name == "deliver":
        report.messages += done["sent"]


def _at(day: dt.date, at: dt.time, tz: str) -> dt.datetime:
    import zoneinfo

    return dt.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(tz))


def _load_world(env: JobEnv, unit: str, year: int) -> _World:
    from storage.units import get_unit

    with Session(env.engine) as session:
        unit_row = get_unit(unit, session=session)
        plan_row = session.exec(
            select(PlanRecord).where(PlanRecord.unit_id == unit_row.id, PlanRecord.year == year)
        ).one()
        plan = read_plan_record(plan_row, session=session)
        held = load_holdings(session=session, unit_id=unit_row.id or 0)
    return _World(unit, plan, held, plan.timezone)


def _perform(
    env: JobEnv,
    world: _World,
    store: BlobStore,
    step: Action,
    day: dt.date,
    now: dt.datetime,
    report: ReplayReport,
) -> None:
    """One simulated officer's step, through the use cases. A step that cannot be done — the
    review of a submission the chairman made final, or one the policy refuses — is counted."""
    key = (step.task, step.period)
    if key in world.final:
        return  # the chairman's own submission was final: no review, nothing to resubmit
    from application.access import Refused

    who = (
        world.lead(step.task, day)
        if step.actor_role == "lead"
        else world.approver(step.task, step.period, day)
    )
    if who is None:
        report.skipped["nobody holds the position"] += 1
        return
    identity = Identity.officer(who)
    try:
        if step.action == "submit":
            _upload(env, world, store, identity, step, now)
        result = act(
            UnitOfWork(env.engine),
            identity,
            now,
            action=step.action,
            task=step.task,
            period=step.period,
            reason=step.reason,
            unit=world.unit,
        )
        if step.action == "submit":
            world.submitted_by[key] = who
            if result.final:
                world.final.add(key)
    except Refused:
        report.refused += 1
    except CchcError as exc:
        report.skipped[str(getattr(exc, "key", type(exc).__name__))] += 1


def _upload(
    env: JobEnv, world: _World, store: BlobStore, identity: Identity, step: Action, now: dt.datetime
) -> None:
    """The lead's evidence before a submission: a PDF for each required document the first
    time, a new revision of the first one after a return ("bổ sung")."""
    from application.evidence import upload
    from storage.evidence import Upload

    task = world.plan.task(step.task)
    names = [r.name for r in task.evidence if r.required]
    key = (step.task, step.period)
    if key in world.uploaded:
        names = names[:1]
    for number, name in enumerate(names, 1):
        pdf = minimal_pdf(f"{step.task} - {step.period}", name, f"{identity.name} {now:%Y-%m-%d}")
        upload(
            UnitOfWork(env.engine),
            identity,
            now,
            unit=world.unit,
            task=step.task,
            period=step.period,
            requirement=name,
            files=[Upload(f"{step.task}_{step.period}_{number}.pdf", pdf)],
            store=store,
            max_bytes=1024 * 1024,
        )
    world.uploaded.add(key)


def _summarise(session: Session, world: _World, year: int, report: ReplayReport) -> None:
    areas = {t.code: t.area for t in world.plan.tasks}
    plan_ids = select(PlanRecord.id).where(PlanRecord.code == world.plan.code)
    rows = session.exec(select(Occurrence).where(col(Occurrence.plan_id).in_(plan_ids))).all()
    for occ in rows:
        report.by_status.setdefault(areas.get(occ.task_code, "?"), Counter())[occ.status] += 1
    ids = [o.id for o in rows]
    for log in session.exec(select(ReminderLog).where(col(ReminderLog.occurrence_id).in_(ids))):
        report.steps[f"{log.kind}:{log.outcome}"] += 1
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for occ in rows:
        counts[occ.lead_role][1] += 1
        if occ.submitted_at is not None:
            counts[occ.lead_role][0] += occ.submitted_at <= occ.due_at
    report.on_time = {role: (c[0], c[1]) for role, c in counts.items()}
