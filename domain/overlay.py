"""A unit's overlay on the province's template plan — "phần điều chỉnh của đơn vị".

A province issues one template plan (``plan.kind: template``) for its communes; each unit's
plan is that template with the unit's own small overlay (``cchc-overlay/1``): local tasks
added, deadlines of template tasks moved, targets tightened. ``read_overlay`` checks an
overlay against the template like any plan (every problem at once, located in the overlay
file); ``derive`` makes the unit's plan from the two.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from domain.checks import check_ref, code_of, unique_codes
from domain.errors import InvalidInput
from domain.plan import CODE, DUE_SCHEMA, TASK_SCHEMA, Plan, Target, Task, Unit
from domain.planfile import Refs, build_due, build_task, check_schedule, check_task
from domain.schema import ListOf, Num, Obj, Str
from domain.yamlsrc import Source, parse

FORMAT = "cchc-overlay/1"


@dataclass(frozen=True)
class DeadlineChange:
    """A template task whose deadline rule the unit replaces (``due`` as in a plan)."""

    task: str
    due: Any  # domain.plan.Due
    note: str = ""


@dataclass(frozen=True)
class TargetChange:
    """A template target the unit tightens to ``value``."""

    target: str
    value: float
    note: str = ""


@dataclass(frozen=True)
class Overlay:
    """A unit's checked overlay: its plan title (empty: the template's), local tasks, moved
    deadlines and tightened targets."""

    unit: str
    template: str
    title: str = ""
    tasks: tuple[Task, ...] = ()
    deadlines: tuple[DeadlineChange, ...] = ()
    targets: tuple[TargetChange, ...] = ()


OVERLAY_SCHEMA = Obj(
    {
        "format": Str(),
        "overlay": Obj(
            {
                "unit": Str(CODE, description="The unit's code (the file is named after it)"),
                "template": Str(CODE, description="The code of the template plan it adjusts"),
                "title": Str(description="The unit's plan title; default: the template's"),
                "note": Str(),
            },
            required=("unit", "template"),
        ),
        "tasks": ListOf(TASK_SCHEMA, description="The unit's own tasks, as in a plan"),
        "deadlines": ListOf(
            Obj(
                {"task": Str(CODE), "due": DUE_SCHEMA, "note": Str()},
                required=("task", "due"),
                description="A template task whose deadline the unit moves",
            )
        ),
        "targets": ListOf(
            Obj(
                {"target": Str(CODE), "value": Num(minimum=0), "note": Str()},
                required=("target", "value"),
                description="A template target the unit tightens (never loosens)",
            )
        ),
    },
    required=("format", "overlay"),
)


def read_overlay(
    text: str,
    file: str,
    *,
    template: Plan,
    unit: str,
    criteria: Collection[str] | None = None,
) -> Overlay:
    """Parse and check ``unit``'s overlay on ``template``; ``InvalidInput`` lists every
    problem as ``FILE:LINE:COLUMN: key.path: message``."""
    src = parse(text, file)
    if src.data is not None:
        OVERLAY_SCHEMA.check(src.data, (), src)
        if isinstance(src.data, dict):
            _check(src, template, unit, criteria)
    if src.problems:
        raise InvalidInput(src.problems, source=file)
    return _build(src.data or {}, template)


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _check(src: Source, template: Plan, unit: str, criteria: Collection[str] | None) -> None:
    data = src.data
    value = data.get("format")
    if value is not None and value != FORMAT:
        src.problems.append(src.problem("bad_format", ("format",), expected=FORMAT, value=value))
    head = data.get("overlay") if isinstance(data.get("overlay"), dict) else {}
    if code_of(head.get("unit")) not in (None, unit):
        src.problems.append(
            src.problem("overlay_other_unit", ("overlay", "unit"), code=head["unit"], unit=unit)
        )
    if code_of(head.get("template")) not in (None, template.code):
        src.problems.append(
            src.problem(
                "overlay_other_template",
                ("overlay", "template"),
                code=head["template"],
                template=template.code,
            )
        )

    template_tasks = {t.code: t for t in template.tasks}
    unique_codes(src, data.get("tasks"), ("tasks",))
    refs = Refs(
        areas={a.code for a in template.areas},
        roles={r.code for r in template.roles},
        targets={t.code for t in template.targets},
        criteria=criteria,
    )
    for i, task in enumerate(_list(data, "tasks")):
        if not isinstance(task, dict):
            continue
        code = code_of(task.get("code"))
        if code in template_tasks:
            src.problems.append(
                src.problem("overlay_task_in_template", ("tasks", i, "code"), code=code)
            )
        check_task(src, task, ("tasks", i), refs, template.year)

    seen: dict[str, int] = {}
    for i, item in enumerate(_list(data, "deadlines")):
        if not isinstance(item, dict):
            continue
        code = code_of(item.get("task"))
        check_ref(src, code, template_tasks, ("deadlines", i, "task"), "task")
        if code is None:
            continue
        if code in seen:
            first = src.positions.of(("deadlines", seen[code]))[0]
            src.problems.append(
                src.problem("duplicate_code", ("deadlines", i, "task"), code=code, first=first)
            )
        seen[code] = i
        if code in template_tasks and isinstance(item.get("due"), dict):
            # the template's recurrence with the unit's deadline: checked as one schedule
            every = template_tasks[code].schedule.every
            check_schedule(
                src, {"every": every, "due": item["due"]}, ("deadlines", i), template.year
            )

    targets = {t.code: t for t in template.targets}
    seen = {}
    for i, item in enumerate(_list(data, "targets")):
        if not isinstance(item, dict):
            continue
        code = code_of(item.get("target"))
        check_ref(src, code, targets, ("targets", i, "target"), "target")
        if code is None or code not in targets:
            continue
        if code in seen:
            first = src.positions.of(("targets", seen[code]))[0]
            src.problems.append(
                src.problem("duplicate_code", ("targets", i, "target"), code=code, first=first)
            )
        seen[code] = i
        _check_tighter(src, targets[code], item.get("value"), ("targets", i, "value"))


def _check_tighter(src: Source, target: Target, value: Any, path: tuple[str | int, ...]) -> None:
    """A unit may ask more of itself than the province does, never less."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return  # the schema reports it
    if target.op is None or target.value is None or target.op == "=":
        src.problems.append(
            src.problem("overlay_target_fixed", path, code=target.code, op=target.op or "—")
        )
        return
    higher = target.op in (">=", ">")
    if (value < target.value) if higher else (value > target.value):
        src.problems.append(
            src.problem(
                "overlay_target_looser",
                path,
                code=target.code,
                value=value,
                op=target.op,
                template=_number(target.value),
            )
        )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _build(data: dict[str, Any], template: Plan) -> Overlay:
    head = data.get("overlay") or {}
    return Overlay(
        unit=str(head.get("unit") or ""),
        template=str(head.get("template") or ""),
        title=head.get("title") or "",
        tasks=tuple(build_task(t, template.year, template.reminders) for t in _list(data, "tasks")),
        deadlines=tuple(
            DeadlineChange(str(d["task"]), build_due(d["due"]), d.get("note") or "")
            for d in _list(data, "deadlines")
        ),
        targets=tuple(
            TargetChange(str(x["target"]), float(x["value"]), x.get("note") or "")
            for x in _list(data, "targets")
        ),
    )


def derive(template: Plan, unit: Unit, overlay: Overlay | None = None) -> Plan:
    """``unit``'s plan: the template's areas, positions, targets and tasks (with their
    evidence and criteria links), then the overlay's deadlines, targets and local tasks."""
    tasks = list(template.tasks)
    targets = list(template.targets)
    title = template.title
    if overlay is not None:
        moved = {d.task: d for d in overlay.deadlines}
        tasks = [
            dataclasses.replace(t, schedule=dataclasses.replace(t.schedule, due=moved[t.code].due))
            if t.code in moved
            else t
            for t in tasks
        ]
        tightened = {x.target: x.value for x in overlay.targets}
        targets = [
            dataclasses.replace(x, value=tightened[x.code]) if x.code in tightened else x
            for x in targets
        ]
        tasks.extend(overlay.tasks)
        title = overlay.title or title
    return dataclasses.replace(
        template,
        kind="plan",
        title=title,
        unit=unit,
        tasks=tuple(tasks),
        targets=tuple(targets),
    )


# --- what a derivation changes --------------------------------------------------------------


@dataclass(frozen=True)
class PlanChanges:
    """The tasks and targets a new version of a unit's plan adds, changes and archives."""

    tasks_added: tuple[str, ...] = ()
    tasks_changed: tuple[str, ...] = ()
    tasks_archived: tuple[str, ...] = ()
    targets_changed: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(
            self.tasks_added or self.tasks_changed or self.tasks_archived or self.targets_changed
        )

    def as_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in dataclasses.asdict(self).items()}


def _task_facts(task: Task) -> tuple[object, ...]:
    """A task as a user reads it; criteria and targets are sets (stored without order)."""
    return (
        dataclasses.replace(task, criteria=(), targets=()),
        sorted(task.criteria),
        sorted(task.targets),
    )


def compare(before: Plan | None, after: Plan) -> PlanChanges:
    """What ``after`` changes in ``before`` (None: every task is new)."""
    old = {t.code: t for t in before.tasks} if before else {}
    new = {t.code: t for t in after.tasks}
    old_targets = {t.code: t for t in before.targets} if before else {}
    return PlanChanges(
        tasks_added=tuple(c for c in new if c not in old),
        tasks_changed=tuple(
            c for c in new if c in old and _task_facts(old[c]) != _task_facts(new[c])
        ),
        tasks_archived=tuple(c for c in old if c not in new),
        targets_changed=tuple(
            x.code for x in after.targets if x.code not in old_targets or old_targets[x.code] != x
        ),
    )
