"""The responsibility matrix: tasks × positions, L (lead), S (support), A (approver)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.plan import Plan

LEAD, SUPPORT, APPROVER = "L", "S", "A"


@dataclass(frozen=True)
class MatrixRow:
    """One task's letters per position code (``"LA"`` when a role leads and approves)."""

    task: str
    title: str
    cells: dict[str, str]


@dataclass(frozen=True)
class MatrixGroup:
    """The rows of one plan area."""

    area: str
    title: str
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class Matrix:
    """A plan's matrix, grouped by area, with the positions as columns (in plan order)."""

    plan: str
    positions: tuple[str, ...]
    groups: tuple[MatrixGroup, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "plan": self.plan,
            "positions": list(self.positions),
            "areas": [
                {
                    "area": g.area,
                    "title": g.title,
                    "tasks": [
                        {"task": r.task, "title": r.title, "cells": dict(r.cells)} for r in g.rows
                    ],
                }
                for g in self.groups
            ],
        }


def build_matrix(plan: Plan, lang: str = "vi") -> Matrix:
    """Letters per task and position; positions with no letter anywhere are left out."""

    def title(vi: str, en: str) -> str:
        return en if lang == "en" and en else vi

    groups = []
    used: set[str] = set()
    for area in plan.areas:
        rows = []
        for task in (t for t in plan.tasks if t.area == area.code):
            cells: dict[str, str] = {}
            cells[task.lead] = LEAD
            for code in task.support:
                cells[code] = cells.get(code, "") + SUPPORT
            if task.approver:
                cells[task.approver] = cells.get(task.approver, "") + APPROVER
            used.update(cells)
            rows.append(MatrixRow(task.code, title(task.title, task.title_en), cells))
        groups.append(MatrixGroup(area.code, title(area.title, area.title_en), tuple(rows)))
    positions = tuple(r.code for r in plan.roles if r.code in used)
    return Matrix(plan.code, positions, tuple(groups))
