"""The periodic jobs, defined once with their functions — "công việc định kỳ".

``JOBS`` is the only definition of what runs when. ``cchc serve`` (APScheduler, embedded)
schedules each ``JobSpec.run``; the Prefect flows in ``flows/work.py`` (deployed from the
generated ``prefect.yaml``) call ``run_job`` by name; the demo's year replay runs the same
table day by day. Each job does one pass for a set of units (all by default, so several
workers can share a city by taking a batch each), in its own transactions, and returns a
typed report. Jobs act as the scheduler (``Identity.system``), which the policy allows to run
jobs and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from application.access import Identity

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from application.settings import Settings
    from application.uow import Clock, UnitOfWork
    from notifications.channels import Channel


class Report(Protocol):
    def as_dict(self) -> dict[str, Any]: ...


@dataclass
class JobEnv:
    """What jobs run with, built once at start-up: the settings, the database engine and the
    delivery channels (so a bad SMTP address stops the runner before its first tick)."""

    settings: Settings
    engine: Engine
    channels: Mapping[str, Channel]
    # simulated when a front end was given ``--now``: jobs then change nothing on a live database
    clock: Clock = field(default_factory=lambda: _clock())

    def uow(self) -> UnitOfWork:
        """A unit of work on the jobs' database, sharing their clock."""
        from application.uow import UnitOfWork

        return UnitOfWork(self.engine, self.clock)

    @classmethod
    def build(
        cls,
        settings: Settings,
        channels: Mapping[str, Channel] | None = None,
        engine: Engine | None = None,
        clock: Clock | None = None,
    ) -> JobEnv:
        from application.channels import build_channels
        from storage.db import make_engine

        if channels is None:
            channels = build_channels(settings)
        if engine is None:
            if settings.embedded:
                settings.home.mkdir(parents=True, exist_ok=True)
            from application.audit_key import read_key

            engine = make_engine(settings.database_url, audit_key=read_key(settings.audit_key_path))
        from storage.db import with_base_url

        return cls(settings, with_base_url(engine, settings.base_url), channels, clock or _clock())

    def close(self) -> None:
        self.engine.dispose()


def _clock() -> Clock:
    from application.uow import Clock

    return Clock()


@dataclass(frozen=True)
class JobSpec:
    """A periodic job: its name, the function that runs it, the Prefect flow wrapping it
    (``file:function`` entrypoint) and its cron schedule in the installation's local time."""

    name: str
    run: Callable[..., Report]
    flow: str
    cron: str
    description: str


@dataclass
class MaterialiseRun:
    """The daily materialise: one report per unit's latest plan, and the leftovers of
    interrupted evidence uploads it removed (files older than an hour)."""

    now: dt.datetime
    plans: list[dict[str, Any]] = field(default_factory=list)
    leftovers_removed: int = 0
    job: str = "materialise"

    def as_dict(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "now": self.now.isoformat(),
            "plans": self.plans,
            "evidence_leftovers_removed": self.leftovers_removed,
        }


@dataclass
class SweepRun:
    """One reminder sweep: the occurrences' (``report``) and the province's deadlines'
    (``deadlines``: ``application.deadline_sweep``)."""

    now: dt.datetime
    dry_run: bool
    report: Any
    deadlines: Any = None
    job: str = "remind"

    def as_dict(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "now": self.now.isoformat(),
            "dry_run": self.dry_run,
            **self.report.as_dict(),
            "deadlines": self.deadlines.as_dict() if self.deadlines is not None else None,
        }


@dataclass
class DigestRun:
    now: dt.datetime
    digests: int = 0
    job: str = "digest"

    def as_dict(self) -> dict[str, Any]:
        return {"job": self.job, "now": self.now.isoformat(), "digests": self.digests}


@dataclass
class DeliveryRun:
    now: dt.datetime
    channel: str
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    dropped: int = 0
    job: str = "deliver"

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["now"] = self.now.isoformat()
        return out


def _unit_ids(session: Any, units: list[str] | None) -> list[int] | None:
    if not units:
        return None
    from storage.units import get_unit

    return [get_unit(code, session=session).id or 0 for code in units]


def materialise_job(
    env: JobEnv, now: dt.datetime, units: list[str] | None = None
) -> MaterialiseRun:
    """Materialise the latest plan of each unit (or of ``units``) and follow holder changes;
    then remove the evidence store's stale leftovers (the daily housekeeping)."""
    from sqlmodel import col, select

    from application.evidence import disk_store, remove_leftovers
    from application.occurrences import materialise_all
    from models import PlanRecord

    run = MaterialiseRun(now)
    actor = Identity.system("materialise").audit_name
    with env.uow() as session:
        ids = _unit_ids(session, units)
        query = select(PlanRecord).order_by(col(PlanRecord.unit_id), col(PlanRecord.year).desc())
        if ids is not None:
            query = query.where(col(PlanRecord.unit_id).in_(ids))
        latest: dict[int, Any] = {}
        for plan_row in session.exec(query):
            latest.setdefault(plan_row.unit_id, plan_row)
        for report in materialise_all(list(latest.values()), session=session, actor=actor, now=now):
            run.plans.append(report.as_dict())
    # the real clock: a replayed (simulated) year must never age a file being written
    real_now = min(now, dt.datetime.now(dt.UTC))
    run.leftovers_removed = len(remove_leftovers(disk_store(env.settings.home), real_now).removed)
    return run


def remind_job(
    env: JobEnv, now: dt.datetime, units: list[str] | None = None, *, dry_run: bool = False
) -> SweepRun:
    """One reminder and escalation sweep at ``now`` (``dry_run``: say what, change nothing):
    the occurrences' steps, then the province's deadlines, in one transaction."""
    from sqlmodel import Session

    from application.deadline_sweep import deadline_sweep
    from application.sweep import sweep

    actor = Identity.system("remind").audit_name
    if dry_run:
        with Session(env.engine) as session:
            ids = _unit_ids(session, units)
            report = sweep(session=session, now=now, actor=actor, unit_ids=ids, dry_run=True)
            deadlines = deadline_sweep(session=session, now=now, unit_ids=ids, dry_run=True)
            session.rollback()
        return SweepRun(now, True, report, deadlines)
    with env.uow() as session:
        ids = _unit_ids(session, units)
        report = sweep(session=session, now=now, actor=actor, unit_ids=ids)
        deadlines = deadline_sweep(session=session, now=now, unit_ids=ids)
    return SweepRun(now, False, report, deadlines)


def digest_job(
    env: JobEnv, now: dt.datetime, units: list[str] | None = None, *, horizon: int = 3
) -> DigestRun:
    """Each officer who chose a digest gets one message on working mornings."""
    from application.digest import send_digests

    with env.uow() as session:
        count = send_digests(
            session=session, now=now, unit_ids=_unit_ids(session, units), horizon=horizon
        )
    return DigestRun(now, count)


def deliver_job(
    env: JobEnv, now: dt.datetime, units: list[str] | None = None, *, limit: int = 1000
) -> DeliveryRun:
    """One delivery pass over the shared outbox (``units`` is not used); dead messages are
    reported to the CCHC officer."""
    del units
    from application.delivery import deliver
    from application.notices import notify_dead
    from storage.installation import refuse_simulated_change

    with env.uow() as session:  # sending at a simulated time is a change too
        refuse_simulated_change(session)

    report = deliver(
        env.engine,
        env.channels,
        now=now,
        limit=limit,
        max_attempts=env.settings.max_attempts,
        on_dead=notify_dead,
    )
    via = "smtp" if env.settings.smtp_url else env.settings.channel
    return DeliveryRun(
        now, via, report.claimed, report.sent, report.retried, report.dead, report.dropped
    )


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        "materialise",
        materialise_job,
        "flows/work.py:materialise_flow",
        "10 0 * * *",
        "Create each plan's occurrences and follow plan revisions and holder changes (daily).",
    ),
    JobSpec(
        "remind",
        remind_job,
        "flows/work.py:remind_flow",
        "*/5 * * * *",
        "Reminder and escalation sweep: what is due now becomes outbox messages (every 5 minutes).",
    ),
    JobSpec(
        "digest",
        digest_job,
        "flows/work.py:digest_flow",
        "0 7 * * *",
        "One daily message per officer who chose a digest (working mornings, 07:00).",
    ),
    JobSpec(
        "deliver",
        deliver_job,
        "flows/work.py:deliver_flow",
        "* * * * *",
        "Deliver pending outbox messages through the configured channel (every minute).",
    ),
)
BY_NAME: dict[str, JobSpec] = {spec.name: spec for spec in JOBS}


def run_job(env: JobEnv, name: str, now: dt.datetime, units: list[str] | None = None) -> Report:
    """Run the job called ``name`` from the table (every runner comes through here)."""
    from domain.clock import require_aware

    return BY_NAME[name].run(env, require_aware(now), units)


def installation_timezone(env: JobEnv) -> str:
    """The time zone the runner's cron schedules follow: that of the plans in the database
    (the plan format's default when there is none yet)."""
    from sqlmodel import Session, func, select

    from domain.clock import DEFAULT_TIMEZONE
    from models import PlanRecord

    with Session(env.engine) as session:
        row = session.exec(
            select(PlanRecord.timezone)
            .group_by(PlanRecord.timezone)
            .order_by(func.count().desc())
            .limit(1)
        ).first()
    return row or DEFAULT_TIMEZONE


def run_by_hand(
    env: JobEnv,
    identity: Identity,
    name: str,
    now: dt.datetime,
    units: list[str] | None = None,
    **options: Any,
) -> Report:
    """A job started from a front end (``cchc remind``, ``cchc outbox deliver``): the policy
    decides for every unit it touches (administrators, the operator), then the job runs."""
    from application.access import Gate
    from application.plans import unit_plan
    from domain.clock import local_today
    from responsibilities.policy import Subject
    from storage.plans import unit_timezone
    from storage.units import get_unit, units_with_plans

    with env.uow() as session:
        rows = (
            [get_unit(code, session=session) for code in units]
            if units
            else units_with_plans(session=session)
        )
        for unit_row in rows:
            uid = unit_row.id or 0
            Gate.load(session, uid, unit_plan(session, uid)).check(
                identity,
                f"job.{name}",
                Subject(),
                on=local_today(now, unit_timezone(session=session, unit_id=uid)),
                entity="job",
                key=name,
            )
    return BY_NAME[name].run(env, now, units, **options)
