"""One exception hierarchy for everything a user can cause.

Each class docstring is its default message. Errors about an input carry every
problem found in it (``Problem``), each with where, what and a hint, so a user fixes
a file in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from domain.i18n import Lang, has, t


@dataclass(frozen=True)
class Problem:
    """One defect in an input, located as precisely as the input allows.

    ``code`` names the kind of defect and selects the message in the catalogue;
    ``params`` fill it in. ``line``/``column`` are 1-based (files); ``row`` is the
    row number as a spreadsheet shows it (tables).
    """

    code: str
    path: str = ""
    file: str = ""
    line: int | None = None
    column: int | None = None
    row: int | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: Lang = "vi") -> str:
        return t(f"problem.{self.code}", lang, **self.params)

    def hint(self, lang: Lang = "vi") -> str | None:
        key = f"hint.{self.code}"
        return t(key, lang, **self.params) if has(key) else None

    def where(self) -> str:
        if self.row is not None:
            place = f"{self.file}:row {self.row}" if self.file else f"row {self.row}"
        elif self.line is not None:
            place = f"{self.file}:{self.line}:{self.column or 1}"
        else:
            place = self.file
        return place

    def render(self, lang: Lang = "vi") -> str:
        parts = [p for p in (self.where(), self.path) if p]
        text = ": ".join([*parts, self.message(lang)])
        hint = self.hint(lang)
        return t("label.with_hint", lang, text=text, hint=hint) if hint else text

    def as_dict(self, lang: Lang = "vi") -> dict[str, Any]:
        return {
            "file": self.file or None,
            "line": self.line,
            "column": self.column,
            "row": self.row,
            "path": self.path or None,
            "code": self.code,
            "message": self.message(lang),
            "hint": self.hint(lang),
        }


ROWS_LISTED = 5  # a group of at most this many rows names them all; a larger one its first 3


@dataclass(frozen=True)
class ProblemGroup:
    """The same problem on several rows of a table, shown once with the rows it is on."""

    problem: Problem
    rows: tuple[int, ...]

    def render(self, lang: Lang = "vi") -> str:
        if len(self.rows) < 2:
            return self.problem.render(lang)
        p = self.problem
        listed = self.rows if len(self.rows) <= ROWS_LISTED else self.rows[:3]
        rows = ", ".join(str(r) for r in listed)
        if len(listed) < len(self.rows):
            where = t("problem.group_rows_more", lang, rows=rows, n=len(self.rows))
        else:
            where = t("problem.group_rows", lang, rows=rows)
        text = ": ".join(x for x in (p.file, p.path, f"{p.message(lang)} {where}") if x)
        hint = p.hint(lang)
        return t("label.with_hint", lang, text=text, hint=hint) if hint else text


def grouped(problems: Iterable[Problem]) -> list[ProblemGroup]:
    """``problems`` with the same problem on several rows (same file, column, kind and
    values) as one group, in the order each first appears; problems not on a row stay alone."""
    groups: dict[object, tuple[Problem, list[int]]] = {}
    for i, p in enumerate(problems):
        key: object = i
        if p.row is not None:
            key = (p.file, p.path, p.code, tuple(sorted((k, str(v)) for k, v in p.params.items())))
        if key in groups:
            groups[key][1].append(p.row or 0)
        else:
            groups[key] = (p, [] if p.row is None else [p.row])
    return [ProblemGroup(p, tuple(rows)) for p, rows in groups.values()]


class CchcError(Exception):
    """Lỗi cchc."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip().splitlines()[0])

    def render(self, lang: Lang = "vi") -> str:
        return str(self)


class InvalidInput(CchcError):
    """Dữ liệu đầu vào không hợp lệ."""

    def __init__(self, problems: Iterable[Problem], source: str = "") -> None:
        self.problems = sorted(
            problems,
            key=lambda p: (p.file, p.row or 0, p.line or 0, p.column or 0, p.path),
        )
        self.source = source
        super().__init__("\n".join(p.render("en") for p in self.problems))

    def render(self, lang: Lang = "vi") -> str:
        lines = [g.render(lang) for g in grouped(self.problems)]
        lines.append(t("problem.count", lang, n=len(self.problems)))
        return "\n".join(lines)


class NotFound(CchcError):
    """Không tìm thấy."""


class Conflict(CchcError):
    """Xung đột với dữ liệu đã có."""


@runtime_checkable
class Worded(Protocol):
    """A message parameter worded in the reader's language when the message is (a ``Terms``,
    a period named as officers write it)."""

    def render(self, lang: Lang) -> str: ...


@dataclass(frozen=True)
class Terms:
    """Words from the catalogue given to a message as one parameter — a status, an action —
    so the message names them in the reader's language ("bị trả lại", not ``returned``);
    several are joined with commas."""

    keys: tuple[str, ...]

    def render(self, lang: Lang) -> str:
        return ", ".join(t(key, lang) for key in self.keys)

    def __str__(self) -> str:
        return self.render("en")


def terms(*keys: str) -> Terms:
    """The catalogue words ``keys`` as one message parameter (see ``Terms``)."""
    return Terms(tuple(keys))


class LocalizedError(CchcError):
    """A user-caused error whose text comes from the catalogue, in the user's language."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: Lang = "vi") -> str:
        worded = {
            name: value.render(lang) if isinstance(value, Worded) else value
            for name, value in self.params.items()
        }
        return t(self.key, lang, **worded)


class NotFoundError(LocalizedError, NotFound):
    """Không tìm thấy."""


class ConflictError(LocalizedError, Conflict):
    """Xung đột với dữ liệu đã có."""
