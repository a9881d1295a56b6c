"""What running the sweep as a Prefect flow costs, against calling the job directly."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from typing import Any

NOW = "2020-06-15T08:00"


def _flow_with_a_task() -> Any:
    """The flow's previous shape, as a baseline: the job in a ``@task`` (which owned the
    retries) inside the flow."""
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE

    from flows.work import _run

    @task(name="run-job", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
    def job_task(now: str) -> dict[str, Any]:
        return _run("remind", None, now)

    @flow(name="cchc-remind-with-a-task")
    def remind_with_a_task(now: str) -> dict[str, Any]:
        return job_task(now)

    return remind_with_a_task


def prefect_cost(runs: int = 5) -> dict[str, Any]:
    from application.jobs import JobEnv, run_job
    from application.settings import Settings
    from domain.clock import DEFAULT_TIMEZONE, parse_moment

    with tempfile.TemporaryDirectory() as tmp:
        saved = {
            k: os.environ.get(k)
            for k in ("CCHC_HOME", "CCHC_DATABASE_URL", "PREFECT_SERVER_ANALYTICS_ENABLED")
        }
        os.environ["CCHC_HOME"] = tmp
        os.environ.pop("CCHC_DATABASE_URL", None)
        os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
        try:
            settings = Settings.from_env()
            from storage.db import make_engine
            from storage.migrate import upgrade

            engine = make_engine(settings.database_url)
            upgrade(engine)
            engine.dispose()
            now = parse_moment(NOW, DEFAULT_TIMEZONE)
            assert now is not None
            direct = []
            for _ in range(runs):
                start = time.perf_counter()
                env = JobEnv.build(settings)
                run_job(env, "remind", now)
                env.close()
                direct.append(time.perf_counter() - start)

            from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
            from prefect.testing.utilities import prefect_test_harness

            from flows.work import remind_flow

            start = time.perf_counter()
            with prefect_test_harness(server_startup_timeout=90):  # a busy machine starts it slowly
                startup = time.perf_counter() - start
                with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
                    remind_flow(now=NOW)  # the first run of a flow registers it: not counted
                    task_flow = _flow_with_a_task()
                    task_flow(now=NOW)
                    flow_runs, task_runs = [], []
                    for _ in range(runs):  # interleaved: both see the same load
                        start = time.perf_counter()
                        remind_flow(now=NOW)
                        flow_runs.append(time.perf_counter() - start)
                        start = time.perf_counter()
                        task_flow(now=NOW)
                        task_runs.append(time.perf_counter() - start)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return {
        "direct": statistics.median(direct),
        "flow": statistics.median(flow_runs),
        "flow_with_task": statistics.median(task_runs),
        "startup": startup,
    }
