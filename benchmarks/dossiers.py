"""Dossier benchmarks: importing a large export, and computing a year's KPIs over it.

- ``bench_import``: a generated CSV export of N rows (written to disk row by row) imported by
  ``import_dossiers`` into SQLite, against a baseline that reads the same file with ``csv`` and
  bulk-inserts the raw rows with plain ``sqlite3.executemany`` into an equivalent table (same
  columns, unique key and indexes). Target: ≤ 3× the baseline. The import runs in a child
  process so its peak memory (``ru_maxrss``) is its own. Target: < 300 MB.
- ``bench_kpi``: ``kpis()`` for the year over those rows against one hand-written SQL
  aggregate doing the same arithmetic on a raw ``sqlite3`` connection. Target: ≤ 2×.

Run: ``python -m benchmarks.dossiers --rows 1000000``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

UNIT = "bench-ward"
FIELDS = ("dat_dai", "ho_tich", "chung_thuc", "xay_dung", "ho_kinh_doanh", "lao_dong_tbxh", "khac")
HEADER = (
    "ma_ho_so",
    "ma_don_vi",
    "ma_linh_vuc",
    "ten_thu_tuc",
    "ma_thu_tuc",
    "kenh_nop",
    "muc_do_dvc",
    "ngay_tiep_nhan",
    "ngay_hen_tra",
    "ngay_tra",
    "trang_thai",
    "tra_qua_buu_chinh",
    "danh_gia",
    "phieu_xin_loi",
    "so_lan_bo_sung",
)
NOW = dt.datetime(2021, 1, 15, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def write_export(path: Path, rows: int, seed: int = 7) -> None:
    """A realistic export of ``rows`` dossiers in 2020, written row by row (never held whole)."""
    rnd = random.Random(seed)
    start = dt.datetime(2020, 1, 1, 7, 30)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for i in range(rows):
            received = start + dt.timedelta(minutes=rnd.randrange(0, 365 * 24 * 60))
            appointment = received + dt.timedelta(days=rnd.randrange(1, 15))
            status = rnd.choices(("da_tra", "dang_xu_ly", "rut", "tu_choi"), (90, 6, 2, 2))[0]
            returned = ""
            if status == "da_tra" or (status in ("rut", "tu_choi") and rnd.random() < 0.5):
                back = received + dt.timedelta(hours=rnd.randrange(1, 24 * 17))
                returned = back.strftime("%d/%m/%Y %H:%M") if i % 2 else back.isoformat(sep=" ")
            field = FIELDS[rnd.randrange(len(FIELDS))]
            procedure = rnd.randrange(120)
            out.writerow(
                (
                    f"HS-{i:08d}",
                    UNIT,
                    field,
                    f"Thủ tục số {procedure} lĩnh vực {field}",
                    f"TT{procedure:03d}" if procedure % 3 else "",
                    rnd.choice(("truc_tiep", "truc_tuyen", "buu_chinh")),
                    rnd.choice("234"),
                    received.strftime("%d/%m/%Y %H:%M") if i % 2 else received.isoformat(sep=" "),
                    appointment.date().isoformat(),
                    returned,
                    status,
                    rnd.choice(("", "0", "1")),
                    rnd.choice(
                        ("", "", "rat_hai_long", "hai_long", "binh_thuong", "khong_hai_long")
                    ),
                    rnd.choice(("", "0", "1")),
                    str(rnd.randrange(3)),
                )
            )


def _fresh_database(path: Path) -> str:
    from sqlmodel import Session

    from benchmarks import bench_engine
    from domain.plan import Unit
    from storage.migrate import upgrade
    from storage.units import ensure_unit

    url = f"sqlite:///{path}"
    engine = bench_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        ensure_unit(Unit(UNIT, "Phường thử"), session=session, actor="bench", now=NOW)
        session.commit()
    engine.dispose()
    return url


def _import_in_child(url: str, export: Path) -> dict[str, Any]:
    """Run ``import_dossiers`` in a fresh interpreter; its time and peak resident memory."""
    code = (
        "import json, time, datetime as dt, pathlib\n"
        "from benchmarks import bench_engine\n"
        "from application.access import Identity\n"
        "from application.dossiers import import_dossiers\n"
        "from application.uow import UnitOfWork\n"
        f"engine = bench_engine({url!r})\n"
        "t = time.perf_counter()\n"
        "r = import_dossiers(UnitOfWork(engine), Identity.operator('bench'),"
        f" dt.datetime.fromisoformat({NOW.isoformat()!r}), path=pathlib.Path({str(export)!r}))\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, **r.as_dict()}))\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["peak_mb"] = peak_kb / 1024
    result["peak_reliable"] = peak_kb > before  # ru_maxrss is the max over waited children
    return result


_BASELINE_TABLE = """
CREATE TABLE dossier (
  id INTEGER PRIMARY KEY, unit_id INTEGER NOT NULL, ma_ho_so VARCHAR(100) NOT NULL,
  ma_linh_vuc VARCHAR(64) NOT NULL, ten_thu_tuc VARCHAR NOT NULL, ma_thu_tuc VARCHAR NOT NULL,
  kenh_nop VARCHAR(16) NOT NULL, muc_do_dvc INTEGER NOT NULL, ngay_tiep_nhan DATETIME NOT NULL,
  ngay_hen_tra DATETIME NOT NULL, ngay_tra DATETIME, trang_thai VARCHAR(16) NOT NULL,
  tra_qua_buu_chinh VARCHAR, danh_gia VARCHAR(32), phieu_xin_loi VARCHAR,
  so_lan_bo_sung VARCHAR, UNIQUE (unit_id, ma_ho_so));
CREATE INDEX ix_due ON dossier (unit_id, ngay_hen_tra);
CREATE INDEX ix_received ON dossier (unit_id, ngay_tiep_nhan);
CREATE INDEX ix_returned ON dossier (unit_id, ngay_tra);
"""


def _baseline_import(db: Path, export: Path) -> float:
    """Read the file with ``csv`` and ``executemany`` the raw rows, in one transaction."""
    t = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(_BASELINE_TABLE)
    sql = (
        "INSERT INTO dossier (unit_id, ma_ho_so, ma_linh_vuc, ten_thu_tuc, ma_thu_tuc, kenh_nop,"
        " muc_do_dvc, ngay_tiep_nhan, ngay_hen_tra, ngay_tra, trang_thai, tra_qua_buu_chinh,"
        " danh_gia, phieu_xin_loi, so_lan_bo_sung) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?)"
    )
    with export.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        batch: list[tuple[str, ...]] = []
        for row in reader:
            batch.append((row[0], *row[2:]))
            if len(batch) >= 5_000:
                conn.executemany(sql, batch)
                batch = []
        conn.executemany(sql, batch)
    conn.commit()
    conn.close()
    return time.perf_counter() - t


def bench_import(rows: int = 1_000_000, folder: Path | None = None) -> dict[str, Any]:
    """Import N generated rows; time against the ``executemany`` baseline; peak memory."""
    tmp = None
    if folder is None:
        tmp = tempfile.TemporaryDirectory()
        folder = Path(tmp.name)
    try:
        export = folder / "export.csv"
        t = time.perf_counter()
        write_export(export, rows)
        generated = time.perf_counter() - t
        url = _fresh_database(folder / "cchc.sqlite3")
        ours = _import_in_child(url, export)
        again = _import_in_child(url, export)
        base = _baseline_import(folder / "baseline.sqlite3", export)
        return {
            "rows": rows,
            "file_mb": export.stat().st_size / 1e6,
            "generate_seconds": generated,
            "import_seconds": ours["seconds"],
            "reimport_seconds": again["seconds"],
            "created": ours["created"],
            "reimport_updated": again["updated"],
            "baseline_seconds": base,
            "ratio": ours["seconds"] / base,
            "rows_per_second": rows / ours["seconds"],
            "peak_mb": ours["peak_mb"],
            "peak_reliable": ours["peak_reliable"],
            "database": url,
        }
    finally:
        if tmp is not None:
            tmp.cleanup()


_HAND_SQL = """
WITH d AS (SELECT * FROM dossier WHERE unit_id = :u)
SELECT
  (SELECT sum(tra_day IS NOT NULL AND tra_day <= hen_tra_day) * 100.0 / count(*) FROM d
    WHERE hen_tra_day BETWEEN :s AND :e AND trang_thai NOT IN ('rut', 'tu_choi')
      AND (tra_day IS NOT NULL OR hen_tra_day < :today)),
  (SELECT sum(kenh_nop = 'truc_tuyen') * 100.0 / nullif(sum(muc_do_dvc >= 3), 0) FROM d
    WHERE tiep_nhan_day BETWEEN :s AND :e),
  (SELECT sum(kenh_nop = 'truc_tuyen') * 100.0 / nullif(count(*), 0) FROM d
    WHERE tiep_nhan_day BETWEEN :s AND :e),
  (SELECT sum(online) * 100.0 / count(*) FROM (SELECT max(muc_do_dvc >= 3) AS online FROM d
    WHERE tiep_nhan_day BETWEEN :s AND :e
    GROUP BY ma_thu_tuc, CASE WHEN ma_thu_tuc = '' THEN ten_thu_tuc ELSE '' END)),
  (SELECT sum(tra_qua_buu_chinh) * 100.0 / count(*) FROM d WHERE tra_day BETWEEN :s AND :e),
  (SELECT sum(danh_gia IN ('hai_long', 'rat_hai_long')) * 100.0 / nullif(count(danh_gia), 0)
    FROM d WHERE tiep_nhan_day BETWEEN :s AND :e),
  (SELECT sum(phieu_xin_loi) * 100.0 / nullif(count(*), 0) FROM d
    WHERE hen_tra_day BETWEEN :s AND :e AND trang_thai NOT IN ('rut', 'tu_choi')
      AND (tra_day IS NOT NULL OR hen_tra_day < :today)
      AND NOT (tra_day IS NOT NULL AND tra_day <= hen_tra_day)),
  (SELECT sum(kenh_nop = 'truc_tuyen') * 100.0 / nullif(count(*), 0) FROM d
    WHERE tiep_nhan_day BETWEEN :s AND :e AND ma_linh_vuc = 'ho_kinh_doanh')
"""


def bench_kpi(url: str, repeat: int = 3) -> dict[str, Any]:
    """``kpis()`` for 2020 (overall and per field) against the hand-written aggregate."""
    from sqlmodel import Session

    from benchmarks import bench_engine
    from domain.kpi import KPIS
    from storage.kpi_inputs import kpis
    from storage.units import get_unit

    engine = bench_engine(url)
    start, end = dt.date(2020, 1, 1), dt.date(2020, 12, 31)
    with Session(engine) as session:
        uid = get_unit(UNIT, session=session).id or 0
        ours_times, report = [], None
        for _ in range(repeat):
            t = time.perf_counter()
            report = kpis(session=session, unit_id=uid, start=start, end=end, now=NOW)
            ours_times.append(time.perf_counter() - t)
    engine.dispose()
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    params = {"u": uid, "s": "2020-01-01", "e": "2020-12-31", "today": "2021-01-15"}
    base_times, hand = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        hand = conn.execute(_HAND_SQL, params).fetchone()
        base_times.append(time.perf_counter() - t)
    conn.close()
    assert report is not None and hand is not None
    ours_values = [report.kpis[name].overall.value for name in report.kpis]
    agree = all(
        (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)
        for a, b in zip([report.kpis[n].overall.value for n in KPIS], hand, strict=True)
    )
    return {
        "kpi_seconds": min(ours_times),
        "hand_sql_seconds": min(base_times),
        "ratio": min(ours_times) / min(base_times),
        "values_agree": agree,
        "values": dict(zip(report.kpis, ours_values, strict=True)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, default=None)
    args = parser.parse_args()
    tmp = None
    folder = args.folder
    if folder is None:
        tmp = tempfile.TemporaryDirectory()
        folder = Path(tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        imported = bench_import(args.rows, folder)
        print(json.dumps(imported, indent=2))
        print(json.dumps(bench_kpi(imported["database"]), indent=2, default=str))
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
