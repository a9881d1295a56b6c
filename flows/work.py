"""The periodic jobs as Prefect flows (entrypoints ``flows/work.py:<name>`` in
``application.jobs.JOBS``).

Each flow only orchestrates: it reads the settings and the clock at the edge, calls one
``@task`` that runs the job from the table (the task owns the retries), and returns the
job's JSON-ready report. Exceptions propagate so Prefect records the failure.

Parameters shared by every flow:

``units``
    A batch of unit codes (all units when empty), so several deployments or workers can
    share a city. The delivery job works on the shared outbox and ignores it.
``now``
    ISO time (in the plans' time zone unless it has an offset) to replay a moment; by default
    the wall clock, read once in the flow so that a retried task sees the same ``now``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import Flow, flow, task
from prefect.cache_policies import NO_CACHE

from application.jobs import JobEnv, installation_timezone, run_job
from application.settings import Settings

Report = dict[str, Any]


def _when(env: JobEnv, now: str | None) -> dt.datetime:
    """The aware moment a flow runs for: ``now`` parsed, else the wall clock (the edge)."""
    if not now:
        return dt.datetime.now(dt.UTC)
    from domain.clock import parse_moment
    from domain.errors import LocalizedError

    moment = parse_moment(now, installation_timezone(env))
    if moment is None:
        raise LocalizedError("error.naive_time", value=now)
    return moment


@task(name="run-job", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def job_task(name: str, units: list[str] | None, now: str | None) -> Report:
    """Run one job of ``application.jobs.JOBS`` in its own transactions."""
    env = JobEnv.build(Settings.from_env())
    try:
        return run_job(env, name, _when(env, now), units).as_dict()
    finally:
        env.close()


@flow(name="cchc-materialise")
def materialise_flow(units: list[str] | None = None, now: str | None = None) -> Report:
    """Create each plan's occurrences and follow plan revisions and holder changes."""
    return job_task("materialise", units, now)


@flow(name="cchc-remind")
def remind_flow(units: list[str] | None = None, now: str | None = None) -> Report:
    """Reminder and escalation sweep: what is due at ``now`` becomes outbox messages."""
    return job_task("remind", units, now)


@flow(name="cchc-digest")
def digest_flow(units: list[str] | None = None, now: str | None = None) -> Report:
    """One daily message per officer who chose a digest."""
    return job_task("digest", units, now)


@flow(name="cchc-deliver")
def deliver_flow(units: list[str] | None = None, now: str | None = None) -> Report:
    """Deliver pending outbox messages through the configured channel (``units`` unused)."""
    return job_task("deliver", units, now)


def job_flows() -> dict[str, Flow[..., Report]]:
    """The flow of each job in ``application.jobs.JOBS``, by job name."""
    return {
        "materialise": materialise_flow,
        "remind": remind_flow,
        "digest": digest_flow,
        "deliver": deliver_flow,
    }
