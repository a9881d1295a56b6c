"""A roster sent from the browser — "tải lên danh sách cán bộ": the file's bytes read as a
table, then imported as ``cchc officer import`` does (``application.people.import_roster``:
the policy's ``people.edit``, every row checked first, nothing stored when any is wrong, open
work following the new holders).

The reading is this module's ``read_upload``, the one place to point at the shared table
reader once it lives in the application layer (``cchc/tables.py`` is the command line's and
the web may not import it): until then a CSV (UTF-8, comma or semicolon) is read here, within
the same limits, and an XLSX is refused with a hint to save it as CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from application.access import Identity
from application.people import RosterImported, import_roster
from application.uow import UnitOfWork
from domain.errors import CchcError, InvalidInput, Problem
from domain.i18n import Lang

MAX_ROWS = 10_000
MAX_CELL = 4_096
MAX_BYTES = 16 * 1024 * 1024
Rows = list[tuple[int, dict[str, str]]]


class UploadRefused(CchcError):
    """Không đọc được danh sách tải lên. The uploaded roster cannot be read."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key, self.params = key, params
        super().__init__(self.render("en"))

    def render(self, lang: Lang = "vi") -> str:
        from application.messages import t

        return t(self.key, lang, **self.params)


def _fail(
    name: str, code: str, row: int | None = None, column: str = "", **params: object
) -> InvalidInput:
    return InvalidInput(
        [Problem(code, file=name, row=row, path=column, params=params)], source=name
    )


def read_upload(name: str, data: bytes) -> tuple[list[str], Rows]:
    """Header and numbered rows (the header is row 1) of an uploaded table ``name``."""
    if not name or not data:
        raise UploadRefused("roster_upload.missing")
    if name.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise UploadRefused("roster_upload.csv_only", file=name)
    if len(data) > MAX_BYTES:
        raise _fail(name, "csv_too_large", limit="16 MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(name, "unreadable", detail=f"not UTF-8 at byte {exc.start}") from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    csv.field_size_limit(max(MAX_CELL + 1, 131_072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: Rows = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        for n, record in enumerate(reader, start=2):
            if n > MAX_ROWS + 1:
                raise _fail(name, "too_many_rows", MAX_ROWS + 2, limit=MAX_ROWS)
            rows.append((n, dict(zip(header, (c.strip() for c in record), strict=False))))
    except csv.Error as exc:
        raise _fail(name, "unreadable_row", len(rows) + 2, detail=str(exc)) from exc
    problems = [
        Problem("cell_too_long", file=name, row=n, path=column, params={"limit": MAX_CELL})
        for n, cells in [(1, dict.fromkeys(header, "")), *rows]
        for column, value in ({c: c for c in header} if n == 1 else cells).items()
        if len(value) > MAX_CELL
    ]
    if problems:
        raise InvalidInput(problems, source=name)
    return header, rows


def import_upload(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    name: str,
    data: bytes,
    unit: str | None = None,
) -> RosterImported:
    """Import the roster uploaded as ``name``: all or nothing, open work follows. The policy
    (``people.edit``) is asked before the file is read: a refused officer learns nothing of
    it."""
    from application.plans import authorize
    from storage.units import resolve_unit

    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        authorize(session, identity, now, unit_row, "people.edit", entity="officer", key=name)
    header, rows = read_upload(name, data)
    return import_roster(uow, identity, now, header=header, rows=rows, file=name, unit=unit)
