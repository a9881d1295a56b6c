"""Read and check a ``cchc-plan/1`` file, reporting every problem at once.

``read_plan`` returns a ``Plan`` or raises ``InvalidInput`` with each defect located
as ``FILE:LINE:COLUMN: key.path: message (Hint: …)``. Structure comes from the
schema in ``domain.plan``; this module adds what a schema cannot say: unique codes,
references between lists, the ``reports_to`` chain and schedule consistency.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from dateutil.rrule import rrule, rrulestr

from domain.checks import check_ref, code_of, find_cycles, unique_codes
from domain.clock import DEFAULT_TIMEZONE
from domain.errors import InvalidInput
from domain.plan import (
    DEFAULTED_FIELDS,
    FORMAT,
    MAX_YEAR,
    MIN_YEAR,
    PLAN_FIELDS,
    PLAN_SCHEMA,
    ROLE_FIELDS,
    TARGET_FIELDS,
    TASK_FIELDS,
    Area,
    Due,
    Duty,
    EvidenceRequirement,
    Funding,
    Plan,
    Reminders,
    Role,
    Schedule,
    Target,
    Task,
    Unit,
    ordered,
)
from domain.yamlsrc import Source, parse


def read_plan(
    text: str, file: str, *, criteria: Collection[str] | None = None, framework_known: bool = True
) -> Plan:
    """Parse and check a plan. ``criteria`` are the codes of the plan's framework, when known.

    ``framework_known=False`` reports the plan's ``framework`` code as not found.
    """
    src = parse(text, file)
    if src.data is not None:
        if not isinstance(src.data, dict):
            PLAN_SCHEMA.check(src.data, (), src)
        else:
            _check_format(src)
            PLAN_SCHEMA.check(src.data, (), src)
            _check_semantics(src, criteria, framework_known)
    if src.problems:
        raise InvalidInput(src.problems, source=file)
    return _build(src.data)


def _check_format(src: Source) -> None:
    value = src.data.get("format")
    if value is not None and value != FORMAT:
        src.problems.append(src.problem("bad_format", ("format",), expected=FORMAT, value=value))


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _check_semantics(src: Source, criteria: Collection[str] | None, framework_known: bool) -> None:
    data = src.data
    areas = unique_codes(src, data.get("areas"), ("areas",))
    roles = unique_codes(src, data.get("roles"), ("roles",))
    targets = unique_codes(src, data.get("targets"), ("targets",))
    tasks = unique_codes(src, data.get("tasks"), ("tasks",))
    plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
    _check_inferred(src, plan, ("plan",), PLAN_FIELDS)
    funding = plan.get("funding")
    if criteria is not None and isinstance(funding, dict):
        for j, code in enumerate(_list(funding, "criteria")):
            check_ref(src, code, criteria, ("plan", "funding", "criteria", j), "criterion")
    year = plan.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        year = None  # reported by the schema; the checks below need a year dates can hold

    if plan.get("framework") is not None and not framework_known:
        src.problems.append(
            src.problem("framework_not_found", ("plan", "framework"), code=plan["framework"])
        )

    parents: dict[str, str | None] = {}
    for i, role in enumerate(_list(data, "roles")):
        if not isinstance(role, dict):
            continue
        _check_inferred(src, role, ("roles", i), ROLE_FIELDS)
        for j, duty in enumerate(_list(role, "duties")):
            for k, code in enumerate(_list(duty, "tasks") if isinstance(duty, dict) else []):
                check_ref(src, code, tasks, ("roles", i, "duties", j, "tasks", k), "task")
        check_ref(src, role.get("reports_to"), roles, ("roles", i, "reports_to"), "role")
        code = code_of(role.get("code"))
        if code is not None:
            parents[code] = code_of(role.get("reports_to"))
    for cycle in find_cycles(parents):
        index = next(
            i
            for i, r in enumerate(_list(data, "roles"))
            if isinstance(r, dict) and code_of(r.get("code")) == cycle[0]
        )
        src.problems.append(
            src.problem("cycle", ("roles", index, "reports_to"), chain=" → ".join(cycle))
        )

    for i, target in enumerate(_list(data, "targets")):
        if not isinstance(target, dict):
            continue
        here = ("targets", i)
        _check_inferred(src, target, here, TARGET_FIELDS)
        check_ref(src, target.get("owner"), roles, (*here, "owner"), "role")
        has_op, has_value = target.get("op") is not None, target.get("value") is not None
        metric = target.get("metric")
        if target.get("compare") is not None:
            # the threshold is last year's figure: an operator, and no value of its own
            if not has_op:
                src.problems.append(src.problem("compare_needs_op", (*here, "compare")))
            if has_value:
                src.problems.append(src.problem("compare_with_value", (*here, "value")))
        elif metric not in (None, "manual") and not (has_op and has_value):
            src.problems.append(src.problem("target_needs_value", here, metric=metric))
        elif has_op != has_value:
            src.problems.append(src.problem("op_without_value", here))

    timezone = plan.get("timezone")
    if isinstance(timezone, str) and not _known_timezone(timezone):
        src.problems.append(src.problem("bad_timezone", ("plan", "timezone"), value=timezone))
    for i, task in enumerate(_list(data, "tasks")):
        if isinstance(task, dict):
            check_task(src, task, ("tasks", i), Refs(areas, roles, targets, criteria), year)


@dataclass(frozen=True)
class Refs:
    """The codes a task may name: areas, roles, targets, and criteria (None: not known)."""

    areas: Collection[str]
    roles: Collection[str]
    targets: Collection[str]
    criteria: Collection[str] | None


def check_task(
    src: Source, task: dict[str, Any], here: tuple[str | int, ...], refs: Refs, year: int | None
) -> None:
    """What a schema cannot say of one task at ``here``: its references, its ``inferred``
    list and its schedule (dates inside ``year``). A unit's overlay checks its tasks so too."""
    _check_inferred(src, task, here, TASK_FIELDS)
    fields = task.get("inferred")
    if task.get("source") == "plan" and isinstance(fields, list) and "lead" in fields:
        src.problems.append(
            src.problem("inferred_lead_source", (*here, "inferred", fields.index("lead")))
        )
    check_ref(src, task.get("area"), refs.areas, (*here, "area"), "area")
    check_ref(src, task.get("lead"), refs.roles, (*here, "lead"), "role")
    check_ref(src, task.get("approver"), refs.roles, (*here, "approver"), "role")
    for j, code in enumerate(
        task.get("support") or [] if isinstance(task.get("support"), list) else []
    ):
        check_ref(src, code, refs.roles, (*here, "support", j), "role")
    for j, code in enumerate(
        task.get("targets") or [] if isinstance(task.get("targets"), list) else []
    ):
        check_ref(src, code, refs.targets, (*here, "targets", j), "target")
    if refs.criteria is not None and isinstance(task.get("criteria"), list):
        for j, code in enumerate(task["criteria"]):
            check_ref(src, code, refs.criteria, (*here, "criteria", j), "criterion")
    if isinstance(task.get("schedule"), dict):
        check_schedule(src, task["schedule"], (*here, "schedule"), year)


def _given(node: dict[str, Any], name: str) -> bool:
    """Whether a node gives field ``name`` (a task's ``due`` lives in its schedule)."""
    if name == "due":
        schedule = node.get("schedule")
        return isinstance(schedule, dict) and schedule.get("due") is not None
    return node.get(name) is not None


def _check_inferred(
    src: Source, node: dict[str, Any], here: tuple[str | int, ...], known: tuple[str, ...]
) -> None:
    """Each field named in ``inferred`` once, and given (or defaulted) by the node.

    Unknown names are the schema's to report."""
    fields = node.get("inferred")
    if not isinstance(fields, list):
        return
    seen: set[str] = set()
    for j, name in enumerate(fields):
        if not isinstance(name, str):
            continue
        if name in seen:
            src.problems.append(
                src.problem("duplicate_inferred", (*here, "inferred", j), field=name)
            )
            continue
        seen.add(name)
        if name in known and name not in DEFAULTED_FIELDS and not _given(node, name):
            src.problems.append(
                src.problem("inferred_not_given", (*here, "inferred", j), field=name)
            )


def _known_timezone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


_SUB_DAILY = re.compile(r"FREQ\s*=\s*(HOURLY|MINUTELY|SECONDLY)", re.IGNORECASE)


def _at_most_daily(text: str, parsed: Any, year: int) -> bool:
    """Whether a rule yields at most one date a day in ``year``: an occurrence is a day.

    Counted on the rule cut at the year's end, so a rule that never matches stops there."""
    if _SUB_DAILY.search(text):
        return False
    if not isinstance(parsed, rrule):
        return True  # several rules (a set) are not something a plan writes; periods() copes
    bounded = parsed.replace(count=None, until=dt.datetime(year, 12, 31, 23, 59, 59))
    seen: set[dt.date] = set()
    for moment in bounded:
        if moment.date() in seen:
            return False
        seen.add(moment.date())
    return True


def check_schedule(
    src: Source, schedule: dict[str, Any], path: tuple[str | int, ...], year: int | None
) -> None:
    """A schedule's rules beyond its shape: one due form that fits ``every``, a valid RRULE,
    dates inside ``year``."""
    every = schedule.get("every")
    due = schedule.get("due")
    if isinstance(due, dict):
        given = [
            k
            for k in ("working_days", "before_end_working_days", "month_day", "date")
            if due.get(k) is not None
        ]
        if len(given) != 1:
            src.problems.append(src.problem("due_one_of", (*path, "due")))
        if every == "once" and "date" not in given:
            src.problems.append(src.problem("once_needs_date", (*path, "due")))
        if every not in (None, "once") and "date" in given:
            src.problems.append(src.problem("date_needs_once", (*path, "due", "date")))
        when = _as_date(due.get("date"))
        if when is not None and year is not None and when.year != year:
            src.problems.append(
                src.problem("date_outside_year", (*path, "due", "date"), value=when, year=year)
            )
    rule = schedule.get("rrule")
    if every == "rrule" and not rule:
        src.problems.append(src.problem("rrule_needs_rule", (*path, "every")))
    if rule and every != "rrule":
        src.problems.append(src.problem("rule_needs_rrule_every", (*path, "rrule")))
    if rule and isinstance(rule, str):
        try:
            parsed = rrulestr(rule, dtstart=dt.datetime(year or 2000, 1, 1))
        except (ValueError, TypeError) as exc:
            src.problems.append(src.problem("bad_rrule", (*path, "rrule"), detail=str(exc)))
        else:
            if not _at_most_daily(rule, parsed, year or 2000):
                src.problems.append(src.problem("rrule_too_frequent", (*path, "rrule")))
    start, until = _as_date(schedule.get("start")), _as_date(schedule.get("until"))
    for key, value in (("start", start), ("until", until)):
        if value is not None and year is not None and value.year != year:
            src.problems.append(
                src.problem("date_outside_year", (*path, key), value=value, year=year)
            )
    if start and until and start > until:
        src.problems.append(
            src.problem("start_after_until", (*path, "until"), start=start, until=until)
        )


# --- building the dataclasses from checked data ----------------------------------------


def _unit(value: Any) -> Unit:
    if isinstance(value, dict):
        parent = value.get("parent")
        return Unit(
            code=str(value["code"]),
            name=str(value.get("name") or ""),
            parent=_unit(parent) if parent is not None else None,
        )
    return Unit(code=str(value))


def _time(value: Any) -> dt.time:
    if isinstance(value, int):
        return dt.time(value // 60, value % 60)
    hours, minutes = str(value).split(":")
    return dt.time(int(hours), int(minutes))


def _reminders(value: Any, base: Reminders) -> Reminders:
    if not isinstance(value, dict):
        return base
    return Reminders(
        before=tuple(value["before"]) if "before" in value else base.before,
        escalate=tuple(value["escalate"]) if "escalate" in value else base.escalate,
        at=_time(value["at"]) if value.get("at") is not None else base.at,
    )


def build_task(t: dict[str, Any], year: int, base: Reminders) -> Task:
    """A checked task of a plan for ``year`` whose default reminders are ``base``."""
    s = t["schedule"]
    due = s["due"]
    # ``source`` is the lead's provenance: an inferred lead makes the other say so too
    given = set(t.get("inferred") or [])
    source = t.get("source") or ("inferred" if "lead" in given else "plan")
    if source == "inferred":
        given.add("lead")
    return Task(
        code=str(t["code"]),
        area=str(t["area"]),
        title=t["title"],
        title_en=t.get("title_en") or "",
        lead=str(t["lead"]),
        support=tuple(str(x) for x in t.get("support") or []),
        approver=str(t["approver"]) if t.get("approver") else None,
        schedule=Schedule(
            every=s["every"],
            rrule=s.get("rrule"),
            start=_as_date(s.get("start")) or dt.date(year, 1, 1),
            until=_as_date(s.get("until")) or dt.date(year, 12, 31),
            due=build_due(due),
        ),
        reminders=_reminders(t.get("reminders"), base),
        evidence=EvidenceRequirement.many(t.get("evidence")),
        criteria=tuple(str(c) for c in t.get("criteria") or []),
        targets=tuple(str(c) for c in t.get("targets") or []),
        source=source,
        note=t.get("note") or "",
        inferred=ordered(given, TASK_FIELDS),
    )


def build_due(due: dict[str, Any]) -> Due:
    """A checked ``due`` mapping as the core's ``Due``."""
    return Due(
        working_days=due.get("working_days"),
        before_end_working_days=due.get("before_end_working_days"),
        month_day=due.get("month_day"),
        date=_as_date(due.get("date")),
    )


def _build(data: dict[str, Any]) -> Plan:
    plan = data["plan"]
    year = int(plan["year"])
    defaults = data.get("defaults") or {}
    base = _reminders(defaults.get("reminders"), Reminders())
    tasks = [build_task(t, year, base) for t in data["tasks"]]
    return Plan(
        code=str(plan["code"]),
        title=plan["title"],
        unit=_unit(plan["unit"]),
        year=year,
        issued=_as_date(plan.get("issued")),
        basis=tuple(plan.get("basis") or []),
        framework=str(plan["framework"]) if plan.get("framework") else None,
        inferred=ordered(plan.get("inferred"), PLAN_FIELDS),
        funding=Funding.from_dict(plan.get("funding")),
        kind=plan.get("kind") or "plan",
        version=str(plan["version"]) if plan.get("version") is not None else "",
        timezone=plan.get("timezone") or DEFAULT_TIMEZONE,
        roll=defaults.get("roll") or "next",
        reminders=base,
        areas=tuple(
            Area(code=str(a["code"]), title=a["title"], title_en=a.get("title_en") or "")
            for a in data["areas"]
        ),
        roles=tuple(
            Role(
                code=str(r["code"]),
                title=r["title"],
                title_en=r.get("title_en") or "",
                reports_to=str(r["reports_to"]) if r.get("reports_to") else None,
                source=r.get("source") or "plan",
                note=r.get("note") or "",
                wording=r.get("wording") or "",
                inferred=ordered(r.get("inferred"), ROLE_FIELDS),
                duties=tuple(
                    Duty(
                        ref=str(d["ref"]),
                        text=d["text"],
                        tasks=tuple(str(c) for c in d.get("tasks") or []),
                    )
                    for d in r.get("duties") or []
                ),
            )
            for r in data["roles"]
        ),
        targets=tuple(
            Target(
                code=str(x["code"]),
                title=x["title"],
                title_en=x.get("title_en") or "",
                metric=x["metric"],
                scope=dict(x.get("scope") or {}),
                op=x.get("op"),
                value=float(x["value"]) if x.get("value") is not None else None,
                unit=x.get("unit") or "%",
                owner=str(x["owner"]),
                source=x.get("source") or "plan",
                note=x.get("note") or "",
                compare=x.get("compare"),
                inferred=ordered(x.get("inferred"), TARGET_FIELDS),
            )
            for x in data.get("targets") or []
        ),
        tasks=tuple(tasks),
    )
