"""Scheduling benchmarks: materialising a city's year, and what a sweep costs as history grows.

- A city: the bundled plan loaded for N units and materialised by the daily job as it runs
  (``materialise_job``: every unit's latest plan in one transaction, holder changes followed)
  — occurrences per second, on SQLite and PostgreSQL, each against its floor (the same rows
  written again by the driver's plain bulk insert, in one transaction).
- The sweep's cost must follow what is due, not history: the same number of due reminders
  swept over 10,000 and over 1,000,000 stored occurrences (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
import tempfile
import time
import uuid
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlmodel import Session, col, select

from domain.planfile import read_plan
from models import Occurrence, OutboxMessage, PlanRecord, ReminderLog, TaskRecord
from plans import HERE, PLAN_2020

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2020, 6, 15, 8, 0, tzinfo=TZ)


def _fresh_sqlite(folder: Path) -> Engine:
    from benchmarks import bench_engine
    from storage.migrate import upgrade

    engine = bench_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
    upgrade(engine)
    return engine


def _own_people(rows: list[Any], unit: str) -> list[Any]:
    """The demo roster's rows with the ward's own email addresses (``…@<unit>.gov.vn``)."""

    def own(address: str) -> str:
        return address.split("@")[0] + f"@{unit}.gov.vn" if address else address

    return [
        (n, {**r, "email": own(r["email"]), "acting_for": own(r["acting_for"])}) for n, r in rows
    ]


def _load_ward(engine: Engine, unit: str, *, own_people: bool = False) -> PlanRecord:
    """The bundled plan and the demo roster for ``unit``; ``own_people``: the roster's people
    with addresses of the ward's own (a city's wards do not share their officers)."""
    from cchc.tables import read_table
    from responsibilities.roster import read_roster
    from storage.officers import import_roster
    from storage.plans import find_plan, load_plan
    from storage.units import get_unit

    plan = read_plan(PLAN_2020.read_text(encoding="utf-8"), "plan")
    source = hashlib.sha256(PLAN_2020.read_bytes()).hexdigest()  # as `cchc plan load` records it
    with Session(engine, expire_on_commit=False) as session:
        load_plan(plan, session=session, actor="bench", now=NOW, unit_code=unit, sha256=source)
        uid = get_unit(unit, session=session).id or 0
        header, rows = read_table(HERE / "demo-roster.csv")
        if own_people:
            rows = _own_people(rows, unit)
        entries = read_roster(
            header,
            rows,
            file="roster",
            positions={r.code for r in plan.roles},
            areas={a.code for a in plan.areas},
        )
        import_roster(entries, session=session, unit_id=uid, actor="bench", now=NOW)
        session.commit()
        return find_plan(session=session, unit_id=uid)


REPEATS = 3  # the job and its floor, each on a fresh copy of the loaded city: median of 3


def load_city(engine: Engine, units: int) -> None:
    """The bundled plan and the demo roster for ``units`` wards on ``engine``, each ward with
    people of its own; nothing materialised yet."""
    for i in range(units):
        _load_ward(engine, f"ward-{i:03d}", own_people=True)


def run_city_job(engine: Engine) -> tuple[int, float]:
    """The daily materialise job over every ward on ``engine``, as a runner runs it on
    1 January: the occurrences created, and the seconds the job took."""
    from application.jobs import JobEnv, run_job
    from application.settings import Settings

    with tempfile.TemporaryDirectory() as home:  # the job also tidies the evidence store
        env = JobEnv(Settings(home=Path(home), database_url="sqlite://", lang="vi"), engine, {})
        start = time.perf_counter()
        report = run_job(env, "materialise", dt.datetime(2020, 1, 1, 6, tzinfo=TZ)).as_dict()
        seconds = time.perf_counter() - start
    return sum(plan["created"] for plan in report["plans"]), seconds


def build_city(engine: Engine, units: int) -> tuple[int, float]:
    """``load_city`` then ``run_city_job``: a city's year materialised on ``engine``."""
    load_city(engine, units)
    return run_city_job(engine)


def stored_rows(engine: Engine) -> list[dict[str, Any]]:
    """The occurrences stored on ``engine``, as rows to insert again (without their ids)."""
    table = Occurrence.__table__  # type: ignore[attr-defined]
    columns = [c for c in table.c if c.name != "id"]
    with engine.begin() as connection:
        return [dict(r._mapping) for r in connection.execute(select(*columns))]


def floor_insert(engine: Engine, rows: list[dict[str, Any]]) -> float:
    """The floor for materialising: ``rows`` (a city's year of occurrences) written into
    ``engine`` (a fresh copy of the city, none stored yet) by the driver's plain bulk insert
    (``storage.db.insert_plain``: COPY on PostgreSQL; no logic, no conflict handling), in one
    transaction as the job writes them: the seconds."""
    from storage.db import insert_plain

    table = Occurrence.__table__  # type: ignore[attr-defined]
    start = time.perf_counter()
    with Session(engine) as session:
        insert_plain(session, table, rows)
        session.commit()
    return time.perf_counter() - start


CityCopy = Callable[[str], AbstractContextManager[Engine]]


def bench_city_runs(units: int, copy: CityCopy) -> dict[str, Any]:
    """The job and its floor, each on a fresh copy of one loaded city of ``units`` wards
    (``copy(name)``), the two interleaved: the medians, and every run's seconds.

    One run of the job on a copy comes first and is not counted: it imports what the job
    imports and compiles its statements, as a running engine has done before its daily job
    (the sweep's figures are measured the same way). The floor writes the rows the job
    stored into a copy of its own, so both start from the same database, equally cold."""
    with copy("warm-up") as engine:
        run_city_job(engine)
    runs, floors, created, database = [], [], 0, ""
    for i in range(REPEATS):
        with copy(f"job-{i}") as engine:
            database = engine.dialect.name
            created, seconds = run_city_job(engine)
            rows = stored_rows(engine)
        assert len(rows) == created, (len(rows), created)
        with copy(f"floor-{i}") as engine:
            floors.append(floor_insert(engine, rows))
        runs.append(seconds)
    seconds, floor = statistics.median(runs), statistics.median(floors)
    return {
        "database": database,
        "units": units,
        "occurrences": created,
        "seconds": seconds,
        "per_second": created / seconds,
        "floor_seconds": floor,
        "floor_per_second": created / floor,
        "ratio": seconds / floor,
        "runs": runs,
        "floors": floors,
    }


def bench_city(units: int) -> dict[str, Any]:
    """Materialising a city's year on SQLite, against its floor: the city loaded once into
    a file, each run on a copy of it."""
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = _fresh_sqlite(folder)
        load_city(engine, units)
        engine.dispose()  # the last connection closed writes the log back into the file

        @contextmanager
        def copy(name: str) -> Iterator[Engine]:
            from benchmarks import bench_engine

            path = folder / f"{name}.sqlite3"
            shutil.copyfile(folder / "bench.sqlite3", path)
            engine = bench_engine(f"sqlite:///{path}")
            try:
                yield engine
            finally:
                engine.dispose()
                path.unlink()

        return bench_city_runs(units, copy)


def city_on_postgres(admin_url: str, units: int) -> dict[str, Any] | str:
    """Materialising a city's year on PostgreSQL, against its floor: the city loaded once
    into a database, each run on a database made from it (``CREATE DATABASE … TEMPLATE``)."""
    import psycopg

    from benchmarks import bench_engine

    def runs(engine: Engine) -> dict[str, Any]:
        load_city(engine, units)
        engine.dispose()  # a template must have no connection
        base = engine.url.database
        root = admin_url.rsplit("/", 1)[0]

        @contextmanager
        def copy(name: str) -> Iterator[Engine]:
            database = f"{base}_{name.replace('-', '_')}"
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{base}"')
            engine = bench_engine(f"{root}/{database}")
            try:
                yield engine
            finally:
                engine.dispose()
                with psycopg.connect(admin_url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

        return bench_city_runs(units, copy)

    return _on_postgres(admin_url, runs)


def _on_postgres(admin_url: str, run: Callable[[Engine], dict[str, Any]]) -> dict[str, Any] | str:
    import psycopg

    from benchmarks import bench_engine
    from storage.migrate import upgrade

    name = f"cchc_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        return f"PostgreSQL unreachable: {exc}"
    engine = bench_engine(admin_url.rsplit("/", 1)[0] + "/" + name)
    try:
        upgrade(engine)
        return run(engine)
    finally:
        engine.dispose()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def city_lines(cities: list[dict[str, Any] | str]) -> list[str]:
    """The lines of ``results.md`` for materialising a city's year, against its floor."""
    first = next((c for c in cities if isinstance(c, dict)), None)
    head = (
        f"Materialising a city's year: {first['units']} units × the bundled plan = "
        f"{first['occurrences']:,} occurrences, by the job as a runner starts it "
        "(the daily **materialise** job: every unit's latest plan in one transaction, holder "
        "changes followed), against its floor: the same rows written again by the driver's "
        "plain bulk insert (COPY on PostgreSQL) in one transaction. The city is loaded once; "
        f"the job and its floor each run {REPEATS} times, interleaved, each run on a fresh copy "
        "of the city, after one run of the job that is not counted (it imports the job's "
        "modules and compiles its statements, as a running engine has done before its daily "
        f"job); medians are given (on {dt.date.today().isoformat()}; {_load()}; 2 cores shared "
        "with other work):"
        if first
        else "Materialising a city's year:"
    )

    def seconds(values: list[float]) -> str:
        return ", ".join(f"{v:.2f}" for v in values)

    return [
        head,
        "",
        "| database | materialise | occurrences/s | plain bulk insert (floor) | rows/s "
        "| ratio to the floor | each run: job / floor (s) |",
        "|---|---|---|---|---|---|---|",
        *[
            f"| {c['database']} | {c['seconds']:.2f} s | **{c['per_second']:,.0f}** "
            f"| {c['floor_seconds']:.2f} s | {c['floor_per_second']:,.0f} | {c['ratio']:.2f}× "
            f"| {seconds(c['runs'])} / {seconds(c['floors'])} |"
            if isinstance(c, dict)
            else f"| — | {c} | | | | | |"
            for c in cities
        ],
    ]


def _load() -> str:
    import os

    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) when it ended"


def _fill(engine: Engine, plan_row: PlanRecord, history: int, due: int, start_index: int) -> None:
    """Insert closed history rows and ``due`` rows whose next reminder time has come."""
    with Session(engine) as session:
        task_ids = [
            t.id for t in session.exec(select(TaskRecord).where(TaskRecord.plan_id == plan_row.id))
        ]
    base = {
        "unit_id": plan_row.unit_id,
        "plan_id": plan_row.id,
        "lead_role": "justice",
        "officer_id": None,
        "period_start": dt.date(2020, 1, 1),
        "period_end": dt.date(2020, 1, 31),
        "reason": "",
    }
    rows: list[dict[str, Any]] = []
    chunk = 20_000
    with engine.begin() as connection:
        for i in range(start_index, start_index + history + due):
            is_due = i >= start_index + history
            task_id = task_ids[i % len(task_ids)]
            rows.append(
                {
                    **base,
                    "task_id": task_id,
                    "task_code": "II.2.1",
                    "period": f"P{i}",
                    "due_date": dt.date(2020, 6, 12),
                    "due_at": dt.datetime(2020, 6, 12, 10, tzinfo=dt.UTC),
                    "status": "open" if is_due else "accepted",
                    "next_reminder_at": NOW - dt.timedelta(minutes=5) if is_due else None,
                }
            )
            if len(rows) >= chunk:
                connection.execute(insert(Occurrence), rows)
                rows = []
        if rows:
            connection.execute(insert(Occurrence), rows)


def _reset_due(engine: Engine) -> None:
    """Forget what the first sweep sent, so the second has the same due reminders to send."""
    from sqlalchemy import delete, update

    with engine.begin() as connection:
        connection.execute(delete(OutboxMessage))
        connection.execute(delete(ReminderLog))
        connection.execute(  # through the model's column type: times are stored as UTC
            update(Occurrence)
            .where(col(Occurrence.status) == "open")
            .values(next_reminder_at=NOW - dt.timedelta(minutes=5))
        )


def _timed_floor(engine: Engine) -> float:
    """The floor under a sweep: reading the due rows as the sweep selects them (best of 3)."""
    from application.sweep import due_occurrences

    best = float("inf")
    for _ in range(3):
        with Session(engine) as session:
            start = time.perf_counter()
            rows = due_occurrences(session, NOW, None, 5000)
            best = min(best, time.perf_counter() - start)
            assert rows
            session.rollback()
    return best


def _timed_sweep(engine: Engine, repeat: int = 3) -> tuple[float, int]:
    """The best of ``repeat`` sweeps of the same due reminders (forgotten between them)."""
    from application.sweep import sweep

    best, steps = float("inf"), 0
    for attempt in range(repeat):
        if attempt:
            _reset_due(engine)
        with Session(engine) as session:
            start = time.perf_counter()
            report = sweep(session=session, now=NOW, actor="bench")
            session.commit()
            best = min(best, time.perf_counter() - start)
            steps = report.reminders + report.escalations
    return best, steps


def _warm_up() -> None:
    """What a running engine has done once already — imported its modules, read the
    holiday tables, compiled the message templates — so the figures are the sweep's own."""
    from application import sweep  # noqa: F401
    from notifications.render import environment
    from storage.calendar import public_holidays

    public_holidays([NOW.year])
    for lang in ("vi", "en"):
        for part in ("subject", "txt", "html"):
            environment().get_template(f"{lang}/bundle.{part}.j2")


def bench_sweep(engine: Engine, small: int, large: int, due: int) -> dict[str, Any]:
    """Sweep ``due`` reminders over ``small`` then ``large`` stored occurrences; each sweep
    beside its floor, reading the same due rows in the same run."""
    _warm_up()
    plan_row = _load_ward(engine, "sweep-ward")
    _fill(engine, plan_row, small - due, due, 0)
    small_floor = _timed_floor(engine)
    small_time, small_steps = _timed_sweep(engine)
    _fill(engine, plan_row, large - small, 0, small)
    _reset_due(engine)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE occurrence"))
        else:
            connection.execute(text("ANALYZE"))
    large_floor = _timed_floor(engine)
    large_time, large_steps = _timed_sweep(engine)
    assert small_steps == large_steps == due, (small_steps, large_steps)
    with Session(engine) as session:  # sanity: nothing left behind
        assert (
            len(session.exec(select(ReminderLog).where(ReminderLog.outcome == "sent")).all()) == due
        )
        # the vacant post's reminders all go to the CCHC officer: one message listing them
        [message] = session.exec(select(OutboxMessage)).all()
        assert len(message.facts["items"]) == due
    return {
        "database": engine.dialect.name,
        "due": due,
        "small": small,
        "large": large,
        "small_floor": small_floor,
        "small_seconds": small_time,
        "large_floor": large_floor,
        "large_seconds": large_time,
        "ratio": large_time / small_time,
        "small_over_floor": small_time / small_floor,
        "large_over_floor": large_time / large_floor,
    }


SWEEP_START = "The sweep with the same"  # the sweep's lines in results.md begin here …
SWEEP_END = "What Prefect costs"  # … and end before this


def sweep_lines(sweeps: list[dict[str, Any] | str], due: int) -> list[str]:
    """The sweep's lines of ``benchmarks/results.md``: each sweep beside its floor."""
    import os

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"{SWEEP_START} {due:,} due reminders over a small and a large history, each beside its "
        "floor — reading the same due rows, as the sweep selects them, in the same run (best of "
        "3 each):",
        "",
        "| database | stored occurrences | floor | sweep | × floor "
        "| stored occurrences | floor | sweep | × floor | large ÷ small (target ≤ 1.5×) |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *[
            f"| {r['database']} | {r['small']:,} | {r['small_floor'] * 1000:.0f} ms "
            f"| {r['small_seconds']:.2f} s | {r['small_over_floor']:.0f}× | {r['large']:,} "
            f"| {r['large_floor'] * 1000:.0f} ms | {r['large_seconds']:.2f} s "
            f"| {r['large_over_floor']:.0f}× | {r['ratio']:.2f}× |"
            if isinstance(r, dict)
            else f"| — | {r} | | | | | | | | |"
            for r in sweeps
        ],
        "",
        f"Target: {due:,} due reminders swept in ≤ 1 s on both databases. The process has "
        "imported its modules, read the holiday table and compiled the message templates once "
        "before (as a running engine has); the due reminders are all for a vacant post, so they "
        "make one message to the CCHC officer listing them. Load average at the end "
        f"(1, 5, 15 min): {load} — the machine's 2 cores were shared with other work.",
        "",
    ]


def with_sweep_lines(before: str, lines: list[str]) -> str:
    """``before`` (results.md) with its sweep lines replaced by ``lines``."""
    if SWEEP_START not in before or SWEEP_END not in before:
        return before.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    head, rest = before.split(SWEEP_START, 1)
    return head + "\n".join(lines) + "\n" + SWEEP_END + rest.split(SWEEP_END, 1)[1]


def sweep_on_sqlite(small: int, large: int, due: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = _fresh_sqlite(Path(tmp))
        try:
            return bench_sweep(engine, small, large, due)
        finally:
            engine.dispose()


def sweep_on_postgres(admin_url: str, small: int, large: int, due: int) -> dict[str, Any] | str:
    import psycopg

    from benchmarks import bench_engine
    from storage.migrate import upgrade

    name = f"cchc_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        return f"PostgreSQL unreachable: {exc}"
    engine = bench_engine(admin_url.rsplit("/", 1)[0] + "/" + name)
    try:
        upgrade(engine)
        return bench_sweep(engine, small, large, due)
    finally:
        engine.dispose()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
