"""Replaying a plan year day by day with simulated officers (``make demo``).

The replay drives the real engine — the same sweep, lifecycle and delivery the runners use —
with a deterministic cast: most officers submit on time, some late, a few never; before
submitting, an officer uploads a small PDF for each required evidence document (and a new
revision after a return); approvers accept or return submissions, and accept the evidence. It shows what a ward's year looks like in the engine.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from domain.errors import CchcError
from domain.workdays import WorkCalendar
from models import Occurrence, Officer, PlanRecord, ReminderLog
from notifications.channels import FileChannel
from storage.blobs import BlobStore, MemoryBlobStore
from storage.calendar import load_calendar
from storage.digest import send_digests
from storage.evidence import Upload, add_evidence, list_evidence, missing_for, review
from storage.occurrences import materialise, reroute_unit, transition
from storage.officers import holdings
from storage.outbox import deliver
from storage.sweep import sweep

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Action:
    """Something a simulated officer does on a day."""

    occurrence_id: int
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
    occurrences: list[Occurrence], calendar: WorkCalendar, rng: random.Random
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
        occ_id = occ.id or 0
        days[submit].append(Action(occ_id, "submit", "lead"))
        review = calendar.add(submit, rng.randint(1, 3))
        if rng.random() < 0.1:
            days[review].append(
                Action(occ_id, "return", "approver", "Bổ sung tài liệu kiểm chứng còn thiếu")
            )
            again = calendar.add(review, 2)
            days[again].append(Action(occ_id, "submit", "lead"))
            days[calendar.add(again, 1)].append(Action(occ_id, "accept", "approver"))
        else:
            days[review].append(Action(occ_id, "accept", "approver"))
    return days


def replay_year(
    engine: Engine,
    *,
    unit_id: int,
    year: int,
    outbox: Path,
    seed: int = 2020,
    store: BlobStore | None = None,
) -> ReplayReport:
    """Play ``year`` for a unit whose plan and officers are loaded; messages go to ``outbox``,
    evidence files to ``store`` (in memory unless given)."""
    store = store or MemoryBlobStore()
    rng = random.Random(seed)
    channels = {"email": FileChannel(outbox), "apprise": FileChannel(outbox / "chat")}
    report = ReplayReport(outbox=outbox)
    with Session(engine, expire_on_commit=False) as session:
        plan_row = session.exec(
            select(PlanRecord).where(PlanRecord.unit_id == unit_id, PlanRecord.year == year)
        ).one()
        start = dt.datetime(year, 1, 1, 6, 0, tzinfo=TZ)
        materialise(plan_row, session=session, actor="demo", now=start)
        session.commit()
        calendar = load_calendar(session=session, years=[year])
        occurrences = list(
            session.exec(select(Occurrence).where(Occurrence.plan_id == plan_row.id))
        )
        by_id = {o.id: o for o in occurrences}
        actions = _plan_actions(occurrences, calendar, rng)
        held = holdings(session=session, unit_id=unit_id)
        changes = {h.start for h in held} | {h.end + dt.timedelta(days=1) for h in held if h.end}
        emails = {
            o.id: o.email for o in session.exec(select(Officer).where(Officer.unit_id == unit_id))
        }
        plan_tasks = {t.code: t for t in plan_row_tasks(session, plan_row)}
        approvers = {code: t.approver for code, t in plan_tasks.items()}
        from responsibilities.holding import holders

        day = dt.date(year, 1, 1)
        while day.year == year:
            morning = dt.datetime.combine(day, dt.time(7, 35), tzinfo=TZ)
            if day in changes and day != dt.date(year, 1, 1):
                report.rerouted += reroute_unit(unit_id, session=session, actor="demo", now=morning)
            report.digests += send_digests(session=session, now=morning)
            sweep(session=session, now=morning, actor="demo")
            session.commit()
            report.messages += deliver(engine, channels, now=morning).sent
            afternoon = dt.datetime.combine(day, dt.time(16, 0), tzinfo=TZ)
            for act in actions.get(day, []):
                occ = by_id[act.occurrence_id]
                if act.actor_role == "lead":
                    actor = emails.get(occ.officer_id or -1, "demo")
                else:
                    role = approvers.get(occ.task_code) or "chairman"
                    found = holders(held, role, day)
                    actor = found[0].officer if found else "demo"
                try:
                    task = plan_tasks.get(occ.task_code)
                    if act.action == "submit":
                        _upload(session, store, occ, task, actor, afternoon)
                    transition(
                        occ,
                        act.action,
                        session=session,
                        actor=actor,
                        now=afternoon,
                        reason=act.reason,
                    )
                    if act.action == "accept":
                        for evidence, _ in list_evidence(
                            session=session,
                            unit_id=unit_id,
                            task=occ.task_code,
                            period=occ.period,
                            status="pending",
                        ):
                            review(
                                evidence.id or 0,
                                "accept",
                                session=session,
                                actor=actor,
                                now=afternoon,
                            )
                except CchcError:  # e.g. an accept planned for a submission that never came
                    continue
            session.commit()
            report.messages += deliver(
                engine, channels, now=afternoon + dt.timedelta(minutes=5)
            ).sent
            day += dt.timedelta(days=1)
        _summarise(session, plan_row, report)
    return report


def _upload(
    session: Session,
    store: BlobStore,
    occ: Occurrence,
    task: Any,
    actor: str,
    now: dt.datetime,
) -> None:
    """The lead's evidence before a submission: a PDF for each document still missing, or
    after a return a new revision of the first one ("bổ sung")."""
    absent = missing_for(occ, task, session=session)
    names = absent or [r.name for r in (task.evidence if task else ()) if r.required][:1]
    for number, name in enumerate(names, 1):
        pdf = minimal_pdf(f"{occ.task_code} - {occ.period}", name, f"{actor} {now:%Y-%m-%d}")
        add_evidence(
            [Upload(f"{occ.task_code}_{occ.period}_{number}.pdf", pdf)],
            session=session,
            store=store,
            unit_id=occ.unit_id,
            occurrence=occ,
            requirement=name,
            actor=actor,
            now=now,
            max_bytes=1024 * 1024,
            task=task,
        )


def plan_row_tasks(session: Session, plan_row: PlanRecord) -> list[Any]:
    from storage.plans import read_plan_record

    return list(read_plan_record(plan_row, session=session).tasks)


def _summarise(session: Session, plan_row: PlanRecord, report: ReplayReport) -> None:
    areas = {t.code: t.area for t in plan_row_tasks(session, plan_row)}
    rows = session.exec(select(Occurrence).where(Occurrence.plan_id == plan_row.id)).all()
    for occ in rows:
        report.by_status.setdefault(areas.get(occ.task_code, "?"), Counter())[occ.status] += 1
    ids = [o.id for o in rows]
    for log in session.exec(select(ReminderLog).where(col(ReminderLog.occurrence_id).in_(ids))):
        report.steps[f"{log.kind}:{log.outcome}"] += 1
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for occ in rows:
        if occ.submitted_at is None:
            counts[occ.lead_role][1] += 1
            continue
        submitted, due = occ.submitted_at, occ.due_at
        counts[occ.lead_role][0] += submitted <= due
        counts[occ.lead_role][1] += 1
    report.on_time = {role: (c[0], c[1]) for role, c in counts.items()}
