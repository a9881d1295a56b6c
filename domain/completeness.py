"""How complete the evidence (tài liệu kiểm chứng) of a plan year is, and who owes what.

Counts are of required documents: an occurrence whose task asks for three documents adds
three to "required"; a document is "provided" when it has at least one upload that was not
rejected, and "accepted" when one of its uploads was accepted. Waived and cancelled
occurrences ask for nothing.

Each figure is given for the whole plan year and for what was due so far: the occurrences
whose deadline had passed at the report's moment (mid-year, the year's figures alone read as
if nearly nothing were done). An accepted occurrence is closed: it owes nothing and is never
late, even when it was accepted without one of its documents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from domain.progress import Progress

BY: tuple[str, ...] = ("position", "area", "criterion", "officer")
EXEMPT = frozenset({"waived", "cancelled"})
CLOSED = frozenset({"accepted"})
VACANT = ""


@dataclass(frozen=True)
class OccurrenceEvidence:
    """One occurrence with its required, provided and accepted documents."""

    occurrence_id: int
    task: str
    title: str
    area: str
    period: str
    due_date: dt.date
    status: str
    lead_role: str
    officer: str | None
    officer_name: str | None
    criteria: tuple[str, ...]
    required: tuple[str, ...]
    provided: tuple[str, ...]
    accepted: tuple[str, ...]
    working_days_left: int
    due_so_far: bool = False  # its deadline had passed at the report's moment

    @property
    def missing(self) -> tuple[str, ...]:
        have = set(self.provided)
        return tuple(n for n in self.required if n not in have)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "missing": list(self.missing)}


@dataclass(frozen=True)
class Tally:
    """Occurrences and their required, provided and accepted documents."""

    occurrences: int = 0
    required: int = 0
    provided: int = 0
    accepted: int = 0

    def share(self, part: int) -> float | None:
        return None if not self.required else part / self.required

    def as_dict(self) -> dict[str, Any]:
        return {
            "occurrences": self.occurrences,
            "required": self.required,
            "provided": self.provided,
            "accepted": self.accepted,
            "provided_share": self.share(self.provided),
            "accepted_share": self.share(self.accepted),
        }


@dataclass(frozen=True)
class Group:
    """Totals for one position, area, criterion or officer: over the year, and over what
    was due so far (``due_so_far``)."""

    key: str
    label: str
    occurrences: int = 0
    required: int = 0
    provided: int = 0
    accepted: int = 0
    due_so_far: Tally = field(default_factory=Tally)

    def share(self, part: int) -> float | None:
        return None if not self.required else part / self.required

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            **Tally(self.occurrences, self.required, self.provided, self.accepted).as_dict(),
            "due_so_far": self.due_so_far.as_dict(),
        }


@dataclass(frozen=True)
class Owed:
    """An officer's due occurrence still missing documents."""

    officer: str | None
    officer_name: str | None
    task: str
    title: str
    period: str
    due_date: dt.date
    status: str
    missing: tuple[str, ...]
    working_days_overdue: int

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "missing": list(self.missing)}


@dataclass(frozen=True)
class CompletenessReport:
    """The ``cchc completeness`` report, as data."""

    unit: str
    plan: str
    year: int
    by: str
    today: dt.date
    groups: tuple[Group, ...]
    total: Group
    owed: tuple[Owed, ...]
    occurrences: tuple[OccurrenceEvidence, ...] = field(default=())
    progress: Progress = field(default_factory=Progress)
    predecessors: tuple[str, ...] = ()
    """The units merged into this one whose occurrences the report includes."""

    def as_dict(self) -> dict[str, Any]:
        out = {
            "unit": self.unit,
            "plan": self.plan,
            "year": self.year,
            "by": self.by,
            "today": self.today.isoformat(),
            "groups": [g.as_dict() for g in self.groups],
            "total": self.total.as_dict(),
            "owed": [o.as_dict() for o in self.owed],
            "occurrences": [o.as_dict() for o in self.occurrences],
            "progress": self.progress.as_dict(),
        }
        if self.predecessors:
            out["predecessors"] = list(self.predecessors)
        return out


def _keys(row: OccurrenceEvidence, by: str) -> Sequence[str]:
    if by == "position":
        return [row.lead_role]
    if by == "area":
        return [row.area]
    if by == "criterion":
        return list(row.criteria) or [VACANT]
    if by == "officer":
        return [row.officer or VACANT]
    raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(BY)}")


def _tally(rows: Iterable[OccurrenceEvidence]) -> Tally:
    n = required = provided = accepted = 0
    for row in rows:
        want = set(row.required)
        n += 1
        required += len(want)
        provided += len(want & set(row.provided))
        accepted += len(want & set(row.accepted))
    return Tally(n, required, provided, accepted)


def _group(key: str, label: str, rows: Sequence[OccurrenceEvidence]) -> Group:
    year = _tally(rows)
    return Group(
        key,
        label,
        year.occurrences,
        year.required,
        year.provided,
        year.accepted,
        due_so_far=_tally(r for r in rows if r.due_so_far),
    )


def groups(
    rows: Sequence[OccurrenceEvidence],
    by: str,
    label: Callable[[str], str] = str,
    order: Mapping[str, int] | None = None,
) -> list[Group]:
    """Totals per ``by`` key (an occurrence with several criteria counts in each), ordered
    by ``order`` (e.g. the plan's order of positions or areas), then by key."""
    members: dict[str, list[OccurrenceEvidence]] = {}
    for row in rows:
        if row.status in EXEMPT:
            continue
        for key in _keys(row, by):
            members.setdefault(key, []).append(row)
    rank = order or {}

    def sort_key(key: str) -> tuple[int, list[Any]]:
        natural = [int(p) if p.isdigit() else p for p in key.replace("-", ".").split(".")]
        return rank.get(key, len(rank)), [(0, p) if isinstance(p, int) else (1, p) for p in natural]

    return [_group(key, label(key), members[key]) for key in sorted(members, key=sort_key)]


def total(rows: Sequence[OccurrenceEvidence], label: str) -> Group:
    return _group("", label, [r for r in rows if r.status not in EXEMPT])


def owed(rows: Sequence[OccurrenceEvidence]) -> list[Owed]:
    """Occurrences due by today (or overdue) that still miss a required document, most
    overdue first (vacant positions after named officers); an accepted occurrence owes
    nothing."""
    out = [
        Owed(
            officer=row.officer,
            officer_name=row.officer_name,
            task=row.task,
            title=row.title,
            period=row.period,
            due_date=row.due_date,
            status=row.status,
            missing=row.missing,
            working_days_overdue=max(0, -row.working_days_left),
        )
        for row in rows
        if row.status not in EXEMPT | CLOSED and row.missing and row.working_days_left <= 0
    ]
    out.sort(
        key=lambda o: (
            -o.working_days_overdue,
            o.officer_name is None,
            o.officer_name or "",
            o.task,
            o.period,
        )
    )
    return out
