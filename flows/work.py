"""The periodic jobs as Prefect flows (entrypoints ``flows/work.py:<name>`` in
``application.jobs.JOBS``).

Each flow only orchestrates: it reads the settings and the clock at the edge, runs the job
from the table in its own transactions and returns the job's JSON-ready report. Exceptions
propagate so Prefect records the failure, and **the flow owns the retries** (``RETRIES``
attempts, ``RETRY_DELAY`` seconds apart: a database that refuses connections for half a
minute is waited out). There is no ``@task`` inside: a job is one I/O unit already, and a task
run costs a flow run about a third more (``benchmarks/prefect_cost.py``). Results are not
persisted (the report is also in the flow's return value and the jobs' own tables) and nothing
is cached: every run does the job.

Parameters shared by every flow:

``units``
    A batch of unit codes (all units when empty), so several deployments or workers can
    share a city. The delivery job works on the shared outbox and ignores it.
``now``
    ISO time (in the plans' time zone unless it has an offset) to replay a moment; by default
    the flow run's scheduled start time, which a retry of the same run keeps, so a retried
    run sweeps for the same moment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import Flow, flow

from application.jobs import JobEnv, installation_timezone, run_job
from application.settings import Settings

Report = dict[str, Any]
RETRIES = 3
RETRY_DELAY = 15  # seconds; three retries outlast a 30 s database outage
OPTIONS: dict[str, Any] = {
    "retries": RETRIES,
    "retry_delay_seconds": RETRY_DELAY,
    "persist_result": False,
    "log_prints": False,
    "validate_parameters": True,
}


def _when(env: JobEnv, now: str | None) -> dt.datetime:
    """The aware moment a flow runs for: ``now`` parsed, else the run's scheduled start."""
    if not now:
        from prefect.runtime import flow_run

        scheduled = flow_run.scheduled_start_time
        return dt.datetime.fromtimestamp(scheduled.timestamp(), dt.UTC)
    from domain.clock import parse_moment
    from domain.errors import LocalizedError

    moment = parse_moment(now, installation_timezone(env))
    if moment is None:
        raise LocalizedError("error.naive_time", value=now)
    return moment


def _run(name: str, units: list[str] | None, now: str | None) -> Report:
    """Run one job of ``application.jobs.JOBS`` in its own transactions."""
    env = JobEnv.build(Settings.from_env())
    try:
        return run_job(env, name, _when(env, now), units).as_dict()
    finally:
        env.close()


@flow(name="cchc-materialise", **OPTIONS)
def materialise_flow(units: list[str] | None = None, now: str | None = None) -> Report:
    """Create each plan's occurrences and follow plan revisions and holder changes."""
    return _run("materialise", units, now)


@flow(name="cchc-remind", **OPTIONS)
def remind_flow(units: list[str] | None = None, now: str | None = None) -> Report:
    """Reminder and escalation sweep: what is due at ``now`` becomes outbox messages."""
    return _run("remind", units, now)


@flow(name="cchc-digest", **OPTIONS)
def digest_flow(units: list[str] | None = None, now: str | None = None) -> Report:
    """One daily message per officer who chose a digest."""
    return _run("digest", units, now)


@flow(name="cchc-deliver", **OPTIONS)
def deliver_flow(units: list[str] | None = None, now: str | None = None) -> Report:
    """Deliver pending outbox messages through the configured channel (``units`` unused)."""
    return _run("deliver", units, now)


def job_flows() -> dict[str, Flow[..., Report]]:
    """The flow of each job in ``application.jobs.JOBS``, by job name."""
    return {
        "materialise": materialise_flow,
        "remind": remind_flow,
        "digest": digest_flow,
        "deliver": deliver_flow,
    }
