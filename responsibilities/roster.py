"""An officer roster (danh sách cán bộ) as rows: checked all together, nothing half-read.

The roster is a table with the columns name, email, phone, position, scope, from, to
(and optionally kind, acting_for). Readers for CSV and XLSX live at the edge; here
each row is a mapping of column → text with its spreadsheet row number.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from domain.errors import InvalidInput, Problem
from responsibilities.holding import KINDS

COLUMNS = ("name", "email", "phone", "position", "scope", "from", "to", "kind", "acting_for")
REQUIRED = ("name", "email", "position", "from")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class RosterEntry:
    """One checked roster row: an officer and the position they hold."""

    row: int
    name: str
    email: str
    phone: str
    position: str
    start: dt.date
    end: dt.date | None
    kind: str = "holder"
    scope: tuple[str, ...] = ()
    acting_for: str | None = None


def parse_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` or the Vietnamese ``DD/MM/YYYY``; None when neither."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


def split_scope(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[,;\s]+", text) if part.strip())


def read_roster(
    header: Iterable[str],
    rows: Iterable[tuple[int, Mapping[str, str]]],
    *,
    file: str,
    positions: Collection[str],
    areas: Collection[str],
    known_names: Mapping[str, str] | None = None,
) -> list[RosterEntry]:
    """Check every row; return the entries, or raise ``InvalidInput`` listing every bad cell.

    ``known_names`` maps emails already in the database to their names, so a roster
    cannot silently rename an officer.
    """
    problems: list[Problem] = []
    columns = {h.strip().lower() for h in header}
    for column in REQUIRED:
        if column not in columns:
            problems.append(
                Problem(
                    "missing_column",
                    file=file,
                    row=1,
                    params={"column": column, "expected": ", ".join(COLUMNS)},
                )
            )
    if problems:
        raise InvalidInput(problems, source=file)

    names = dict(known_names or {})
    entries: list[RosterEntry] = []

    def bad(row: int, column: str, value: str, expected: str) -> None:
        problems.append(
            Problem(
                "bad_cell",
                file=file,
                row=row,
                path=column,
                params={"column": column, "value": value, "expected": expected},
            )
        )

    for row, raw in rows:
        cell = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(cell.values()):
            continue
        name, email = cell.get("name", ""), cell.get("email", "").lower()
        ok = True
        if not name:
            bad(row, "name", name, "họ tên / a name")
            ok = False
        if not EMAIL.fullmatch(email):
            bad(row, "email", email, "email (ten@phuong.gov.vn)")
            ok = False
        position = cell.get("position", "")
        if position not in positions:
            problems.append(
                Problem(
                    "unknown_position",
                    file=file,
                    row=row,
                    path="position",
                    params={"value": position},
                )
            )
            ok = False
        start = parse_date(cell.get("from", ""))
        if start is None:
            bad(row, "from", cell.get("from", ""), "YYYY-MM-DD | DD/MM/YYYY")
            ok = False
        end = None
        if cell.get("to"):
            end = parse_date(cell["to"])
            if end is None:
                bad(row, "to", cell["to"], "YYYY-MM-DD | DD/MM/YYYY")
                ok = False
            elif start is not None and end < start:
                problems.append(
                    Problem(
                        "end_before_start",
                        file=file,
                        row=row,
                        path="to",
                        params={"to": end, "start": start},
                    )
                )
                ok = False
        kind = cell.get("kind") or "holder"
        if kind not in KINDS:
            bad(row, "kind", kind, " | ".join(KINDS))
            ok = False
        scope = split_scope(cell.get("scope", ""))
        for code in scope:
            if code not in areas:
                bad(row, "scope", code, "mã lĩnh vực / area code: " + ", ".join(sorted(areas)))
                ok = False
        acting_for = cell.get("acting_for", "").lower() or None
        if acting_for is not None and not EMAIL.fullmatch(acting_for):
            bad(row, "acting_for", acting_for, "email")
            ok = False
        if email and name and EMAIL.fullmatch(email):
            other = names.setdefault(email, name)
            if other != name:
                problems.append(
                    Problem(
                        "conflicting_officer",
                        file=file,
                        row=row,
                        path="name",
                        params={"email": email, "other": other},
                    )
                )
                ok = False
        if ok and start is not None:
            entries.append(
                RosterEntry(
                    row,
                    name,
                    email,
                    cell.get("phone", ""),
                    position,
                    start,
                    end,
                    kind,
                    scope,
                    acting_for,
                )
            )
    for entry in entries:
        if entry.acting_for and entry.acting_for not in names:
            bad(
                entry.row,
                "acting_for",
                entry.acting_for,
                "email của cán bộ trong danh sách / an officer's email",
            )
    if problems:
        raise InvalidInput(problems, source=file)
    if not entries:
        raise InvalidInput([Problem("empty_table", file=file, row=2)], source=file)
    return entries
