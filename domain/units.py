"""Units over time — "đơn vị hành chính qua các thời kỳ": levels, the tree as it was on a day,
who succeeded whom (mergers — "sáp nhập" —, renamings — "đổi tên"), and which units an
officer of a unit may read. Pure: the stored units arrive as ``UnitNode``s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from domain.names import fold

PROVINCE, CITY, DISTRICT = "province", "city", "district"
COMMUNE, WARD, SPECIAL_ZONE = "commune", "ward", "special_zone"
LEVELS = (PROVINCE, CITY, DISTRICT, COMMUNE, WARD, SPECIAL_ZONE)
"""A centrally-run city (``city``) is of province level; districts exist before 1 July 2025."""
RANK = {PROVINCE: 1, CITY: 1, DISTRICT: 2, COMMUNE: 3, WARD: 3, SPECIAL_ZONE: 3}
MERGE, RENAME = "merge", "rename"

# how people write a level in a file (folded: lower case, no diacritics)
LEVEL_WORDS = {
    "province": PROVINCE,
    "tinh": PROVINCE,
    "city": CITY,
    "thanh pho": CITY,
    "thanh pho truc thuoc trung uong": CITY,
    "district": DISTRICT,
    "huyen": DISTRICT,
    "quan": DISTRICT,
    "thi xa": DISTRICT,
    "thanh pho thuoc tinh": DISTRICT,
    "cap huyen": DISTRICT,
    "commune": COMMUNE,
    "xa": COMMUNE,
    "thi tran": COMMUNE,
    "ward": WARD,
    "phuong": WARD,
    "special_zone": SPECIAL_ZONE,
    "special zone": SPECIAL_ZONE,
    "dac khu": SPECIAL_ZONE,
    "cap tinh": PROVINCE,
    "cap xa": COMMUNE,
}


@dataclass(frozen=True)
class UnitNode:
    """A unit as the tree sees it."""

    id: int
    code: str
    name: str
    parent_id: int | None = None
    level: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        """Whether the unit exists on any day of ``start``…``end``."""
        return (self.valid_from is None or self.valid_from <= end) and (
            self.valid_to is None or start <= self.valid_to
        )


@dataclass(frozen=True)
class Succession:
    """From ``on`` the work of ``predecessor`` belongs to ``successor``."""

    predecessor: int
    successor: int
    on: dt.date
    kind: str = MERGE


@dataclass(frozen=True)
class TreeLine:
    """One line of the tree as it was on a day: a unit at its ``depth`` (0 = top)."""

    unit: UnitNode
    depth: int


def level_of(text: str) -> str | None:
    """The level a file writes as ``text`` (``ward``, ``Phường``, ``xã`` …); None if unknown."""
    return LEVEL_WORDS.get(" ".join(fold(text).replace("_", " ").split())) or (
        text if text in LEVELS else None
    )


def level_fits(parent: str | None, child: str | None) -> bool:
    """Whether a unit of level ``child`` may stand under one of level ``parent`` (a level
    not known fits anywhere)."""
    if parent is None or child is None:
        return True
    return RANK[parent] < RANK[child]


def cycle(parents: Mapping[int, int | None], start: int) -> list[int] | None:
    """The units of a loop of parents met going up from ``start``; None when there is none."""
    seen: list[int] = []
    node: int | None = start
    while node is not None:
        if node in seen:
            return seen[seen.index(node) :]
        seen.append(node)
        node = parents.get(node)
    return None


def tree_on(units: Iterable[UnitNode], day: dt.date) -> list[TreeLine]:
    """The units in force on ``day`` as a tree, depth first, siblings by code; a unit whose
    parent was not in force that day stands at the top."""
    every = {u.id: u for u in units}
    alive = {k: u for k, u in every.items() if u.valid_on(day)}
    children: dict[int | None, list[UnitNode]] = {}
    for u in alive.values():
        children.setdefault(_alive_parent(every, alive, u), []).append(u)
    out: list[TreeLine] = []

    def walk(parent: int | None, depth: int) -> None:
        for u in sorted(children.get(parent, []), key=lambda x: x.code):
            out.append(TreeLine(u, depth))
            walk(u.id, depth + 1)

    walk(None, 0)
    return out


def _alive_parent(
    every: Mapping[int, UnitNode], alive: Mapping[int, UnitNode], unit: UnitNode
) -> int | None:
    """The nearest unit above ``unit`` that is in force (a ward whose district was dissolved
    stands under the province)."""
    seen = {unit.id}
    parent = unit.parent_id
    while parent is not None and parent not in alive and parent not in seen:
        seen.add(parent)
        above = every.get(parent)
        parent = above.parent_id if above else None
    return parent if parent in alive else None


def below(units: Iterable[UnitNode], unit_id: int, day: dt.date) -> set[int]:
    """The units under ``unit_id`` in the tree on ``day`` (not the unit itself)."""
    every = {u.id: u for u in units}
    alive = {k: u for k, u in every.items() if u.valid_on(day)}
    kids: dict[int, list[int]] = {}
    for u in alive.values():
        parent = _alive_parent(every, alive, u)
        if parent is not None:
            kids.setdefault(parent, []).append(u.id)
    found: set[int] = set()
    todo = [unit_id]
    while todo:
        for child in kids.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def below_during(units: Iterable[UnitNode], unit_id: int, start: dt.date, end: dt.date) -> set[int]:
    """The units under ``unit_id`` in the tree on any day of ``start``…``end``: a report
    for a year shows the units as they were that year (a ward merged away mid-year is there,
    the ward it merged into too, and so is a ward that stood under a district dissolved that
    year). The tree only changes on the days a unit begins or the day after one ends, so it
    is walked on those days alone."""
    nodes = list(units)
    days = {start}
    for u in nodes:
        if u.valid_from is not None and start < u.valid_from <= end:
            days.add(u.valid_from)
        if u.valid_to is not None and start <= u.valid_to < end:
            days.add(u.valid_to + dt.timedelta(days=1))
    found: set[int] = set()
    for day in sorted(days):
        found |= below(nodes, unit_id, day)
    return found


def predecessors(
    successions: Sequence[Succession], unit_id: int, *, transitive: bool = True
) -> list[Succession]:
    """The successions into ``unit_id`` (and, ``transitive``, into its predecessors, and so
    on), nearest first."""
    into: dict[int, list[Succession]] = {}
    for s in successions:
        into.setdefault(s.successor, []).append(s)
    out: list[Succession] = []
    seen = {unit_id}
    todo = [unit_id]
    while todo:
        current = todo.pop(0)
        for s in sorted(into.get(current, []), key=lambda x: (x.on, x.predecessor)):
            if s.predecessor in seen:
                continue
            seen.add(s.predecessor)
            out.append(s)
            if transitive:
                todo.append(s.predecessor)
    return out


def successors(successions: Sequence[Succession], unit_id: int) -> list[Succession]:
    """The successions out of ``unit_id``, followed to the unit in force last."""
    out_of = {s.predecessor: s for s in successions}
    out: list[Succession] = []
    seen = {unit_id}
    node = unit_id
    while node in out_of:
        s = out_of[node]
        if s.successor in seen:
            break
        out.append(s)
        seen.add(s.successor)
        node = s.successor
    return out


def visible(
    units: Iterable[UnitNode], successions: Sequence[Succession], unit_id: int, day: dt.date
) -> set[int]:
    """The units an officer of ``unit_id`` may read on ``day``: the unit itself, its
    predecessors (transitively), and every unit below it in the tree that day."""
    nodes = list(units)
    return (
        {unit_id}
        | {s.predecessor for s in predecessors(successions, unit_id)}
        | below(nodes, unit_id, day)
    )


@dataclass(frozen=True)
class Ending:
    """How a unit stopped existing before the end of a year: from ``on`` (the day after its
    last) its work belongs to ``into`` by a merger or a renaming (``kind``); ``into`` None: it
    ended with no successor recorded (dissolved)."""

    unit_id: int
    on: dt.date
    into: int | None = None
    kind: str | None = None


@dataclass(frozen=True)
class YearUnits:
    """The units of a year's report, as they were that year: ``in_force`` — in force on its
    last day (ranked, counted, asked for a self-assessment) — and ``ended`` — existed during
    the year but not at its end (shown as merged, never ranked or counted missing). Units that
    did not exist at all that year are in neither."""

    in_force: tuple[int, ...]
    ended: dict[int, Ending]

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self.in_force or unit_id in self.ended


def units_of_year(
    units: Iterable[UnitNode], successions: Sequence[Succession], ids: Iterable[int], year: int
) -> YearUnits:
    """Which of ``ids`` a report of ``year`` shows, and how (order of ``ids`` kept): a ward
    merged on 1 July is not in force at the end of that year, but is the year before; the
    ward it was merged into did not exist the year before."""
    every = {u.id: u for u in units}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out_of = {s.predecessor: s for s in successions}
    in_force: list[int] = []
    ended: dict[int, Ending] = {}
    for uid in ids:
        node = every.get(uid)
        if node is None or not node.overlaps(start, end):
            continue
        if node.valid_on(end):
            in_force.append(uid)
            continue
        s = out_of.get(uid)
        if s is not None and s.on <= end:
            ended[uid] = Ending(uid, s.on, s.successor, s.kind)
        else:  # valid_to falls in the year (it overlaps and is not in force on its last day)
            assert node.valid_to is not None
            ended[uid] = Ending(uid, node.valid_to + dt.timedelta(days=1))
    return YearUnits(tuple(in_force), ended)
