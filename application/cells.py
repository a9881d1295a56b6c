"""Cells of the files the engine writes for people to open — "ô bảng tính": what someone typed
(a name, a title, a file name, an explanation, a document number) is shown as typed, never run.

A spreadsheet runs text that starts with ``=``, ``+``, ``-`` or ``@`` (and a few look-alikes) as
a formula: ``=HYPERLINK(…)`` leaks data, ``=cmd|' /C calc'!A0`` starts a program. Every XLSX
writer builds its rows with :func:`xlsx_row` (text is a string cell, never a formula) and every
CSV writer with :func:`csv_row` (such text gets a leading apostrophe, the OWASP convention that
spreadsheets show as text). Numbers stay numbers. :func:`printable` drops the control characters
XML cannot hold, so an explanation pasted with them still makes a valid DOCX or XLSX."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""What a spreadsheet may read as the start of a formula (full-width forms included)."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters other than
    tab, line feed and carriage return; lone surrogates; U+FFFE, U+FFFF)."""
    return _NOT_XML.sub("", text)


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_value(value: object) -> object:
    """``value`` for a CSV cell: text without control characters, with a leading apostrophe
    when a spreadsheet would run it."""
    if not isinstance(value, str):
        return value
    text = printable(value)
    return "'" + text if looks_like_formula(text) else text


def csv_row(row: Mapping[str, object]) -> dict[str, object]:
    """A ``csv.DictWriter`` row with every value made safe by :func:`csv_value`."""
    return {key: csv_value(value) for key, value in row.items()}


def xlsx_row(sheet: Any, values: Iterable[object]) -> list[object]:
    """The cells to ``sheet.append``: text is a string cell (openpyxl would make a formula of
    ``"=…"``), without control characters, and marked "quote prefix" when it looks like a
    formula, so that editing it in Excel or LibreOffice keeps it text. Other values pass."""
    from openpyxl.cell.cell import Cell

    cells: list[object] = []
    for value in values:
        if not isinstance(value, str):
            cells.append(value)
            continue
        text = printable(value)
        cell = Cell(sheet, value=text)
        cell.data_type = "s"
        if looks_like_formula(text):
            cell.quotePrefix = True
        cells.append(cell)
    return cells
