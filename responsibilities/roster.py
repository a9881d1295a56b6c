"""An officer roster (danh sách cán bộ) as rows: checked all together, nothing half-read.

The roster is a table with the columns name, email, phone, position, scope, from, to
(and optionally kind, acting_for). Readers for CSV and XLSX live at the edge; here
each row is a mapping of column → text with its spreadsheet row number.

Cells are cleaned the same way whatever database stores them: line breaks, tabs and other
white space (Alt+Enter in Excel) become single spaces; any other control character (NUL,
ESC …) is refused. Rows are then checked against each other:

* a position has one appointed holder (``kind`` holder) at a time for each area: two holder
  rows of the same position whose dates overlap are refused unless their scopes split the
  areas — both scoped with no area in common, or one scoped and the other not (the scoped
  holder answers for its areas, the other for the rest). The chairman is never shared, so
  two chairmen at once are refused whatever their scopes;
* one person has one row per position at a time, whatever the kind;
* nobody acts for themself.

Acting and delegated rows stand in beside the holder and may overlap it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from domain.errors import InvalidInput, Problem
from responsibilities.holding import KINDS
from responsibilities.policy import CHAIRMAN

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


_BREAKS = frozenset("\t\n\x0b\x0c\r\x85")  # the control characters that are white space


def clean_cell(text: str) -> tuple[str, str | None]:
    """``text`` with each run of white space (line breaks, tabs) as one space, and the first
    other control character (as ``U+0000``) when there is one: such a cell is refused."""
    for char in text:
        if char not in _BREAKS and unicodedata.category(char) == "Cc":
            return text, f"U+{ord(char):04X}"
    return " ".join(text.split()), None


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
        cell: dict[str, str] = {}
        refused = False
        for key, value in raw.items():
            if not key:
                continue
            column = key.strip().lower()
            cell[column], char = clean_cell(value or "")
            if char is not None:
                refused = True
                problems.append(
                    Problem(
                        "control_character",
                        file=file,
                        row=row,
                        path=column,
                        params={"char": char},
                    )
                )
        if refused or not any(cell.values()):
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
    problems.extend(_conflicts(entries, file))
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


# --- rows checked against each other ----------------------------------------------------------


def _overlap(a: RosterEntry, b: RosterEntry) -> bool:
    """Whether the dates of ``a`` and ``b`` share a day (an empty ``to`` runs on)."""
    return (b.end is None or a.start <= b.end) and (a.end is None or b.start <= a.end)


def _same_areas(a: RosterEntry, b: RosterEntry) -> bool:
    """Whether two holders of a position would answer for the same area."""
    if a.position == CHAIRMAN or (not a.scope and not b.scope):
        return True
    return bool(a.scope and b.scope and set(a.scope) & set(b.scope))


def _conflicts(entries: list[RosterEntry], file: str) -> list[Problem]:
    """Two holders at once, one person's overlapping rows and self-acting, each at its row.

    Rows are taken in order of their start; each is compared with the earlier rows still
    running, and one found conflict is enough for a row."""
    problems: list[Problem] = []
    for entry in entries:
        if entry.acting_for is not None and entry.acting_for == entry.email:
            problems.append(
                Problem(
                    "acting_for_self",
                    file=file,
                    row=entry.row,
                    path="acting_for",
                    params={"email": entry.email},
                )
            )
    running: dict[str, list[RosterEntry]] = {}
    for entry in sorted(entries, key=lambda e: (e.start, e.row)):
        earlier = running.setdefault(entry.position, [])
        earlier[:] = [e for e in earlier if e.end is None or e.end >= entry.start]
        problem = _conflict(entry, earlier, file)
        if problem is None:
            earlier.append(entry)
        else:
            problems.append(problem)
    return problems


def clash(entry: RosterEntry, other: RosterEntry) -> str | None:
    """The rule two holdings of one position break together: ``overlapping_rows`` (one
    person twice at once), ``two_chairmen`` or ``two_holders`` (two holders of the same
    areas at once); None when they may both stand."""
    if not _overlap(entry, other):
        return None
    if other.email == entry.email:
        return "overlapping_rows"
    if entry.kind == other.kind == "holder" and _same_areas(entry, other):
        return "two_chairmen" if entry.position == CHAIRMAN else "two_holders"
    return None


def holding_conflict(
    entry: RosterEntry, recorded: Iterable[RosterEntry]
) -> tuple[str, RosterEntry | None] | None:
    """The rule a single new holding breaks against the holdings of its position already
    recorded — the roster's rules, one row at a time: ``acting_for_self`` (with no other
    holding), else the first :func:`clash` and the holding it clashes with; None if none."""
    if entry.acting_for is not None and entry.acting_for == entry.email:
        return "acting_for_self", None
    for other in recorded:
        rule = clash(entry, other)
        if rule is not None:
            return rule, other
    return None


def _conflict(entry: RosterEntry, earlier: list[RosterEntry], file: str) -> Problem | None:
    for other in earlier:
        rule = clash(entry, other)
        if rule is None:
            continue
        if rule == "overlapping_rows":
            return Problem(
                "overlapping_rows",
                file=file,
                row=entry.row,
                path="from",
                params={"email": entry.email, "position": entry.position, "first": other.row},
            )
        return Problem(
            rule,
            file=file,
            row=entry.row,
            path="position",
            params={"position": entry.position, "other": other.name, "first": other.row},
        )
    return None
