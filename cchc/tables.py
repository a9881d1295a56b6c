"""Reading tables users give us (CSV or XLSX) as rows of text with their row numbers."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from domain.errors import InvalidInput, NotFoundError, Problem

Rows = list[tuple[int, dict[str, str]]]


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


def read_table(path: Path) -> tuple[list[str], Rows]:
    """Header and rows of a CSV (UTF-8, comma or semicolon) or XLSX (first sheet) file.

    Row numbers are as a spreadsheet shows them: the header is row 1.
    """
    if not path.is_file():
        raise NotFoundError("error.file_not_found", path=path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    return _read_csv(path)


def _read_csv(path: Path) -> tuple[list[str], Rows]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            [
                Problem(
                    "unreadable",
                    file=str(path),
                    params={"detail": f"not UTF-8 at byte {exc.start}"},
                )
            ]
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    rows = [
        (n, dict(zip(header, (c.strip() for c in row), strict=False)))
        for n, row in enumerate(reader, start=2)
    ]
    return header, rows


def _read_xlsx(path: Path) -> tuple[list[str], Rows]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InvalidInput(
            [Problem("unreadable", file=str(path), params={"detail": str(exc)})]
        ) from exc
    try:
        sheet = book.worksheets[0]
        it: Iterator[tuple[object, ...]] = sheet.iter_rows(values_only=True)
        header = [_cell(h).lower() for h in next(it, ())]
        rows = [
            (n, dict(zip(header, (_cell(c) for c in row), strict=False)))
            for n, row in enumerate(it, start=2)
        ]
    finally:
        book.close()
    return header, rows
