"""Dossier exports into the database (spec: shared/specs/dossiers.md), and manual measurements.

Importing streams the file twice — once to check every row (:func:`check_file`), once to
write (:func:`write_file`) — so memory stays flat with file size and a file with any bad row
writes nothing. Times without an offset are wall times in the time zone of the unit each row
names (its plan's). Who may import, and the transaction around it, belong to
``application.dossiers``; the KPIs over the table are in ``storage.kpi_inputs``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from domain.clock import DEFAULT_TIMEZONE
from domain.dossier_columns import Vocabulary
from domain.dossiers import (
    DossierFileInvalid,
    DossierRow,
    RowParser,
    is_blank,
    match_header,
)
from domain.dossiers import text as text_of
from domain.errors import InvalidInput, NotFoundError, Problem
from models import Dossier, Measurement, PlanRecord, UnitRecord
from storage.audit import record

MAX_PROBLEMS = 1_000
BATCH = 5_000
DOSSIERS: Table = Dossier.__table__  # type: ignore[attr-defined]
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
    "ngay_co_ket_qua",
    "co_ket_qua_day",
)


# --- the units an export may name ---------------------------------------------------------


@dataclass(frozen=True)
class Units:
    """The units rows may name: their ids and time zones (a unit's latest plan's; the plan
    format's default for a unit with no plan yet, as ``storage.plans.unit_timezone``)."""

    ids: Mapping[str, int]
    zones: Mapping[str, str]

    def timezone(self, code: str) -> str:
        return self.zones.get(code, DEFAULT_TIMEZONE)

    def zone(self, code: str) -> dt.tzinfo:
        return zoneinfo.ZoneInfo(self.timezone(code))


def known_units(*, session: Session) -> Units:
    ids = {
        code: uid for code, uid in session.execute(select(col(UnitRecord.code), col(UnitRecord.id)))
    }
    zones: dict[str, str] = {}
    latest_first = (
        select(col(UnitRecord.code), col(PlanRecord.timezone))
        .join(PlanRecord, col(PlanRecord.unit_id) == col(UnitRecord.id))
        .order_by(col(PlanRecord.year).desc(), col(PlanRecord.id).desc())
    )
    for code, timezone in session.execute(latest_first):
        zones.setdefault(code, timezone or DEFAULT_TIMEZONE)
    return Units(ids, zones)


# --- reading the file ------------------------------------------------------------------


@contextmanager
def open_table(
    path: Path,
) -> Iterator[tuple[Sequence[object], Iterator[tuple[int, Sequence[object]]]]]:
    """The header and an iterator of (spreadsheet row number, cells), read lazily: the first
    sheet of an XLSX workbook, or a CSV file (UTF-8 with or without BOM, comma or semicolon)."""
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
            raise InvalidInput([not_utf8(path, 1, exc)]) from exc
        f.seek(0)
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(f, delimiter=delimiter)
        header = _guarded(reader, path, header=(), delimiter=delimiter)
        yield header, _records(reader, path, header, delimiter)


def _guarded(
    reader: Any, path: Path, *, header: Sequence[object], delimiter: str, row: int = 1
) -> list[str]:
    """The next record of ``reader`` ([] at the end), or the csv module's error (a field
    over its 128 KiB limit) as a problem located at ``row``."""
    line = reader.line_num
    try:
        return list(next(reader, []))
    except csv.Error as exc:
        column = _long_field(path, line, delimiter)
        if column is None:
            problem = Problem(
                "unreadable_row", file=str(path), row=row, params={"detail": str(exc)}
            )
        else:
            name = text_of(header[column]) if column < len(header) else f"#{column + 1}"
            problem = Problem(
                "cell_too_long",
                file=str(path),
                row=row,
                path=name,
                params={"limit": csv.field_size_limit()},
            )
        raise InvalidInput([problem], source=str(path)) from exc


def _records(
    reader: Any, path: Path, header: Sequence[object], delimiter: str
) -> Iterator[tuple[int, Sequence[object]]]:
    row = 2
    while cells := _guarded(reader, path, header=header, delimiter=delimiter, row=row):
        yield row, cells
        row += 1


def _long_field(path: Path, after_line: int, delimiter: str) -> int | None:
    """Which field of the record starting after physical line ``after_line`` is over the csv
    module's limit (quotes followed), or None."""
    limit = csv.field_size_limit()
    with path.open(encoding="utf-8-sig", newline="") as f:
        for _ in range(after_line):
            f.readline()
        column = length = 0
        quoted = False
        while chunk := f.read(1 << 16):
            for char in chunk:
                if char == '"':
                    quoted = not quoted
                elif not quoted and char == delimiter:
                    column, length = column + 1, 0
                elif not quoted and char in "\r\n":
                    return None
                else:
                    length += 1
                    if length > limit:
                        return column
    return None


def not_utf8(path: Path, row: int, exc: UnicodeDecodeError) -> Problem:
    return Problem(
        "unreadable", file=str(path), row=row, params={"detail": f"not UTF-8 ({exc.reason})"}
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _rows(
    path: Path, *, units: Units, only: str | None, file: str, vocabulary: Vocabulary | None
) -> Iterator[tuple[DossierRow | None, list[Problem]]]:
    """Every non-blank row of the file, parsed in the time zone of the unit it names; a
    missing column stops before any row. With ``only``, a row of another unit is a problem.
    With ``vocabulary``, headers and labels may be its words (Vietnamese) as well as codes."""
    with open_table(path) as (header, body):
        index, missing = match_header(
            header, file=file, name_of=vocabulary.column if vocabulary else None
        )
        if missing:
            raise DossierFileInvalid(missing)
        parsers: dict[str, RowParser] = {}

        def parser(code: str) -> RowParser:
            zone = units.timezone(code)
            if zone not in parsers:
                parsers[zone] = RowParser(
                    index,
                    file=file,
                    units=units.ids,
                    tz=units.zone(code),
                    translate=vocabulary.translate if vocabulary else None,
                )
            return parsers[zone]

        first = parser(only or next(iter(units.zones), ""))
        n = 1
        try:
            for n, cells in body:
                if not any(cells):
                    continue
                parsed, found = first(cells, n)
                if found and is_blank(cells):
                    continue
                if parsed is not None and parser(parsed.ma_don_vi) is not first:
                    parsed, found = parser(parsed.ma_don_vi)(cells, n)
                if parsed is not None and only is not None and parsed.ma_don_vi != only:
                    found = [_other_unit(parsed.ma_don_vi, only, file, n)]
                    parsed = None
                yield parsed, found
        except UnicodeDecodeError as exc:
            yield None, [not_utf8(path, n + 1, exc)]


def _other_unit(code: str, only: str, file: str, row: int) -> Problem:
    return Problem(
        "dossier_other_unit",
        file=file,
        row=row,
        path="ma_don_vi",
        params={"value": code, "unit": only},
    )


# --- importing -------------------------------------------------------------------------


def check_file(
    path: Path, *, units: Units, only: str | None = None, vocabulary: Vocabulary | None = None
) -> list[str]:
    """The first pass: every row checked; the units the file names, in order of appearance.

    Raises :class:`DossierFileInvalid` with every problem (the first ``MAX_PROBLEMS``, then a
    count of the rest).
    """
    file = str(path)
    problems: list[Problem] = []
    named: dict[str, None] = {}
    more = 0
    for parsed, found in _rows(path, units=units, only=only, file=file, vocabulary=vocabulary):
        if parsed is not None:
            named.setdefault(parsed.ma_don_vi)
        for problem in found:
            if len(problems) < MAX_PROBLEMS:
                problems.append(problem)
            else:
                more += 1
    if problems:
        raise DossierFileInvalid(problems, source=file, more=more)
    return list(named)


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
        "ngay_co_ket_qua": row.ngay_co_ket_qua,
        "co_ket_qua_day": row.co_ket_qua_day,
    }


def write_file(
    path: Path,
    *,
    session: Session,
    units: Units,
    only: str | None = None,
    batch: int = BATCH,
    vocabulary: Vocabulary | None = None,
) -> tuple[int, int]:
    """The second pass over a checked file: upsert every row by unit + ``ma_ho_so``, in
    batches, in the caller's transaction, then count the units' dossiers by month again
    (``storage.dossier_tally``); (rows written, dossiers created)."""
    from storage.dossier_tally import refresh

    file = str(path)
    conn = session.connection()
    stmt = _upsert_statement(conn.dialect.name)
    count = select(func.count()).select_from(DOSSIERS)
    before = conn.execute(count).scalar_one()
    rows = 0
    pending: list[dict[str, Any]] = []
    written: set[int] = set()
    for parsed, found in _rows(path, units=units, only=only, file=file, vocabulary=vocabulary):
        if found or parsed is None:  # the file changed between the passes
            raise DossierFileInvalid(found, source=file)
        written.add(units.ids[parsed.ma_don_vi])
        pending.append(_values(parsed, units.ids[parsed.ma_don_vi]))
        if len(pending) >= batch:
            conn.execute(stmt, pending)
            rows += len(pending)
            pending = []
    if pending:
        conn.execute(stmt, pending)
        rows += len(pending)
    refresh(written, session=session)  # the monthly counts the province's ranking reads
    return rows, conn.execute(count).scalar_one() - before


# --- finding a dossier ---------------------------------------------------------------


def find_dossier(ma_ho_so: str, *, session: Session, unit_id: int) -> Dossier:
    row = session.exec(
        orm_select(Dossier).where(Dossier.unit_id == unit_id, Dossier.ma_ho_so == ma_ho_so)
    ).first()
    if row is None:
        raise NotFoundError("error.dossier_not_found", id=ma_ho_so)
    return row


# --- manual measurements ----------------------------------------------------------


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
