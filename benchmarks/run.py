"""``make bench``: what reading and loading a plan cost, against baselines run side by side.

1. Checking the bundled plan (YAML with positions, schema, references, framework codes)
   against a plain ``yaml.safe_load`` of the same text.
2. Loading the bundled plan for many units into one SQLite database, against reloading
   the same plans (the idempotent path: read, compare, write nothing).

Then scheduling, dossiers and KPIs, notifications and the web (``benchmarks/*.py``); the web
alone, its section of ``results.md`` rewritten: ``python -m benchmarks.run --only web``; the
province's views (``benchmarks/province.py``) alone: ``--only province``; materialising a
city's year on SQLite and PostgreSQL against its floor alone: ``--only city``; the officers'
reading commands on the demo database (``benchmarks/reading.py``) alone: ``--only reading``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from domain.frameworkfile import read_framework
from domain.planfile import read_plan
from plans import FRAMEWORK_2020, PLAN_2020

WEB_HEADING = "## Web"  # the last section: ``--only web`` rewrites from here to the end
PROVINCE_HEADING = "## Province"  # just before the web's: ``--only province`` rewrites it
CITY_START = "Materialising a city's year"  # ``--only city`` rewrites from here to the sweep's
CITY_END = "The sweep with"
READING_HEADING = "## Reading"  # before the province's: ``--only reading`` rewrites it


def _with_reading(before: str, section: list[str]) -> str:
    """``results.md`` with its reading section replaced (or put before the next section)."""
    text = "\n".join(section) + "\n\n"
    if READING_HEADING in before:
        head, rest = before.split(READING_HEADING, 1)
        tail = rest.split("\n## ", 1)
        return head + text + ("## " + tail[1] if len(tail) > 1 else "")
    for heading in (PROVINCE_HEADING, WEB_HEADING):
        if heading in before:
            head, rest = before.split(heading, 1)
            return head + text + heading + rest
    return before.rstrip("\n") + "\n\n" + text


def _with_city(before: str, section: list[str]) -> str:
    """``results.md`` with its materialisation paragraph replaced."""
    if CITY_START not in before or CITY_END not in before:
        return before.rstrip("\n") + "\n\n" + "\n".join(section) + "\n"
    head, rest = before.split(CITY_START, 1)
    return head + "\n".join(section) + "\n\n" + CITY_END + rest.split(CITY_END, 1)[1]


def _with_province(before: str, section: list[str]) -> str:
    """``results.md`` with its province section replaced (or put before the web's)."""
    text = "\n".join(section) + "\n\n"
    if PROVINCE_HEADING in before:
        head, rest = before.split(PROVINCE_HEADING, 1)
        tail = WEB_HEADING + rest.split(WEB_HEADING, 1)[1] if WEB_HEADING in rest else ""
        return head + text + tail
    if WEB_HEADING in before:
        head, rest = before.split(WEB_HEADING, 1)
        return head + text + WEB_HEADING + rest
    return before.rstrip("\n") + "\n\n" + text


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_validate(repeat: int) -> tuple[float, float]:
    text = PLAN_2020.read_text(encoding="utf-8")
    codes = read_framework(FRAMEWORK_2020.read_text(encoding="utf-8"), "fw").codes()
    ours = best_of(lambda: read_plan(text, "plan", criteria=codes), repeat)
    base = best_of(lambda: yaml.safe_load(text), repeat)
    return ours, base


def bench_load(units: int) -> tuple[float, float]:
    from sqlmodel import Session

    from benchmarks import bench_engine
    from storage.migrate import upgrade
    from storage.plans import load_plan

    plan = read_plan(PLAN_2020.read_text(encoding="utf-8"), "plan")
    now = dt.datetime(2020, 4, 15, tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory() as tmp:
        engine = bench_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        upgrade(engine)

        def load_all() -> None:
            for i in range(units):
                with Session(engine) as session:
                    load_plan(
                        plan, session=session, actor="bench", now=now, unit_code=f"ward-{i:03d}"
                    )
                    session.commit()

        first = best_of(load_all, 1)
        again = best_of(load_all, 1)
        engine.dispose()
    return first / units, again / units


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results.md"))
    parser.add_argument("--units", type=int, default=30, help="units for the plan-load benchmark")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--city", type=int, default=300, help="units of the city the web benchmark serves"
    )
    parser.add_argument(
        "--materialise-units",
        type=int,
        default=168,
        help="units for the materialisation benchmark (a province)",
    )
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument(
        "--pg", default=os.environ.get("CCHC_TEST_PG_URL", "postgresql://localhost:5432/postgres")
    )
    parser.add_argument("--clients", type=int, default=20, help="concurrent web clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per web measure")
    parser.add_argument(
        "--workers",
        type=lambda v: tuple(int(n) for n in v.split(",")),
        default=(1, 2),
        help="numbers of web workers measured, e.g. 1,2",
    )
    parser.add_argument(
        "--rate", type=float, default=1.0, help="requests per second of each web client (open loop)"
    )
    parser.add_argument(
        "--province-units", type=int, default=168, help="wards of the province benchmark"
    )
    parser.add_argument(
        "--province-dossiers", type=int, default=500_000, help="dossiers of the province benchmark"
    )
    parser.add_argument(
        "--province-clients", type=int, default=10, help="concurrent clients of the province"
    )
    parser.add_argument(
        "--province-rate",
        type=float,
        default=0.2,
        help="requests per second of each province client (open loop)",
    )
    parser.add_argument(
        "--only",
        choices=["web", "province", "sweep", "city", "reading"],
        help="run this benchmark alone and rewrite only its section",
    )
    args = parser.parse_args()

    from benchmarks.reading import bench_reading, reading_section

    if args.only == "reading":
        section = reading_section(bench_reading(runs=5))
        before = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        args.out.write_text(_with_reading(before, section), encoding="utf-8")
        print("\n".join(section))
        return

    from benchmarks.scheduling import bench_city, city_lines, city_on_postgres

    def cities() -> list[str]:
        return city_lines(
            [
                bench_city(args.materialise_units),
                city_on_postgres(args.pg, args.materialise_units),
            ]
        )

    if args.only == "city":
        section = cities()
        before = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        args.out.write_text(_with_city(before, section), encoding="utf-8")
        print("\n".join(section))
        return

    from benchmarks.province import bench_province, province_section
    from benchmarks.scheduling import (
        sweep_lines,
        sweep_on_postgres,
        sweep_on_sqlite,
        with_sweep_lines,
    )

    if args.only == "sweep":
        lines = sweep_lines(
            [
                sweep_on_sqlite(args.small, args.large, args.due),
                sweep_on_postgres(args.pg, args.small, args.large, args.due),
            ],
            args.due,
        )
        before = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        args.out.write_text(with_sweep_lines(before, lines), encoding="utf-8")
        print("\n".join(lines))
        return

    if args.only == "province":
        section = province_section(
            bench_province(
                args.pg,
                args.province_units,
                args.province_dossiers,
                args.repeat,
                clients=args.province_clients,
                seconds=args.seconds,
                workers=max(args.workers),
                rate=args.province_rate,
            )
        )
        before = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        args.out.write_text(_with_province(before, section), encoding="utf-8")
        print("\n".join(section))
        return

    from benchmarks.web import bench_web, web_section

    if args.only == "web":
        web = web_section(
            bench_web(args.pg, args.city, args.seconds, args.clients, args.workers, args.rate)
        )
        before = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        kept = before.split(WEB_HEADING)[0].rstrip("\n")
        args.out.write_text(kept + "\n\n" + "\n".join(web) + "\n", encoding="utf-8")
        print("\n".join(web))
        return

    from benchmarks.prefect_cost import prefect_cost
    from benchmarks.scheduling import sweep_on_postgres, sweep_on_sqlite

    ours, base = bench_validate(args.repeat)
    first, again = bench_load(args.units)
    city = cities()
    sweeps = [
        sweep_on_sqlite(args.small, args.large, args.due),
        sweep_on_postgres(args.pg, args.small, args.large, args.due),
    ]
    flow_cost = prefect_cost()
    reading = reading_section(bench_reading(runs=5))
    from benchmarks.outbox_smtp import bench_outbox_smtp

    mail = bench_outbox_smtp(args.messages)
    import tempfile

    from benchmarks.dossiers import bench_import, bench_kpi

    with tempfile.TemporaryDirectory() as folder:
        imported = bench_import(args.dossiers, Path(folder))
        kpi = bench_kpi(imported["database"])
    province = province_section(
        bench_province(
            args.pg,
            args.province_units,
            args.province_dossiers,
            args.repeat,
            clients=args.province_clients,
            seconds=args.seconds,
            workers=max(args.workers),
            rate=args.province_rate,
        )
    )
    web = web_section(
        bench_web(args.pg, args.city, args.seconds, args.clients, args.workers, args.rate)
    )
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {dt.date.today().isoformat()}, Python {platform.python_version()}, "
        f"{platform.machine()}; best of {args.repeat} runs where repeated.",
        "",
        "| measure | cchc | baseline | ratio |",
        "|---|---|---|---|",
        f"| check the bundled plan (40 tasks) vs `yaml.safe_load` of the same text | {ours * 1000:.1f} ms "
        f"| {base * 1000:.1f} ms | {ours / base:.2f}× |",
        f"| load the plan for one unit ({args.units} units, SQLite) vs reloading it unchanged "
        f"| {first * 1000:.0f} ms | {again * 1000:.0f} ms | {first / again:.2f}× |",
        "",
        "",
        "## Scheduling",
        "",
        *city,
        "",
        *sweep_lines(sweeps, args.due),
        "What Prefect costs (the same sweep on an empty database; Prefect's test server already up,",
        "heartbeats off):",
        "",
        "| run | seconds each (median of runs) | ratio |",
        "|---|---|---|",
        f"| `remind_job` called directly | {flow_cost['direct']:.3f} | 1.00× |",
        f"| `remind_flow` as a Prefect flow run | {flow_cost['flow']:.3f} | {flow_cost['flow'] / flow_cost['direct']:.1f}× |",
        f"| Prefect test server start-up (once) | {flow_cost['startup']:.1f} | |",
        "",
        "## One-stop dossiers and KPIs",
        "",
        f"Importing {imported['rows']:,} generated dossier rows ({imported['file_mb']:.0f} MB CSV, SQLite):",
        "",
        "| run | seconds | rows/s | ratio (target ≤ 3×) |",
        "|---|---|---|---|",
        f"| plain `sqlite3.executemany` bulk insert (baseline) | {imported['baseline_seconds']:.1f} "
        f"| {imported['rows'] / imported['baseline_seconds']:,.0f} | 1.00× |",
        f"| `cchc dossiers import` (checks every row first, all or nothing, upsert) | {imported['import_seconds']:.1f} "
        f"| {imported['rows_per_second']:,.0f} | {imported['ratio']:.2f}× |",
        "",
        f"Peak memory of the import: **{imported['peak_mb']:.0f} MB** (target < 300 MB).",
        "",
        "| KPI report for a year over those rows | seconds | ratio (target ≤ 2×) |",
        "|---|---|---|",
        f"| hand-written SQL aggregate (baseline) | {kpi['hand_sql_seconds']:.2f} | 1.00× |",
        f"| `cchc kpi` (every KPI, overall and per field) | {kpi['kpi_seconds']:.2f} | {kpi['ratio']:.2f}× |",
        "",
        "## Notifications",
        "",
        f"{mail['messages']:,.0f} messages to a local SMTP server (aiosmtpd on 127.0.0.1), one connection:",
        "",
        "| run | seconds | messages/s | ratio (target ≥ 0.5) |",
        "|---|---|---|---|",
        f"| plain `smtplib` loop (baseline) | {mail['baseline_seconds']:.1f} | {mail['baseline_per_second']:.0f} | 1.00 |",
        f"| cchc outbox → delivery worker → SMTP | {mail['outbox_seconds']:.1f} | {mail['outbox_per_second']:.0f} "
        f"| {mail['ratio']:.2f} |",
        "",
        "Checking a plan adds its positions, schema, references and framework codes on top of",
        "parsing (the ratio in the first row); an unchanged reload reads and compares but writes",
        "nothing (second row).",
        "",
        *reading,
        "",
        *province,
        "",
        *web,
    ]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
