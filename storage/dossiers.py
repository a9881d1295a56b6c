"""Dossier exports into the database, KPIs out of it, and manual measurements.

Importing streams the file twice — once to check every row, once to write — so memory stays
flat with file size and a file with any bad row writes nothing. KPIs are SQL aggregates over
the ``dossier`` table (spec: shared/specs/dossiers.md); the arithmetic lives in ``domain.kpi``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, and_, case, func, or_, select
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from domain.dossiers import (
    EXCLUDED_STATUSES,
    DossierFileInvalid,
    DossierRow,
    RowParser,
    is_blank,
    local_day,
    match_header,
)
from domain.errors import InvalidInput, NotFoundError, Problem
from domain.kpi import HOUSEHOLD_BUSINESS, KPIS, Kpi, Rate, TargetResult
from domain.kpi import evaluate_kpi as _evaluate_kpi
from domain.kpi import evaluate_manual as _evaluate_manual
from domain.plan import Plan
from models import Dossier, Measurement, UnitRecord
from storage.audit import record

MAX_PROBLEMS = 1_000
BATCH = 5_000
DOSSIERS: Table = Dossier.__table__  # type: ignore[attr-defined]
_T = DOSSIERS.c
_UPDATED_COLUMNS = (
    "ma_linh_vuc",
    "ten_thu_tuc",
    "ma_thu_tuc",
    "kenh_nop",
    "muc_do_dvc",
    "ngay_tiep_nhan",
    "ngay_hen_tra",
    "ngay_tra",
    "tiep_nhan_day",
    "hen_tra_day",
    "tra_day",
    "trang_thai",
    "tra_qua_buu_chinh",
    "danh_gia",
    "phieu_xin_loi",
    "so_lan_bo_sung",
)


# --- reading the file ------------------------------------------------------------------


@contextmanager
def _table(path: Path) -> Iterator[tuple[Sequence[object], Iterator[tuple[int, Sequence[object]]]]]:
    """The header and an iterator of (spreadsheet row number, cells), read lazily."""
    if not path.is_file():
        raise NotFoundError("error.file_not_found", path=path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise InvalidInput(
                [Problem("unreadable", file=str(path), params={"detail": str(exc)})]
            ) from exc
        try:
            rows = book.worksheets[0].iter_rows(values_only=True)
            header = next(rows, ())
            yield header, enumerate(rows, start=2)
        finally:
            book.close()
        return
    with path.open(encoding="utf-8-sig", newline="") as f:
        try:
            first = f.readline()
        except UnicodeDecodeError as exc:
            raise InvalidInput([_not_utf8(path, 1, exc)]) from exc
        f.seek(0)
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader, [])
        yield header, enumerate(reader, start=2)


def _not_utf8(path: Path, row: int, exc: UnicodeDecodeError) -> Problem:
    return Problem(
        "unreadable", file=str(path), row=row, params={"detail": f"not UTF-8 ({exc.reason})"}
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _rows(
    path: Path, *, units: Mapping[str, int], file: str
) -> Iterator[tuple[DossierRow | None, list[Problem]]]:
    """Every non-blank row of the file, parsed; a missing column stops before any row."""
    with _table(path) as (header, body):
        index, missing = match_header(header, file=file)
        if missing:
            raise DossierFileInvalid(missing)
        parse = RowParser(index, file=file, units=units)
        n = 1
        try:
            for n, cells in body:
                if not any(cells):
                    continue
                parsed, found = parse(cells, n)
                if found and is_blank(cells):
                    continue
                yield parsed, found
        except UnicodeDecodeError as exc:
            yield None, [_not_utf8(path, n + 1, exc)]


# --- importing -------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    """What one import did."""

    file: str
    rows: int
    created: int
    updated: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "sha256": self.sha256,
        }


def _upsert_statement(dialect: str) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(DOSSIERS)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(DOSSIERS)
    return stmt.on_conflict_do_update(
        index_elements=["unit_id", "ma_ho_so"],
        set_={name: stmt.excluded[name] for name in _UPDATED_COLUMNS},
    )


def _values(row: DossierRow, unit_id: int) -> dict[str, Any]:
    return {
        "unit_id": unit_id,
        "ma_ho_so": row.ma_ho_so,
        "ma_linh_vuc": row.ma_linh_vuc,
        "ten_thu_tuc": row.ten_thu_tuc,
        "ma_thu_tuc": row.ma_thu_tuc,
        "kenh_nop": row.kenh_nop,
        "muc_do_dvc": row.muc_do_dvc,
        "ngay_tiep_nhan": row.ngay_tiep_nhan,
        "ngay_hen_tra": row.ngay_hen_tra,
        "ngay_tra": row.ngay_tra,
        "tiep_nhan_day": row.tiep_nhan_day,
        "hen_tra_day": row.hen_tra_day,
        "tra_day": row.tra_day,
        "trang_thai": row.trang_thai,
        "tra_qua_buu_chinh": row.tra_qua_buu_chinh,
        "danh_gia": row.danh_gia,
        "phieu_xin_loi": row.phieu_xin_loi,
        "so_lan_bo_sung": row.so_lan_bo_sung,
    }


def import_dossiers(
    path: Path, *, engine: Engine, actor: str, now: dt.datetime, batch: int = BATCH
) -> ImportReport:
    """Import a dossier export (CSV or XLSX), all or nothing; idempotent by unit + ``ma_ho_so``.

    The first pass checks every row and raises :class:`DossierFileInvalid` with every problem
    (the first ``MAX_PROBLEMS``, then a count); only a clean file is read again and written,
    in batches, in one transaction with one audit entry.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    file = str(path)
    with Session(engine) as session:
        units: dict[str, int] = {
            code: uid
            for code, uid in session.execute(select(col(UnitRecord.code), col(UnitRecord.id)))
        }

    problems: list[Problem] = []
    more = 0
    for _, found in _rows(path, units=units, file=file):
        for problem in found:
            if len(problems) < MAX_PROBLEMS:
                problems.append(problem)
            else:
                more += 1
    if problems:
        raise DossierFileInvalid(problems, source=file, more=more)

    digest = _sha256(path)
    with Session(engine) as session:
        try:
            conn = session.connection()
            stmt = _upsert_statement(engine.dialect.name)
            count = select(func.count()).select_from(DOSSIERS)
            before = conn.execute(count).scalar_one()
            rows = 0
            pending: list[dict[str, Any]] = []
            for parsed, found in _rows(path, units=units, file=file):
                if found or parsed is None:  # the file changed between the passes
                    raise DossierFileInvalid(found, source=file)
                pending.append(_values(parsed, units[parsed.ma_don_vi]))
                if len(pending) >= batch:
                    conn.execute(stmt, pending)
                    rows += len(pending)
                    pending = []
            if pending:
                conn.execute(stmt, pending)
                rows += len(pending)
            created = conn.execute(count).scalar_one() - before
            report = ImportReport(
                file=path.name, rows=rows, created=created, updated=rows - created, sha256=digest
            )
            record(
                session=session,
                actor=actor,
                now=now,
                action="import",
                entity="dossier_file",
                key=path.name,
                after=report.as_dict(),
            )
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return report


# --- KPIs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiReport:
    """Every KPI of the spec for one unit over ``start``..``end`` (inclusive) as of ``now``."""

    unit_id: int
    start: dt.date
    end: dt.date
    now: dt.datetime
    kpis: Mapping[str, Kpi]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "now": self.now.isoformat(),
            "kpis": {name: self.kpis[name].as_dict() for name in KPIS},
        }


def _due_filter(unit_id: int, start: dt.date, end: dt.date, today: dt.date) -> Any:
    """Due in P: appointment day in P, not withdrawn or refused, returned or appointment past."""
    return and_(
        _T.unit_id == unit_id,
        _T.hen_tra_day.between(start, end),
        _T.trang_thai.not_in(EXCLUDED_STATUSES),
        or_(_T.tra_day.is_not(None), _T.hen_tra_day < today),
    )


def _on_time() -> Any:
    return and_(_T.tra_day.is_not(None), _T.tra_day <= _T.hen_tra_day)


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _aware(now: dt.datetime) -> dt.date:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return local_day(now)


def kpis(
    *,
    session: Session,
    unit_id: int,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    fields: bool = True,
) -> KpiReport:
    """All the spec's KPIs, overall and per field (``ma_linh_vuc``), with SQL aggregates.

    Two queries: one pass over the dossiers received, due or returned in the period, counting
    with CASE per field; and the distinct procedures received (a few hundred groups).
    """
    today = _aware(now)
    conn = session.connection()
    field_col = _T.ma_linh_vuc
    due = and_(
        _T.hen_tra_day.between(start, end),
        _T.trang_thai.not_in(EXCLUDED_STATUSES),
        or_(_T.tra_day.is_not(None), _T.hen_tra_day < today),
    )
    received = _T.tiep_nhan_day.between(start, end)
    returned = _T.tra_day.between(start, end)
    counts = conn.execute(
        select(
            field_col,
            _count(due),  # 1
            _count(and_(due, _on_time())),  # 2
            _count(and_(due, ~_on_time(), _T.phieu_xin_loi)),  # 3
            _count(received),  # 4
            _count(and_(received, _T.kenh_nop == "truc_tuyen")),  # 5
            _count(and_(received, _T.muc_do_dvc >= 3)),  # 6
            _count(and_(received, _T.danh_gia.is_not(None))),  # 7
            _count(and_(received, _T.danh_gia.in_(("hai_long", "rat_hai_long")))),  # 8
            _count(returned),  # 9
            _count(and_(returned, _T.tra_qua_buu_chinh)),  # 10
        )
        .where(_T.unit_id == unit_id, or_(received, _T.hen_tra_day.between(start, end), returned))
        .group_by(field_col)
    ).all()
    # a procedure is its code when given, else its name; online if any dossier says 3 or 4
    procedures = conn.execute(
        select(field_col, _T.ma_thu_tuc, _T.ten_thu_tuc, func.max(_T.muc_do_dvc))
        .where(_T.unit_id == unit_id, received)
        .group_by(field_col, _T.ma_thu_tuc, _T.ten_thu_tuc)
    ).all()
    online_procedures: dict[tuple[str, str], bool] = {}
    field_procedures: dict[tuple[str, str, str], bool] = {}
    for fcode, code, name, level in procedures:
        key = (code, "") if code else ("", name)
        online = int(level) >= 3
        online_procedures[key] = online_procedures.get(key, False) or online
        field_procedures[(fcode, *key)] = field_procedures.get((fcode, *key), False) or online
    by_field_procedures: dict[str, Rate] = {}
    for (fcode, _, _), online in field_procedures.items():
        by_field_procedures[fcode] = by_field_procedures.get(fcode, Rate()) + Rate(int(online), 1)

    def per_field(num: int, den: int) -> dict[str, Rate]:
        return {r[0]: Rate(int(r[num]), int(r[den])) for r in counts if r[den] or r[num]}

    tables: dict[str, dict[str, Rate]] = {
        "on_time_rate": per_field(2, 1),
        "online_rate": per_field(5, 6),
        "online_procedure_share": by_field_procedures,
        "postal_return_rate": per_field(10, 9),
        "satisfaction_rate": per_field(8, 7),
        "apology_coverage": {
            r[0]: Rate(int(r[3]), int(r[1]) - int(r[2])) for r in counts if int(r[1]) > int(r[2])
        },
    }
    known = sorted(r[0] for r in counts)
    out: dict[str, Kpi] = {}
    for name, table in tables.items():
        overall = sum(table.values(), Rate())
        if name == "online_procedure_share":
            overall = Rate(sum(online_procedures.values()), len(online_procedures))
        out[name] = Kpi(name, overall, {f: table.get(f, Rate()) for f in known} if fields else {})
    household = next((r for r in counts if r[0] == HOUSEHOLD_BUSINESS), None)
    out["household_business_online_rate"] = Kpi(
        "household_business_online_rate",
        Rate(int(household[5]), int(household[4])) if household else Rate(),
    )
    return KpiReport(unit_id=unit_id, start=start, end=end, now=now, kpis=out)


@dataclass(frozen=True)
class LateDossier:
    """A late dossier due in the period with no apology slip (Mẫu 04) issued."""

    ma_ho_so: str
    ma_linh_vuc: str
    ten_thu_tuc: str
    ngay_tiep_nhan: dt.datetime
    ngay_hen_tra: dt.datetime
    ngay_tra: dt.datetime | None
    days_late: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "ma_ho_so": self.ma_ho_so,
            "ma_linh_vuc": self.ma_linh_vuc,
            "ten_thu_tuc": self.ten_thu_tuc,
            "ngay_tiep_nhan": self.ngay_tiep_nhan.isoformat(),
            "ngay_hen_tra": self.ngay_hen_tra.isoformat(),
            "ngay_tra": None if self.ngay_tra is None else self.ngay_tra.isoformat(),
            "days_late": self.days_late,
        }


def late_without_apology(
    *, session: Session, unit_id: int, start: dt.date, end: dt.date, now: dt.datetime
) -> list[LateDossier]:
    """Late dossiers due in the period without an apology slip, earliest appointment first."""
    today = _aware(now)
    rows = session.exec(
        orm_select(Dossier)
        .where(_due_filter(unit_id, start, end, today), ~_on_time(), ~_T.phieu_xin_loi)
        .order_by(_T.hen_tra_day, _T.ma_ho_so)
    ).all()
    out = []
    for d in rows:
        last = d.tra_day if d.tra_day is not None else today
        out.append(
            LateDossier(
                ma_ho_so=d.ma_ho_so,
                ma_linh_vuc=d.ma_linh_vuc,
                ten_thu_tuc=d.ten_thu_tuc,
                ngay_tiep_nhan=d.ngay_tiep_nhan,
                ngay_hen_tra=d.ngay_hen_tra,
                ngay_tra=d.ngay_tra,
                days_late=(last - d.hen_tra_day).days,
            )
        )
    return out


def find_dossier(ma_ho_so: str, *, session: Session, unit_id: int) -> Dossier:
    row = session.exec(
        orm_select(Dossier).where(Dossier.unit_id == unit_id, Dossier.ma_ho_so == ma_ho_so)
    ).first()
    if row is None:
        raise NotFoundError("error.dossier_not_found", id=ma_ho_so)
    return row


# --- manual measurements and targets ----------------------------------------------------


def record_measurement(
    code: str,
    value: float,
    *,
    session: Session,
    unit_id: int,
    year: int,
    note: str = "",
    actor: str,
    now: dt.datetime,
) -> Measurement:
    """Set the number for ``code`` (a manual target) in ``year``; one per unit + year + code."""
    current = session.exec(
        orm_select(Measurement).where(
            Measurement.unit_id == unit_id, Measurement.year == year, Measurement.code == code
        )
    ).first()
    before = None if current is None else {"value": current.value, "note": current.note}
    if current is None:
        current = Measurement(unit_id=unit_id, year=year, code=code, value=value, recorded_at=now)
    current.value = value
    current.note = note
    current.recorded_by = actor
    current.recorded_at = now
    session.add(current)
    session.flush()
    record(
        session=session,
        actor=actor,
        now=now,
        action="create" if before is None else "update",
        entity="measurement",
        key=f"{year}:{code}",
        unit_id=unit_id,
        before=before,
        after={"value": value, "note": note},
    )
    return current


def measurements(*, session: Session, unit_id: int, year: int | None = None) -> list[Measurement]:
    query = orm_select(Measurement).where(Measurement.unit_id == unit_id)
    if year is not None:
        query = query.where(Measurement.year == year)
    return list(session.exec(query.order_by(col(Measurement.year), col(Measurement.code))).all())


@dataclass(frozen=True)
class TargetLine:
    """A plan target with its verdict, for reports."""

    title: str
    title_en: str
    result: TargetResult
    scope: Mapping[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.result.as_dict(),
            "title": self.title,
            "title_en": self.title_en,
            "scope": dict(self.scope),
        }


def target_results(
    plan: Plan, report: KpiReport, measured: Mapping[str, float]
) -> list[TargetLine]:
    """Each plan target met / not met / no data: KPI targets from the report, manual ones
    from ``measured`` (measurement code = target code)."""
    out = []
    for target in plan.targets:
        if target.metric == "manual":
            result = _evaluate_manual(target, measured.get(target.code))
        else:
            result = _evaluate_kpi(target, report.kpis[target.metric])
        out.append(TargetLine(target.title, target.title_en, result, dict(target.scope)))
    return out
