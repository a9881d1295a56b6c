"""Reading tables users give us (CSV or XLSX) as rows of text with their row numbers.

A table is read within limits, so that a hostile or broken file is refused as problems with
their row (and column) instead of exhausting memory: at most ``MAX_ROWS`` data rows, cells
of at most ``MAX_CELL`` characters, a CSV of at most ``MAX_CSV_BYTES``. An XLSX is streamed
(openpyxl's read-only mode) and reading stops at the first row past the cap.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path

from domain.errors import InvalidInput, NotFoundError, Problem

Rows = list[tuple[int, dict[str, str]]]

MAX_ROWS = 10_000
"""Most data rows in one table (a ward's roster has a few dozen)."""
MAX_CELL = 4_096
"""Most characters in one cell."""
MAX_CSV_BYTES = 16 * 1024 * 1024
"""Largest CSV file read (it is read whole)."""
MAX_XLSX_XML = 16 * 1024 * 1024
"""Largest uncompressed size of an XLSX's sheets and shared strings: openpyxl scans a sheet
whole when it opens it, so a small file of millions of rows is refused before that."""
_BLANK_RUN = 10 * MAX_ROWS
"""XLSX rows read past the cap while they stay blank (formatted but empty rows)."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path, *, max_rows: int = MAX_ROWS) -> tuple[list[str], Rows]:
    """Header and rows of a CSV (UTF-8, comma or semicolon) or XLSX (first sheet) file.

    Row numbers are as a spreadsheet shows them: the header is row 1. More than
    ``max_rows`` data rows, or a cell longer than ``MAX_CELL``, is an ``InvalidInput``.
    """
    if not path.is_file():
        raise NotFoundError("error.file_not_found", path=path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, rows = _read_xlsx(path, max_rows)
    else:
        header, rows = _read_csv(path, max_rows)
    return header, _checked(path, header, rows)


def _problem(path: Path, code: str, row: int, column: str = "", **params: object) -> Problem:
    return Problem(code, file=str(path), row=row, path=column, params=params)


def _unreadable(path: Path, detail: str) -> InvalidInput:
    return InvalidInput([Problem("unreadable", file=str(path), params={"detail": detail})])


def _checked(path: Path, header: list[str], rows: Rows) -> Rows:
    """``rows``, once no cell is longer than ``MAX_CELL``."""
    problems = [
        _problem(path, "cell_too_long", 1, name, limit=MAX_CELL)
        for name in header
        if len(name) > MAX_CELL
    ]
    for n, row in rows:
        problems.extend(
            _problem(path, "cell_too_long", n, name, limit=MAX_CELL)
            for name, value in row.items()
            if len(value) > MAX_CELL
        )
    if problems:
        raise InvalidInput(problems, source=str(path))
    return rows


def _too_many(path: Path, max_rows: int) -> InvalidInput:
    return InvalidInput(
        [_problem(path, "too_many_rows", max_rows + 2, limit=max_rows)], source=str(path)
    )


# --- CSV --------------------------------------------------------------------------------------


class _Lines:
    """The lines of a text as ``csv`` reads them, remembering where each record starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = iter(io.StringIO(text, newline=""))
        self.offset = 0  # just after the last line handed out
        self.record = 0  # where the record being read started

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.offset += len(line)
        return line

    def mark(self) -> None:
        """A record was read whole: the next one starts after it."""
        self.record = self.offset


def _long_field(text: str, start: int, delimiter: str) -> int | None:
    """The index of the first field longer than ``MAX_CELL`` in the record at ``start``."""
    column = length = 0
    quoted = False
    for char in text[start:]:
        if char == '"':
            quoted = not quoted
            continue
        if not quoted and char == delimiter:
            column, length = column + 1, 0
            continue
        if not quoted and char in "\r\n":
            return None
        length += 1
        if length > MAX_CELL:
            return column
    return None


def _read_csv(path: Path, max_rows: int) -> tuple[list[str], Rows]:
    if path.stat().st_size > MAX_CSV_BYTES:
        raise InvalidInput(
            [Problem("csv_too_large", file=str(path), params={"limit": "16 MB"})],
            source=str(path),
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _unreadable(path, f"not UTF-8 at byte {exc.start}") from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    header: list[str] = []
    rows: Rows = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        lines.mark()
        for row, record in enumerate(reader, start=2):
            lines.mark()
            if row > max_rows + 1:
                raise _too_many(path, max_rows)
            rows.append((row, dict(zip(header, (c.strip() for c in record), strict=False))))
    except csv.Error as exc:
        # the csv module refuses a field over its own limit (128 KiB) without saying where
        row = 1 if not header else (rows[-1][0] if rows else 1) + 1
        index = _long_field(text, lines.record, delimiter)
        if index is not None:
            column = header[index] if index < len(header) else f"#{index + 1}"
            problem = _problem(path, "cell_too_long", row, column, limit=MAX_CELL)
        else:
            problem = _problem(path, "unreadable_row", row, detail=str(exc))
        raise InvalidInput([problem], source=str(path)) from exc
    return header, rows


# --- XLSX -------------------------------------------------------------------------------------


def _xml_size(path: Path) -> int:
    """The uncompressed size of the sheets and shared strings of an XLSX file."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(
                info.file_size
                for info in archive.infolist()
                if info.filename.startswith("xl/worksheets/")
                or info.filename == "xl/sharedStrings.xml"
            )
    except (zipfile.BadZipFile, OSError) as exc:
        raise _unreadable(path, str(exc)) from exc


def _read_xlsx(path: Path, max_rows: int) -> tuple[list[str], Rows]:
    from openpyxl import load_workbook

    if _xml_size(path) > MAX_XLSX_XML:
        raise InvalidInput(
            [Problem("xlsx_too_large", file=str(path), params={"limit": "16 MB"})],
            source=str(path),
        )
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _unreadable(path, str(exc)) from exc
    it: Generator[tuple[object, ...], None, None] | None = None
    try:
        it = book.worksheets[0].iter_rows(values_only=True)
        header = [_cell(h).lower() for h in next(it, ())]
        return header, _xlsx_rows(path, header, it, max_rows)
    except InvalidInput:
        raise
    except Exception as exc:  # a damaged sheet is found while streaming it
        raise _unreadable(path, str(exc)) from exc
    finally:
        if it is not None:
            it.close()  # a stream left open at the cap holds the file open
        book.close()


def _xlsx_rows(
    path: Path, header: list[str], it: Iterable[tuple[object, ...]], max_rows: int
) -> Rows:
    rows: Rows = []
    for n, values in enumerate(it, start=2):
        if n > max_rows + 1:
            # past the cap only blank (formatted) rows may follow, and not forever
            if any(v is not None and _cell(v) for v in values) or n > max_rows + _BLANK_RUN:
                raise _too_many(path, max_rows)
            continue
        rows.append((n, dict(zip(header, (_cell(c) for c in values), strict=False))))
    return rows


def check_xlsx_size(path: Path) -> None:
    """Refuse an XLSX file whose sheets would unpack past ``MAX_XLSX_XML`` (a zip bomb) before
    anything opens it; any other file passes."""
    if path.suffix.lower() in (".xlsx", ".xlsm") and _xml_size(path) > MAX_XLSX_XML:
        raise InvalidInput(
            [Problem("xlsx_too_large", file=path.name, params={"limit": "16 MB"})],
            source=path.name,
        )
