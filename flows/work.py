"""The periodic jobs as Prefect flows (entrypoints ``flows/work.py:<name>`` in ``cchc.jobs.JOBS``).

Each flow only orchestrates: it reads the settings and the clock at the edge, calls one
``@task`` that runs the job function (the task owns the retries), and returns the job's
JSON-ready report. Exceptions propagate so Prefect records the failure.

Parameters shared by every flow:

``units``
    A batch of unit codes (all units when empty), so several deployments or workers can
    share a city. The delivery job works on the shared outbox and ignores it.
``now``
    ISO local time (``Asia/Ho_Chi_Minh`` unless it has an offset) to replay a moment;
    by default the wall clock, read once in the flow so that a retried task sees the
    same ``now``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import Flow, flow, task
from prefect.cache_policies import NO_CACHE

from cchc import jobs
from cchc.settings import Settings

Report = dict[str, Any]


def _when(now: str | None) -> dt.datetime:
    """The aware moment a flow runs for: ``now`` parsed, else the wall clock (the edge)."""
    if not now:
        return dt.datetime.now(dt.UTC)
    from cchc.context import parse_now

    return parse_now(now)


@task(name="materialise-job", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def materialise_task(settings: Settings, units: list[str] | None, now: dt.datetime) -> Report:
    """Create and update occurrences (``cchc.jobs.materialise_job``, one transaction)."""
    return jobs.materialise_job(settings, units=units, now=now)


@task(name="remind-job", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def remind_task(settings: Settings, units: list[str] | None, now: dt.datetime) -> Report:
    """One reminder and escalation sweep (``cchc.jobs.remind_job``, one transaction)."""
    return jobs.remind_job(settings, units=units, now=now)


@task(name="deliver-job", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def deliver_task(settings: Settings, now: dt.datetime) -> Report:
    """One delivery pass over the outbox (``cchc.jobs.deliver_job``, one transaction)."""
    return jobs.deliver_job(settings, now=now)


@task(name="digest-job", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def digest_task(settings: Settings, units: list[str] | None, now: dt.datetime) -> Report:
    """The daily digests (``cchc.jobs.digest_job``, one transaction)."""
    return jobs.digest_job(settings, units=units, now=now)


@flow(name="cchc-materialise")
def materialise_flow(units: list[str] | None = None, now: str | None = None) -> Report:
    """Create each plan's occurrences and follow plan revisions and holder changes."""
    return materialise_task(Settings.from_env(), units, _when(now))


@flow(name="cchc-remind")
def remind_flow(units: list[str] | None = None, now: str | None = None) -> Report:
    """Reminder and escalation sweep: what is due at ``now`` becomes outbox messages."""
    return remind_task(Settings.from_env(), units, _when(now))


@flow(name="cchc-digest")
def digest_flow(units: list[str] | None = None, now: str | None = None) -> Report:
    """One daily message per officer who chose a digest."""
    return digest_task(Settings.from_env(), units, _when(now))


@flow(name="cchc-deliver")
def deliver_flow(units: list[str] | None = None, now: str | None = None) -> Report:
    """Deliver pending outbox messages through the configured channel (``units`` unused)."""
    return deliver_task(Settings.from_env(), _when(now))


def job_flows() -> dict[str, Flow[..., Report]]:
    """The flow of each job in ``cchc.jobs.JOBS``, by job name."""
    return {
        "materialise": materialise_flow,
        "remind": remind_flow,
        "digest": digest_flow,
        "deliver": deliver_flow,
    }
