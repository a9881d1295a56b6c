"""A province's quarter replayed on the embedded runner and on Prefect, with faults, compared.

``python -m benchmarks.at_scale --units 168`` (``make at-scale``; ``make at-scale-small``:
3 units, three ticks, one fault). What it does, on the PostgreSQL server at ``--pg``:

1. **Data.** ``N`` wards, each with the bundled 2020 plan and a roster of its own people
   (``benchmarks.scheduling._load_ward``), built once into a kept database named after ``N``
   and ``GENERATOR``; every side works on a copy (``CREATE DATABASE … TEMPLATE``).
2. **Ticks.** A simulated clock over the first quarter of 2020: one day every ``--step``
   days (14 by default: 7 days; every day would be 91), and on each day the jobs of
   ``application.jobs.JOBS`` at the times the demo's replay gives them (``cchc.replay.DAY``:
   materialise 00:10, digest 07:00, remind 07:35, deliver 07:36). A fortnightly step keeps the
   full run under an hour on 2 cores: the sweep catches up whatever fell due since the last tick, so a coarser
   step changes when messages are sent, not whether.
3. **Embedded.** Each tick is the embedded runner's own call (``cchc.runner.run_once``: the
   job for all units, with the tick's time as the clock), one after the other.
4. **Prefect.** A Prefect server on PostgreSQL, the deployments of ``prefect.yaml`` and
   ``W`` process workers (``benchmarks.prefect_stack``); each tick creates one flow run per
   job and shard (``units`` split into ``W`` batches; materialise is one run for all units, so
   rows are numbered as on the embedded side) and waits for them. cchc reaches PostgreSQL
   through a loopback proxy (``benchmarks.pg_proxy``) so an outage can be played without
   touching the shared server.
5. **Faults** (``--faults kill,server,postgres``, runs with two or more workers): ``kill``
   sends ``SIGKILL`` to a worker and its flow-run process in the middle of a remind sweep and
   starts a new worker (Prefect's heartbeat automation marks the lost run ``CRASHED``; the
   replay, standing in for the next scheduled run, runs the tick again); ``server`` restarts
   the Prefect server while a tick's runs are queued; ``postgres`` makes the proxy refuse
   connections for 30 s as a tick's runs start (the flows fail and Prefect retries them:
   ``flows.work.RETRIES``).
6. **Comparison.** Both databases must hold the same outbox idempotency keys and the same
   occurrence (unit, task, period, status) tuples; every key once, every message sent once,
   one ``.eml`` file per sent message.

Figures per side: wall time, CPU seconds per tick (this process, plus the Prefect server, the
workers and their flow runs), database transactions per tick (``pg_stat_database``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

GENERATOR = 1  # change when what ``build`` writes changes: kept databases are rebuilt
PREFIX = "cchc_atscale"
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
QUARTER = (dt.date(2020, 1, 1), dt.date(2020, 3, 31))
ROOT = Path(__file__).resolve().parents[1]
FAULTS = ("kill", "server", "postgres")
OUTAGE_SECONDS = 30.0
LOST_AFTER = 420  # s after a kill: later than both of Prefect's automations


# --- data ---------------------------------------------------------------------------------


def _admin(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def _exists(admin_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        return bool(
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        )


def _url(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + "/" + name


def kept_database(admin_url: str, units: int) -> str:
    """The kept database of ``units`` wards (plan and roster each, nothing materialised),
    built when missing; only given its name once complete."""
    from benchmarks import bench_engine
    from benchmarks.scheduling import _load_ward
    from storage.migrate import upgrade

    name = f"{PREFIX}_g{GENERATOR}_{units}u"
    if _exists(admin_url, name):
        return name
    building = name + "_building"
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
    _admin(admin_url, f'CREATE DATABASE "{building}"')
    engine = bench_engine(_url(admin_url, building))
    try:
        upgrade(engine)
        for i in range(units):
            _load_ward(engine, f"ward-{i:03d}", own_people=True)
    finally:
        engine.dispose()
    _admin(admin_url, f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    return name


def copy_database(admin_url: str, kept: str) -> str:
    """A fresh copy of ``kept`` at the newest revision: its name."""
    from benchmarks import bench_engine
    from storage.migrate import upgrade

    name = f"{PREFIX}_run_{uuid.uuid4().hex[:8]}"
    _admin(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{kept}"')
    engine = bench_engine(_url(admin_url, name))
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return name


def unit_codes(units: int) -> list[str]:
    return [f"ward-{i:03d}" for i in range(units)]


def ticks(step: int, first: dt.date = QUARTER[0], last: dt.date = QUARTER[1]) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        days.append(day)
        day += dt.timedelta(days=step)
    return days


def day_jobs(day: dt.date) -> list[tuple[str, dt.datetime]]:
    """The jobs of a simulated day at their times (``cchc.replay.DAY``)."""
    from cchc.replay import DAY

    return [(name, dt.datetime.combine(day, at, tzinfo=TZ)) for name, at in DAY]


# --- measuring ----------------------------------------------------------------------------


def transactions(admin_url: str, database: str) -> int:
    """Committed and rolled-back transactions of ``database`` so far (``pg_stat_database``)."""
    import psycopg

    time.sleep(1.0)  # backends report their counters when idle, within a second
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
            (database,),
        ).fetchone()
    return int(row[0]) if row else 0


@dataclass
class Side:
    """What one way of running the quarter did and cost."""

    name: str
    database: str
    ticks: int
    wall: float = 0.0
    cpu: float = 0.0
    transactions: int = 0
    flow_runs: int = 0
    resubmitted: int = 0  # runs lost (crashed) or failed after their retries, run again
    retried: int = 0  # flow runs Prefect retried itself
    marked_by_replay: int = 0  # lost runs Prefect's automations did not mark CRASHED in time
    faults: list[str] = field(default_factory=list)
    run_ids: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        out = asdict(self)
        del out["run_ids"]
        out["cpu_per_tick"] = self.cpu / self.ticks
        out["transactions_per_tick"] = self.transactions / self.ticks
        return out


def _settings_env(home: Path, database_url: str) -> dict[str, str]:
    from benchmarks import AUDIT_KEY

    home.mkdir(parents=True, exist_ok=True)
    (home / "audit.key").write_text(AUDIT_KEY.hex(), encoding="ascii")
    return {"CCHC_HOME": str(home), "CCHC_DATABASE_URL": database_url, "CCHC_CHANNEL": "file"}


# --- the embedded runner ------------------------------------------------------------------


def run_embedded(admin_url: str, database: str, home: Path, days: list[dt.date]) -> Side:
    from application.jobs import BY_NAME, JobEnv
    from application.settings import Settings
    from cchc.runner import run_once

    env = JobEnv.build(Settings.from_env(_settings_env(home, _url(admin_url, database))))
    side = Side("embedded", database, len(days))
    before = transactions(admin_url, database)
    start, cpu = time.perf_counter(), time.process_time()
    try:
        for day in days:
            for name, at in day_jobs(day):
                if run_once(env, BY_NAME[name], lambda at=at: at) is None:
                    raise RuntimeError(f"embedded {name} at {at} failed (see the log)")
    finally:
        env.close()
    side.wall = time.perf_counter() - start
    side.cpu = time.process_time() - cpu
    side.transactions = transactions(admin_url, database) - before
    return side


# --- Prefect ------------------------------------------------------------------------------


@dataclass
class Faults:
    """When each asked-for fault happens: the tick (index) and the job it hits."""

    wanted: set[str]
    at: dict[str, tuple[int, str]] = field(default_factory=dict)

    @classmethod
    def plan(cls, wanted: set[str], days: int) -> Faults:
        # never during the first materialise (rows are numbered there: an aborted insert
        # would skip numbers and the keys would differ) nor during a delivery (a message cut
        # off mid-send is sent again when its lease ends: the outbox is at-least-once)
        mid = days // 2
        spots = {
            "postgres": (max(mid - 1, 0), "remind"),
            "kill": (mid, "remind"),
            "server": (min(mid + 1, days - 1), "digest"),
        }
        return cls(wanted, {f: spots[f] for f in wanted})

    def hits(self, tick: int, job: str) -> list[str]:
        return [f for f, spot in self.at.items() if spot == (tick, job)]


def run_prefect(
    admin_url: str,
    database: str,
    home: Path,
    days: list[dt.date],
    units: list[str],
    workers: int,
    faults: set[str],
    log: Callable[[str], None],
) -> Side:
    from benchmarks.pg_proxy import PgProxy
    from benchmarks.prefect_stack import PrefectStack, running

    pg_host, pg_port = _host_port(admin_url)
    proxy = PgProxy(pg_host, pg_port).start()
    prefect_db = f"prefect_atscale_{uuid.uuid4().hex[:8]}"
    _admin(admin_url, f'CREATE DATABASE "{prefect_db}"')
    work = Path(tempfile.mkdtemp(prefix="cchc-at-scale-"))
    user = _user(admin_url)
    stack = PrefectStack(
        root=ROOT,
        work=work,
        database_url=_url(admin_url, prefect_db).replace("postgresql://", "postgresql+asyncpg://"),
        port=_free_port(),
        env=_settings_env(home, proxy.url(database, user)),
    )
    side = Side(f"prefect, {workers} worker{'s' if workers > 1 else ''}", database, len(days))
    schedule = Faults.plan(faults, len(days))
    try:
        setup = time.perf_counter()
        with running(stack, workers):
            log(f"  Prefect up in {time.perf_counter() - setup:.0f} s (logs: {work})")
            deployments = {
                name: stack.deployment_id(f"cchc-{name}/{name}")
                for name in ("materialise", "digest", "remind", "deliver")
            }
            shards = [units[i::workers] for i in range(workers)]
            before = transactions(admin_url, database)
            start = time.perf_counter()
            cpu = time.process_time() + stack.cpu_seconds()
            for index, day in enumerate(days):
                for name, at in day_jobs(day):
                    batches: list[list[str] | None] = (
                        [None] if name == "materialise" else list(shards)
                    )
                    params = [{"units": b, "now": at.isoformat()} for b in batches]
                    hits = schedule.hits(index, name)
                    for late in _run_tick(stack, proxy, deployments[name], params, hits, side, log):
                        schedule.at[late] = (index + 1, name)
                log(f"  tick {index + 1}/{len(days)} {day} done")
            side.wall = time.perf_counter() - start
            side.cpu = time.process_time() + stack.cpu_seconds() - cpu
            side.transactions = transactions(admin_url, database) - before
            side.retried = stack.retried(side.run_ids)
    finally:
        proxy.stop()
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{prefect_db}" WITH (FORCE)')
    return side


def _run_tick(
    stack: Any,
    proxy: Any,
    deployment: str,
    params: list[dict[str, Any]],
    hits: list[str],
    side: Side,
    log: Callable[[str], None],
) -> list[str]:
    """Create the job's runs of one tick and wait until each has completed; a run lost or
    failed after its retries is created again (as the next scheduled run would catch up).
    Returns the faults that found nothing to hit (to be played at the next tick)."""
    postponed: list[str] = []
    outage = None
    if "postgres" in hits:  # the database goes away as the runs start
        outage = proxy.refuse_later(OUTAGE_SECONDS)
        side.faults.append(f"postgres refused connections for {OUTAGE_SECONDS:.0f} s")
    pending = {stack.create_run(deployment, p): p for p in params}
    side.run_ids.extend(pending)
    side.flow_runs += len(pending)
    if "server" in hits:
        away = stack.restart_server()
        side.faults.append(f"Prefect server restarted ({away:.0f} s away)")
    killed_at = None
    if "kill" in hits:
        killed_at = _kill_mid_run(stack, list(pending), side, log)
        if killed_at is None:
            log("  the sweep finished before a kill: the next one gets it")
            postponed.append("kill")
    deadline = time.monotonic() + 900
    while pending:
        if time.monotonic() > deadline:
            raise RuntimeError(f"flow runs not finished after 15 minutes: {list(pending)}")
        time.sleep(1)
        for run in stack.runs(list(pending)):
            state = run["state_type"]
            if state == "COMPLETED":
                pending.pop(run["id"])
            elif state in ("FAILED", "CRASHED", "CANCELLED"):
                again = pending.pop(run["id"])
                log(f"  run {run['id']} {state}: running it again")
                new = stack.create_run(deployment, again)
                pending[new] = again
                side.run_ids.append(new)
                side.flow_runs += 1
                side.resubmitted += 1
            elif killed_at is not None and time.monotonic() - killed_at > LOST_AFTER:
                # Prefect's automations did not mark the lost run: say so, and mark it here
                log(f"  run {run['id']} still {state} {LOST_AFTER} s after the kill: CRASHED")
                stack.request(
                    "POST",
                    f"/flow_runs/{run['id']}/set_state",
                    json={"state": {"type": "CRASHED"}, "force": True},
                )
                side.marked_by_replay += 1
    if outage is not None:
        outage.join()
    return postponed


def _kill_mid_run(
    stack: Any, ids: list[str], side: Side, log: Callable[[str], None]
) -> float | None:
    """Wait until a worker runs one of ``ids`` and the server has its first heartbeat (so
    Prefect can notice the loss), then ``kill -9`` that worker with its flow-run process and
    start another worker. None when every run finished first (the kill waits for the next)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        runs = stack.runs(ids)
        if all(r["state_type"] in ("COMPLETED", "FAILED", "CRASHED") for r in runs):
            return None
        running_ = {r["id"] for r in runs if r["state_type"] == "RUNNING"}
        for victim, held in stack.busy_workers().items():
            beating = [i for i in held & running_ if stack.heartbeats(i)]
            if beating:
                pids = stack.kill_worker(victim)
                side.faults.append(f"kill -9 {victim} and its flow run ({len(pids)} processes)")
                log(f"  killed {victim} (pids {pids}) running {beating}")
                stack.start_worker(f"{victim}-again")
                return time.monotonic()
        time.sleep(0.2)
    raise RuntimeError("no worker ever ran the sweep to be killed")


def _host_port(url: str) -> tuple[str, int]:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.host or "127.0.0.1", parsed.port or 5432


def _user(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).username or ""


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the comparison -----------------------------------------------------------------------


@dataclass
class Outcome:
    """What a side left in its database and outbox folder."""

    keys: set[str]
    occurrences: set[tuple[str, str, str, str]]
    rows: int  # outbox rows (keys are unique, so rows == len(keys) unless duplicated)
    not_sent: dict[str, int]  # outbox status → rows, for rows not ``sent``
    resent: int  # rows with more than one delivery attempt
    files: int  # .eml files in the outbox folder


def outcome(admin_url: str, database: str, home: Path) -> Outcome:
    import psycopg

    with psycopg.connect(_url(admin_url, database), connect_timeout=5) as conn:
        keys = [r[0] for r in conn.execute("SELECT key FROM outbox")]
        occurrences = {
            (r[0], r[1], r[2], r[3])
            for r in conn.execute(
                "SELECT u.code, o.task_code, o.period, o.status FROM occurrence AS o "
                "JOIN unit AS u ON u.id = o.unit_id"
            )
        }
        statuses = dict(
            conn.execute(
                "SELECT status, count(*) FROM outbox WHERE status <> 'sent' GROUP BY status"
            ).fetchall()
        )
        resent = conn.execute("SELECT count(*) FROM outbox WHERE attempts > 1").fetchone()
    files = len(list((home / "outbox").glob("*.eml")))
    return Outcome(
        set(keys), occurrences, len(keys), statuses, int(resent[0]) if resent else 0, files
    )


def compare(embedded: Outcome, other: Outcome) -> list[str]:
    """What differs between the two outcomes, or is wrong in ``other``: empty when equal."""
    problems = []
    if embedded.keys != other.keys:
        problems.append(
            f"outbox keys differ: {len(embedded.keys - other.keys)} only embedded, "
            f"{len(other.keys - embedded.keys)} only on Prefect"
        )
    if embedded.occurrences != other.occurrences:
        problems.append(
            f"occurrence states differ: {len(embedded.occurrences ^ other.occurrences)} tuples"
        )
    for name, side in (("embedded", embedded), ("prefect", other)):
        if side.rows != len(side.keys):
            problems.append(f"{name}: {side.rows - len(side.keys)} duplicated outbox keys")
        if side.not_sent:
            problems.append(f"{name}: messages not sent: {side.not_sent}")
        if side.resent:
            problems.append(f"{name}: {side.resent} messages had more than one delivery attempt")
        if side.files != side.rows - sum(side.not_sent.values()):
            problems.append(f"{name}: {side.files} .eml files for {side.rows} sent messages")
    return problems


# --- the whole replay ---------------------------------------------------------------------


def replay(
    admin_url: str,
    units: int,
    step: int,
    workers: list[int],
    faults: set[str],
    keep: bool = False,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Build or reuse the data, run the embedded side and a Prefect side per worker count,
    compare each with the embedded one. Returns the figures and the problems found."""
    days = ticks(step)
    start = time.perf_counter()
    kept = kept_database(admin_url, units)
    log(f"data: {kept} ({time.perf_counter() - start:.0f} s)")
    made: list[str] = []
    result: dict[str, Any] = {
        "units": units,
        "step_days": step,
        "ticks": len(days),
        "jobs_per_tick": len(day_jobs(days[0])),
        "load_before": os.getloadavg()[0],
        "sides": [],
        "problems": {},
    }
    base = Path(tempfile.mkdtemp(prefix="cchc-at-scale-homes-"))
    try:
        database = copy_database(admin_url, kept)
        made.append(database)
        log(f"embedded runner: {len(days)} ticks × {result['jobs_per_tick']} jobs")
        embedded = run_embedded(admin_url, database, base / "embedded", days)
        reference = outcome(admin_url, database, base / "embedded")
        result["sides"].append(embedded.figures())
        result["messages"] = len(reference.keys)
        result["occurrences"] = len(reference.occurrences)
        log(f"  {json.dumps(embedded.figures())}; {len(reference.keys)} messages")
        for count in workers:
            database = copy_database(admin_url, kept)
            made.append(database)
            asked = faults if count >= 2 else set()
            log(f"Prefect, {count} worker(s), faults: {sorted(asked) or 'none'}")
            home = base / f"prefect-{count}"
            side = run_prefect(
                admin_url, database, home, days, unit_codes(units), count, asked, log
            )
            result["sides"].append(side.figures())
            problems = compare(reference, outcome(admin_url, database, home))
            if "postgres" in asked and side.retried == 0:
                problems.append("no flow run was retried after the database outage")
            if "kill" in asked and side.resubmitted == 0:
                problems.append("the killed worker's run was never run again")
            result["problems"][side.name] = problems
            log(f"  {json.dumps(side.figures())}; problems: {problems or 'none'}")
    finally:
        result["load_after"] = os.getloadavg()[0]
        if not keep:
            for name in made:
                _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return result


def markdown(result: dict[str, Any]) -> list[str]:
    """The figures as a Markdown table (docs/at-scale.md, benchmarks/results.md)."""
    base = result["sides"][0]
    lines = [
        f"{result['units']} wards, the first quarter of 2020 in {result['ticks']} ticks "
        f"(one day every {result['step_days']} days, {result['jobs_per_tick']} jobs a day); "
        f"{result['messages']} messages, {result['occurrences']} occurrences; "
        f"load average {result['load_before']:.1f} before, {result['load_after']:.1f} after.",
        "",
        "| runner | wall s | × embedded | CPU s per tick | DB transactions per tick "
        "| flow runs | retried by Prefect | run again | faults | outcome |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for side in result["sides"]:
        problems = result["problems"].get(side["name"], [])
        verdict = (
            "reference" if side is base else ("equal" if not problems else "; ".join(problems))
        )
        lines.append(
            f"| {side['name']} | {side['wall']:.1f} | {side['wall'] / base['wall']:.1f}× "
            f"| {side['cpu_per_tick']:.2f} | {side['transactions_per_tick']:.0f} "
            f"| {side['flow_runs']} | {side['retried']} | {side['resubmitted']} "
            f"| {'; '.join(side['faults']) or '–'} | {verdict} |"
        )
    return lines


HEADING = "## At scale"  # its section in benchmarks/results.md, before the province's


def section_of(text: str) -> str:
    """The at-scale section of a ``results.md`` text (empty when it has none)."""
    if HEADING not in text:
        return ""
    rest = text.split(HEADING, 1)[1]
    return HEADING + rest.split("\n## ", 1)[0].rstrip("\n") + "\n"


def with_section(text: str, section: str) -> str:
    """``results.md`` with its at-scale section replaced, or put before the province's."""
    if HEADING in text:
        old = section_of(text)
        return text.replace(old, section)
    for heading in ("## Province", "## Web"):
        if heading in text:
            head, rest = text.split(heading, 1)
            return head + section + "\n" + heading + rest
    return text.rstrip("\n") + "\n\n" + section


def results_section(result: dict[str, Any]) -> str:
    lines = [
        HEADING,
        "",
        "A province's quarter replayed by the embedded runner and by Prefect process workers, "
        "with faults (`make at-scale`, `benchmarks/at_scale.py`, docs/at-scale.md):",
        "",
        *markdown(result),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.at_scale", description=__doc__)
    parser.add_argument(
        "--pg",
        default=os.environ.get("CCHC_TEST_PG_URL", "postgresql://127.0.0.1:5432/postgres"),
        help="an administrator's URL on the PostgreSQL server (creates and drops databases)",
    )
    parser.add_argument("--units", type=int, default=168)
    parser.add_argument("--step", type=int, default=14, help="days between two simulated days")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--faults", default=",".join(FAULTS), help="kill,server,postgres or none")
    parser.add_argument("--json", type=Path, help="also write the result as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the replay's databases")
    parser.add_argument(
        "--results", type=Path, help="write the figures into this results.md (its At scale section)"
    )
    args = parser.parse_args(argv)
    faults = set() if args.faults == "none" else set(args.faults.split(","))
    if faults - set(FAULTS):
        parser.error(f"unknown faults {sorted(faults - set(FAULTS))}; known: {', '.join(FAULTS)}")
    result = replay(args.pg, args.units, args.step, args.workers, faults, args.keep)
    print("\n".join(markdown(result)))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    if args.results:
        before = args.results.read_text(encoding="utf-8") if args.results.exists() else ""
        args.results.write_text(with_section(before, results_section(result)), encoding="utf-8")
    failed = any(result["problems"].values())
    print("FAILED" if failed else "OK: every Prefect outcome equals the embedded runner's")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
