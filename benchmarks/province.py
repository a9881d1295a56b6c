"""The province's views on PostgreSQL: ``province_progress`` and ``province_kpis`` over a
city's year (``benchmarks.scheduling.build_city``: N wards × the bundled plan, materialised)
with a parameterised number of one-stop dossiers spread over the wards.

Each use case is called ``repeat`` times back to back (p50/p95), against a trivial query
floor in the same run (``SELECT 1`` through a unit of work: a session, a transaction, one
round trip). The SQL statements of each view are counted (a listener on the engine) for a
parent with 10 wards and for the parent of them all: they must be equal.

Run alone: ``python -m benchmarks.run --only province [--province-units 168]
[--province-dossiers 50000]``.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
import uuid
import zoneinfo
from collections.abc import Callable
from typing import Any

from benchmarks import bench_engine

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2020, 9, 15, 9, 0, tzinfo=TZ)
DATABASE = "cchc_bench_province"
FIELDS = ("dat_dai", "ho_tich", "chung_thuc", "xay_dung", "ho_kinh_doanh", "lao_dong_tbxh", "khac")


def _dossiers(engine: Any, unit_ids: list[int], rows: int, seed: int = 11) -> None:
    """``rows`` dossiers of 2020 spread over the units, inserted in batches."""
    from sqlalchemy import insert

    from models import Dossier

    rnd = random.Random(seed)
    batch: list[dict[str, Any]] = []
    start = dt.datetime(2020, 1, 1, 7, 30, tzinfo=TZ)

    def flush() -> None:
        with engine.begin() as conn:
            conn.execute(insert(Dossier), batch)
        batch.clear()

    for i in range(rows):
        received = start + dt.timedelta(minutes=rnd.randrange(0, 300 * 24 * 60))
        due = received + dt.timedelta(days=rnd.randrange(1, 15))
        status = rnd.choices(("da_tra", "dang_xu_ly", "rut"), (90, 7, 3))[0]
        back = (
            received + dt.timedelta(hours=rnd.randrange(1, 24 * 17)) if status == "da_tra" else None
        )
        procedure = rnd.randrange(120)
        batch.append(
            {
                "unit_id": unit_ids[i % len(unit_ids)],
                "ma_ho_so": f"HS-{i:08d}",
                "ma_linh_vuc": FIELDS[procedure % len(FIELDS)],
                "ten_thu_tuc": f"Thủ tục số {procedure}",
                "ma_thu_tuc": f"TT{procedure:03d}" if procedure % 3 else "",
                "kenh_nop": rnd.choice(("truc_tiep", "truc_tuyen", "buu_chinh")),
                "muc_do_dvc": rnd.choice((2, 3, 4)),
                "ngay_tiep_nhan": received,
                "ngay_hen_tra": due,
                "ngay_tra": back,
                "tiep_nhan_day": received.date(),
                "hen_tra_day": due.date(),
                "tra_day": back.date() if back else None,
                "trang_thai": status,
                "tra_qua_buu_chinh": rnd.random() < 0.2,
                "danh_gia": rnd.choice((None, "hai_long", "rat_hai_long", "khong_hai_long")),
                "phieu_xin_loi": rnd.random() < 0.3,
                "so_lan_bo_sung": 0,
            }
        )
        if len(batch) >= 5000:
            flush()
    if batch:
        flush()


def _times(fn: Callable[[], object], repeat: int) -> dict[str, float]:
    fn()  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94]}


def _statements(engine: Any, fn: Callable[[], object]) -> int:
    from sqlalchemy import event

    n = 0

    def count(*_: Any) -> None:
        nonlocal n
        n += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return n


def bench_province(
    admin_url: str, units: int = 168, dossiers: int = 50_000, repeat: int = 30
) -> dict[str, Any] | str:
    import psycopg
    from sqlalchemy import text

    from application.access import Identity
    from application.province import province_kpis, province_progress
    from application.uow import UnitOfWork
    from benchmarks.scheduling import build_city
    from storage.migrate import upgrade

    name = f"{DATABASE}_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        return f"PostgreSQL unreachable: {exc}"
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    engine = bench_engine(url)
    try:
        upgrade(engine)
        occurrences, _ = build_city(engine, units)
        with engine.begin() as conn:
            # some work done: a third of what was due accepted on time, a sixth handed in late
            conn.execute(
                text(
                    "UPDATE occurrence SET status = 'accepted', submitted_at = due_at "
                    "WHERE due_at < :now AND id % 3 = 0"
                ),
                {"now": NOW},
            )
            conn.execute(
                text(
                    "UPDATE occurrence SET status = 'submitted', "
                    "submitted_at = due_at + interval '2 days' WHERE due_at < :now AND id % 6 = 1"
                ),
                {"now": NOW},
            )
            ids = [r[0] for r in conn.execute(text("SELECT id FROM unit WHERE code LIKE 'ward-%'"))]
            parent = conn.execute(
                text("SELECT parent_id FROM unit WHERE code = 'ward-000'")
            ).scalar()
            # a cluster of 10 wards under a parent of its own, itself under the district
            small = conn.execute(
                text(
                    "INSERT INTO unit (code, name, parent_id) VALUES ('cum-10', 'Cụm 10 phường', :p) RETURNING id"
                ),
                {"p": parent},
            ).scalar()
            conn.execute(
                text("UPDATE unit SET parent_id = :s WHERE code IN ("
                     + ", ".join(f"'ward-{i:03d}'" for i in range(min(10, units))) + ")"),
                {"s": small},
            )  # fmt: skip
            top = conn.execute(text("SELECT code FROM unit WHERE id = :p"), {"p": parent}).scalar()
        _dossiers(engine, ids, dossiers)
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        who = Identity.operator("bench")

        def progress(unit: str) -> Callable[[], object]:
            return lambda: province_progress(UnitOfWork(engine), who, NOW, unit=unit, year=2020)

        def ranking(unit: str) -> Callable[[], object]:
            return lambda: province_kpis(UnitOfWork(engine), who, NOW, unit=unit, year=2020)

        def floor() -> None:
            with UnitOfWork(engine) as session:
                session.exec(text("SELECT 1"))  # type: ignore[call-overload]

        result = {
            "date": dt.date.today().isoformat(),
            "units": units,
            "occurrences": occurrences,
            "dossiers": dossiers,
            "repeat": repeat,
            "floor": _times(floor, repeat),
            "progress": _times(progress(str(top)), repeat),
            "kpi": _times(ranking(str(top)), repeat),
            "statements": {
                "progress": (
                    _statements(engine, progress("cum-10")),
                    _statements(engine, progress(str(top))),
                ),
                "kpi": (
                    _statements(engine, ranking("cum-10")),
                    _statements(engine, ranking(str(top))),
                ),
            },
        }
    finally:
        engine.dispose()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return result


def province_section(result: dict[str, Any] | str) -> list[str]:
    """The ``## Province`` section of ``results.md``."""
    head = ["## Province", ""]
    if isinstance(result, str):
        return [*head, f"Not measured: {result}"]
    r = result
    base = r["floor"]

    def row(label: str, m: dict[str, float]) -> str:
        return (
            f"| {label} | {m['p50'] * 1000:.1f} ms | {m['p95'] * 1000:.1f} ms "
            f"| {m['p50'] / base['p50']:.1f}× | {m['p95'] / base['p95']:.1f}× |"
        )

    s = r["statements"]
    return [
        *head,
        f"The province's views on PostgreSQL over a city's year: {r['units']} wards × the bundled "
        f"plan ({r['occurrences']:,} occurrences, a third of what was due accepted) and "
        f"{r['dossiers']:,} one-stop dossiers; each use case called {r['repeat']} times back to "
        f"back in one process (measured on {r['date']}; 2 cores, shared).",
        "",
        "| view | p50 | p95 | p50 ratio | p95 ratio |",
        "|---|---|---|---|---|",
        row("`SELECT 1` through a unit of work (floor)", base),
        row("`province_progress` (units × areas, self-assessments)", r["progress"]),
        row("`province_kpis` (8 KPIs ranked, months)", r["kpi"]),
        "",
        "SQL statements per view, for a parent of 10 wards and for the parent of them all "
        "(must be equal):",
        "",
        "| view | 10 wards | all wards |",
        "|---|---|---|",
        f"| `province_progress` | {s['progress'][0]} | {s['progress'][1]} |",
        f"| `province_kpis` | {s['kpi'][0]} | {s['kpi'][1]} |",
    ]
