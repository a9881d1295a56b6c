"""The province benchmark's database: a city's year on PostgreSQL, built once and kept.

``N`` wards × the bundled plan for 2020, materialised (``benchmarks.scheduling.build_city``),
some work done (a third of what was due accepted on time with its documents, a sixth handed in
late), a cluster of 10 wards under a parent of its own, a province officer with the province's
CCHC staff role and a password, and ``M`` one-stop dossiers spread over the wards (written with
``COPY``, not row by row) with apology slips for some late ones.

Building 168 wards and 500,000 dossiers takes minutes, so the finished database is kept in
PostgreSQL itself under a name that says what it holds (``GENERATOR``, wards, dossiers): a run
copies it (``CREATE DATABASE … TEMPLATE``, a file copy), migrates the copy to the newest
revision and works on the copy; the kept one is never touched. A database is only given its
kept name once it is complete, so an interrupted build is built again.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
import zoneinfo
from typing import Any

GENERATOR = 2  # change it whenever what is generated changes: the kept database is rebuilt
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2020, 9, 15, 9, 0, tzinfo=TZ)
PREFIX = "cchc_bench_province"
FIELDS = ("dat_dai", "ho_tich", "chung_thuc", "xay_dung", "ho_kinh_doanh", "lao_dong_tbxh", "khac")
READER = "so.noi.vu@bench.gov.vn"  # the province's CCHC staff: signs in to the page
PASSWORD = "bench-mat-khau-2020"
CLUSTER = "cum-10"  # a parent of 10 wards, itself under the district
COLUMNS = (
    "unit_id", "ma_ho_so", "ma_linh_vuc", "ten_thu_tuc", "ma_thu_tuc", "kenh_nop", "muc_do_dvc",
    "ngay_tiep_nhan", "ngay_hen_tra", "ngay_tra", "tiep_nhan_day", "hen_tra_day", "tra_day",
    "trang_thai", "tra_qua_buu_chinh", "danh_gia", "phieu_xin_loi", "so_lan_bo_sung",
)  # fmt: skip


def kept_name(units: int, dossiers: int) -> str:
    return f"{PREFIX}_g{GENERATOR}_{units}u_{dossiers}d"


def _url(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _exists(admin_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return found is not None


def _sql(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def copy_of_city(admin_url: str, units: int, dossiers: int) -> tuple[str, dict[str, Any]]:
    """A fresh database for one run, a copy of the kept city (built first when missing), at
    the newest revision and analysed; its URL and what it holds (``built_seconds``: 0 when
    the kept database was reused)."""
    from benchmarks import bench_engine
    from storage.migrate import upgrade

    kept = kept_name(units, dossiers)
    built = 0.0
    if not _exists(admin_url, kept):
        start = time.perf_counter()
        building = f"{kept}_building"
        _sql(admin_url, f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
        _sql(admin_url, f'CREATE DATABASE "{building}"')
        build(_url(admin_url, building), units, dossiers)
        _sql(admin_url, f'ALTER DATABASE "{building}" RENAME TO "{kept}"')
        built = time.perf_counter() - start
    name = f"{PREFIX}_run_{uuid.uuid4().hex[:8]}"
    _sql(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{kept}"')
    url = _url(admin_url, name)
    engine = bench_engine(url)
    try:
        upgrade(engine)  # the migrations added since the kept database was built
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
            occurrences = conn.exec_driver_sql("SELECT count(*) FROM occurrence").scalar_one()
            stored = conn.exec_driver_sql("SELECT count(*) FROM dossier").scalar_one()
            evidence = conn.exec_driver_sql("SELECT count(*) FROM evidence").scalar_one()
            top = conn.exec_driver_sql(
                "SELECT p.code FROM unit AS u JOIN unit AS p ON p.id = u.parent_id "
                f"WHERE u.code = '{CLUSTER}'"
            ).scalar_one()
    finally:
        engine.dispose()
    return url, {
        "database": kept,
        "built_seconds": built,
        "units": units,
        "occurrences": occurrences,
        "dossiers": stored,
        "evidence": evidence,
        "top": top,
        "cluster": CLUSTER,
    }


def drop(admin_url: str, url: str) -> None:
    _sql(admin_url, f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def build(url: str, units: int, dossiers: int) -> None:
    """Everything the module docstring lists, on the empty database at ``url``."""
    from sqlalchemy import text

    from benchmarks import bench_engine
    from benchmarks.scheduling import build_city
    from storage.migrate import upgrade

    engine = bench_engine(url)
    try:
        upgrade(engine)
        build_city(engine, units)
        with engine.begin() as conn:
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
            _documents(conn)
            ids = [r[0] for r in conn.execute(text("SELECT id FROM unit WHERE code LIKE 'ward-%'"))]
            parent = conn.execute(
                text("SELECT parent_id FROM unit WHERE code = 'ward-000'")
            ).scalar_one()
            small = conn.execute(
                text(
                    "INSERT INTO unit (code, name, parent_id) "
                    "VALUES (:code, 'Cụm 10 phường', :p) RETURNING id"
                ),
                {"code": CLUSTER, "p": parent},
            ).scalar_one()
            wards = [f"ward-{i:03d}" for i in range(min(10, units))]
            conn.execute(
                text("UPDATE unit SET parent_id = :s WHERE code = ANY(:codes)"),
                {"s": small, "codes": wards},
            )
        _reader(engine, parent)
        copy_dossiers(url, sorted(ids), dossiers)
        with engine.begin() as conn:
            _slips(conn)
    finally:
        engine.dispose()


def _documents(conn: Any) -> None:
    """Documents for the accepted occurrences (each required one, accepted) and for a few
    submitted ones (one document each, waiting for review): one blob for them all."""
    from sqlalchemy import text

    sha = "0" * 64
    conn.execute(
        text(
            "INSERT INTO blob (sha256, size, media_type, stored_at) "
            "VALUES (:sha, 10, 'application/pdf', :now)"
        ),
        {"sha": sha, "now": NOW},
    )
    common = (
        "INSERT INTO evidence (unit_id, occurrence_id, requirement, revision, blob_sha256, "
        "file_name, doc_number, issuer, summary, criteria, status, reason, uploaded_by, "
        "uploaded_at, reviewed_by) "
        "SELECT o.unit_id, o.id, r.name, 1, :sha, 'bao-cao.pdf', '', '', '', '[]', {status}, '', "
        "'bench', o.due_at, '' FROM occurrence AS o "
        "JOIN evidence_requirement AS r ON r.task_id = o.task_id AND r.required "
    )
    conn.execute(
        text(common.format(status="'accepted'") + "WHERE o.status = 'accepted'"), {"sha": sha}
    )
    conn.execute(
        text(
            common.format(status="'pending'")
            + "WHERE o.status = 'submitted' AND r.position = 0 AND o.id % 2 = 0"
        ),
        {"sha": sha},
    )


def _reader(engine: Any, parent_id: int) -> None:
    """The province's CCHC staff officer at the district above the wards, with a password."""
    from sqlmodel import Session

    from application.access import Identity
    from application.appraisal import grant_role
    from application.identity import set_password
    from application.uow import UnitOfWork
    from models import UnitRecord
    from storage.officers import add_officer

    with Session(engine) as session:
        parent = session.get(UnitRecord, parent_id)
        assert parent is not None
        code = parent.code
        add_officer("Sở Nội vụ", READER, session=session, unit_id=parent_id, actor="bench", now=NOW)
        session.commit()
    operator = Identity.operator("bench")
    grant_role(
        UnitOfWork(engine), operator, NOW, unit=code, email=READER, role="province_staff",
        start=dt.date(2020, 1, 1), end=None,
    )  # fmt: skip
    set_password(UnitOfWork(engine), operator, email=READER, password=PASSWORD, now=NOW)


def _rows(unit_ids: list[int], rows: int, seed: int) -> Any:
    """The generated dossiers of 2020 (received in the first 300 days), as ``COLUMNS``."""
    rnd = random.Random(seed)
    start = dt.datetime(2020, 1, 1, 7, 30, tzinfo=TZ)
    statuses, weights = ("da_tra", "dang_xu_ly", "rut"), (90, 7, 3)
    channels = ("truc_tiep", "truc_tuyen", "buu_chinh")
    ratings = (None, "hai_long", "rat_hai_long", "khong_hai_long")
    for i in range(rows):
        received = start + dt.timedelta(minutes=rnd.randrange(0, 300 * 24 * 60))
        due = received + dt.timedelta(days=rnd.randrange(1, 15))
        status = rnd.choices(statuses, weights)[0]
        back = (
            received + dt.timedelta(hours=rnd.randrange(1, 24 * 17)) if status == "da_tra" else None
        )
        procedure = rnd.randrange(120)
        yield (
            unit_ids[i % len(unit_ids)],
            f"HS-{i:08d}",
            FIELDS[procedure % len(FIELDS)],
            f"Thủ tục số {procedure}",
            f"TT{procedure:03d}" if procedure % 3 else "",
            rnd.choice(channels),
            rnd.choice((2, 3, 4)),
            received,
            due,
            back,
            received.date(),
            due.date(),
            back.date() if back else None,
            status,
            rnd.random() < 0.2,
            rnd.choice(ratings),
            rnd.random() < 0.3,
            0,
        )


def copy_dossiers(url: str, unit_ids: list[int], rows: int, seed: int = 11) -> None:
    """``rows`` dossiers spread over ``unit_ids`` with PostgreSQL's ``COPY`` (one stream)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        with conn.cursor() as cur:
            statement = f"COPY dossier ({', '.join(COLUMNS)}) FROM STDIN"
            with cur.copy(statement) as copy:  # type: ignore[arg-type]
                for row in _rows(unit_ids, rows, seed):
                    copy.write_row(row)
        conn.commit()


def _slips(conn: Any) -> None:
    """An apology slip for every tenth dossier settled late (issued a day before its due day)."""
    from sqlalchemy import text

    conn.execute(
        text(
            "INSERT INTO apology_slip (unit_id, dossier_id, issued_on, new_appointment, "
            "recorded_by, recorded_at) "
            "SELECT unit_id, id, hen_tra_day - 1, hen_tra_day + 3, 'bench', :now FROM dossier "
            "WHERE tra_day > hen_tra_day AND id % 10 = 0"
        ),
        {"now": NOW},
    )
