"""The embedded runner (``cchc serve``): APScheduler running ``application.jobs.JOBS`` in-process.

One runner per database: a lock (a file lock beside the SQLite database, an advisory lock on
PostgreSQL) refuses a second one, because two schedulers would run every job twice. Jobs
are rebuilt from code at each start (in-memory job store); what was missed while the runner
was down is caught up by the jobs themselves, which select what is due at ``now``, so the
runner simply runs them all once at start. The job environment (engine, delivery channels) is
built once before anything runs: a bad SMTP address stops ``cchc serve`` at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import signal
import threading
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from application.jobs import JOBS, JobEnv, JobSpec, installation_timezone
from application.settings import Settings
from domain.errors import LocalizedError

log = logging.getLogger("cchc.serve")
ADVISORY_KEY = 0x63636863  # "cchc"


@contextlib.contextmanager
def runner_lock(settings: Settings) -> Iterator[str]:
    """Hold the one-runner-per-database lock, or raise when another runner has it."""
    if settings.embedded:
        import fcntl

        db_path = Path(settings.database_url.removeprefix("sqlite:///"))
        db_path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = db_path.with_name(db_path.name + ".serve.lock")
        with open(lock_path, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LocalizedError("error.runner_running", where=str(lock_path)) from None
            try:
                yield str(lock_path)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(settings.database_url)
    with engine.connect() as connection:
        got = connection.execute(
            text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}
        ).scalar()
        if not got:
            raise LocalizedError("error.runner_running", where=settings.display_url())
        try:
            yield f"pg_advisory_lock({ADVISORY_KEY})"
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
    engine.dispose()


def run_once(env: JobEnv, spec: JobSpec, clock: Callable[[], dt.datetime]) -> dict[str, Any] | None:
    """Run one job of the table now; a failure is logged and the runner goes on."""
    try:
        report = spec.run(env, clock(), None).as_dict()
    except Exception:  # a job's failure must not stop the runner; it is logged with its traceback
        log.exception("job %s failed", spec.name)
        return None
    log.info("job %s: %s", spec.name, {k: v for k, v in report.items() if not isinstance(v, list)})
    return report


def serve(
    env: JobEnv,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    on_started: Callable[[list[str]], None] | None = None,
    stop_event: threading.Event | None = None,
) -> None:
    """Catch up, then run the jobs on their schedules until SIGTERM or SIGINT.

    ``env`` is built by the front end before anything runs (``JobEnv.build``), so a bad
    SMTP address or an unmigrated database stops ``cchc serve`` at once. The signal handlers
    are in place before the catch-up: a stop asked for while it runs lets the job under way
    finish its transaction, skips the rest and exits cleanly (exit 0), like a stop later on.
    ``stop_event`` lets a caller (a test, another thread) ask for the same stop."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

    clock = clock or (lambda: dt.datetime.now(dt.UTC))
    stopping = stop_event or threading.Event()
    settings = env.settings

    def stop(signum: int, _frame: object) -> None:
        log.info("cchc serve: signal %s, stopping", signum)
        stopping.set()

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = (
        {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        if in_main_thread
        else {}
    )
    try:
        with runner_lock(settings) as where:
            tz = zoneinfo.ZoneInfo(installation_timezone(env))
            log.info("cchc serve: lock %s, database %s", where, settings.display_url())
            for spec in JOBS:  # catch up whatever was missed while no runner was up
                if stopping.is_set():
                    break
                run_once(env, spec, clock)
            if not stopping.is_set():
                scheduler = BackgroundScheduler(timezone=tz)
                for spec in JOBS:
                    scheduler.add_job(
                        run_once,
                        CronTrigger.from_crontab(spec.cron, timezone=tz),
                        args=[env, spec, clock],
                        id=spec.name,
                        name=spec.description,
                        coalesce=True,
                        max_instances=1,
                        misfire_grace_time=300,
                    )
                if on_started is not None:  # the jobs in the table's order, before any runs
                    on_started([job.id for job in scheduler.get_jobs()])
                scheduler.start()
                try:
                    while not stopping.wait(1.0):
                        pass
                finally:
                    scheduler.shutdown(wait=True)  # a job under way finishes its transaction
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    env.close()
    log.info("cchc serve: stopped")
