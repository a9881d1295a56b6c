"""Who is accountable for a task on a date, after scopes, acting and delegation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from domain.plan import Plan, Task
from responsibilities.holding import Holding, holders


@dataclass(frozen=True)
class Holder:
    """An officer answering for a position, and how (holder, acting, delegate)."""

    name: str
    email: str
    kind: str
    acting_for: str | None = None


@dataclass(frozen=True)
class RoleAnswer:
    """A role of the task (lead, support, approver) and who answers for it; empty = vacant."""

    relation: str
    position: str
    title: str
    holders: tuple[Holder, ...]


@dataclass(frozen=True)
class Accountability:
    """The answer to ``cchc who TASK --on DATE``."""

    task: str
    title: str
    area: str
    on: dt.date
    roles: tuple[RoleAnswer, ...]

    @property
    def lead(self) -> RoleAnswer:
        return self.roles[0]

    def as_dict(self) -> dict[str, object]:
        return {
            "task": self.task,
            "title": self.title,
            "area": self.area,
            "on": self.on.isoformat(),
            "roles": [
                {
                    "relation": r.relation,
                    "position": r.position,
                    "title": r.title,
                    "officers": [h.__dict__ for h in r.holders],
                }
                for r in self.roles
            ],
        }


def accountable(
    plan: Plan, task: Task, holdings: Iterable[Holding], on: dt.date, lang: str = "vi"
) -> Accountability:
    """Lead first, then support roles, then the approver, each resolved to officers."""
    pool = list(holdings)
    names = {h.officer: h.name for h in pool}

    def answer(relation: str, code: str) -> RoleAnswer:
        role = plan.role(code)
        found = holders(pool, code, on, task.area)
        return RoleAnswer(
            relation=relation,
            position=code,
            title=role.title_en if lang == "en" and role.title_en else role.title,
            holders=tuple(
                Holder(
                    h.name,
                    h.officer,
                    h.kind,
                    names.get(h.acting_for, h.acting_for) if h.acting_for else None,
                )
                for h in found
            ),
        )

    relations = [("lead", task.lead)] + [("support", c) for c in task.support]
    if task.approver:
        relations.append(("approver", task.approver))
    title = task.title_en if lang == "en" and task.title_en else task.title
    return Accountability(
        task.code, title, task.area, on, tuple(answer(rel, code) for rel, code in relations)
    )
