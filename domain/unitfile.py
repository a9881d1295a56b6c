"""The unit file — "danh sách đơn vị hành chính": one row per unit (code, name, level,
parent, from, to), read whole and checked before anything is stored; every problem is
reported with its row and column."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from domain.errors import InvalidInput, Problem
from domain.names import fold
from domain.units import LEVELS, cycle, level_fits, level_of

MAX_CODE = 64
MAX_NAME = 200
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
COLUMNS = ("code", "name", "level", "parent", "from", "to")
ALIASES = {
    "code": "code",
    "ma": "code",
    "ma don vi": "code",
    "ma dvhc": "code",
    "ma so": "code",
    "name": "name",
    "ten": "name",
    "ten don vi": "name",
    "level": "level",
    "cap": "level",
    "loai": "level",
    "cap hanh chinh": "level",
    "parent": "parent",
    "cap tren": "parent",
    "don vi cap tren": "parent",
    "ma cap tren": "parent",
    "ma don vi cap tren": "parent",
    "truc thuoc": "parent",
    "from": "from",
    "tu ngay": "from",
    "hieu luc tu": "from",
    "valid_from": "from",
    "to": "to",
    "den ngay": "to",
    "hieu luc den": "to",
    "valid_to": "to",
}


@dataclass(frozen=True)
class UnitRow:
    """One checked row of a unit file."""

    row: int
    code: str
    name: str
    level: str | None
    parent: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class Known:
    """A unit already stored, as the file check needs it."""

    code: str
    level: str | None
    parent: str | None


def column_of(title: str) -> str | None:
    """The column a header cell names (``Mã đơn vị`` → ``code``); None when unknown."""
    return ALIASES.get(" ".join(fold(title).replace("_", " ").split())) or ALIASES.get(
        title.strip().lower()
    )


def parse_day(text: str) -> dt.date | None:
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


def control_char(text: str) -> str | None:
    """The first control character of ``text`` (as ``U+0007``), or None."""
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") and char not in "\t":
            return f"U+{ord(char):04X}"
    return None


def read_units(
    header: Sequence[str],
    rows: Sequence[tuple[int, Mapping[str, str]]],
    *,
    file: str,
    known: Mapping[str, Known],
) -> list[UnitRow]:
    """The checked rows of a unit file (``known``: the stored units by code); every problem
    of the file at once as ``InvalidInput``."""
    problems: list[Problem] = []

    def bad(kind: str, row: int, where: str = "", /, **params: object) -> None:
        problems.append(Problem(f"unit_{kind}", file=file, row=row, path=where, params=params))

    names = {title: column_of(title) for title in header}
    for title, column in names.items():
        if column is None and title.strip():
            bad("unknown_column", 1, title, column=title, known=", ".join(COLUMNS))
    present = set(names.values())
    for needed in ("code", "name"):
        if needed not in present:
            bad("missing_column", 1, needed, column=needed)
    if problems:
        raise InvalidInput(problems, source=file)

    out: list[UnitRow] = []
    first_row: dict[str, int] = {}
    for number, raw in rows:
        cells = {col: "" for col in COLUMNS}
        for title, value in raw.items():
            column = names.get(title)
            if column is not None:
                cells[column] = " ".join((value or "").split())
        if not any(cells.values()):
            continue
        for column, value in cells.items():
            char = control_char(value)
            if char:
                bad("control_char", number, column, char=char)
                cells[column] = ""
        code, name, parent = cells["code"], cells["name"], cells["parent"] or None
        if not code:
            bad("code_missing", number, "code")
        elif len(code) > MAX_CODE or not CODE.fullmatch(code):
            bad("bad_code", number, "code", value=code[:MAX_CODE], max=MAX_CODE)
        elif code in first_row:
            bad("duplicate", number, "code", code=code, first=first_row[code])
        else:
            first_row[code] = number
        if not name:
            bad("name_missing", number, "name")
        elif len(name) > MAX_NAME:
            bad("name_too_long", number, "name", max=MAX_NAME)
        level = None
        if cells["level"]:
            level = level_of(cells["level"])
            if level is None:
                bad(
                    "bad_level", number, "level", value=cells["level"][:40], known=", ".join(LEVELS)
                )
        days: dict[str, dt.date | None] = {}
        for column in ("from", "to"):
            days[column] = None
            if cells[column]:
                days[column] = parse_day(cells[column])
                if days[column] is None:
                    bad("bad_date", number, column, value=cells[column][:40])
        start, end = days["from"], days["to"]
        if start and end and end < start:
            bad("ends_before_start", number, "to", start=start, end=end)
        if parent is not None and parent == code:
            bad("own_parent", number, "parent", code=code)
            parent = None
        out.append(UnitRow(number, code, name, level, parent, start, end))
    _check_tree(out, known, bad)
    if problems:
        raise InvalidInput(problems, source=file)
    return out


def _check_tree(
    rows: Sequence[UnitRow], known: Mapping[str, Known], report: Callable[..., None]
) -> None:
    """Parents known, levels that fit, no loop of parents — the file over the stored units."""
    merged: dict[str, Known] = dict(known)
    for r in rows:
        merged[r.code] = Known(
            r.code, r.level or (known[r.code].level if r.code in known else None), r.parent
        )
    for r in rows:
        if r.parent is None or r.parent == r.code:
            continue
        above = merged.get(r.parent)
        if above is None:
            report("unknown_parent", r.row, "parent", parent=r.parent)
            continue
        level = merged[r.code].level
        if not level_fits(above.level, level):
            report(
                "level_under",
                r.row,
                "level",
                code=r.code,
                level=level,
                parent=r.parent,
                parent_level=above.level,
            )
    ids = {code: i for i, code in enumerate(merged)}
    parents = {ids[k.code]: ids.get(k.parent) if k.parent else None for k in merged.values()}
    codes = {v: k for k, v in ids.items()}
    reported: set[int] = set()
    for r in rows:
        loop = cycle(parents, ids[r.code])
        if loop and ids[r.code] in loop and not reported & set(loop):
            reported |= set(loop)
            report("cycle", r.row, "parent", units=" → ".join(codes[i] for i in [*loop, loop[0]]))
