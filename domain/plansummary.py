"""A plan at a glance: targets, areas with their tasks, schedules, what was inferred."""

from __future__ import annotations

from collections import Counter
from typing import Any

from domain.labels import position_label, target_threshold, target_wording
from domain.plan import PLAN_FIELDS, ROLE_FIELDS, TARGET_FIELDS, TASK_FIELDS, Plan, Target


def target_text(target: Target) -> str:
    """``on_time_rate[dat_dai] >= 98 %`` — the target as a short formula."""
    if target.op is not None and target.compare is not None:
        return f"{target.metric} {target.op} {target.compare}"
    if target.op is None or target.value is None:
        return target.metric
    scope = ""
    if "field" in target.scope:
        scope = f"[{target.scope['field']}]"
    elif "fields_except" in target.scope:
        fields = target.scope["fields_except"]
        names = ",".join(str(f) for f in fields) if isinstance(fields, list) else str(fields)
        scope = f"[≠{names}{', each' if target.scope.get('each') else ''}]"
    return f"{target.metric}{scope} {target.op} {target.value:g} {target.unit}".rstrip()


def _counts(nodes: list[Any], fields: tuple[str, ...], given: Any, inferred: Any) -> dict[str, Any]:
    """Per field: how many nodes give it, how many of those the plan states, how many we
    inferred."""
    out = {}
    for name in fields:
        having = [n for n in nodes if given(n, name)]
        guessed = sum(1 for n in having if inferred(n, name))
        out[name] = {"given": len(having), "plan": len(having) - guessed, "inferred": guessed}
    return out


def _task_gives(task: Any, name: str) -> bool:
    value = {
        "lead": task.lead,
        "support": task.support,
        "approver": task.approver,
        "schedule": True,
        "due": True,
        "evidence": task.evidence,
    }[name]
    return bool(value)


def provenance(plan: Plan) -> dict[str, Any]:
    """What the plan text states and what we inferred, counted per field of each kind of node.

    A node's ``source`` says whether the plan has it at all (for a task: whether the plan
    names its lead); ``inferred`` lists its fields that are our reading."""
    return {
        "plan": {"inferred": list(plan.inferred)},
        "tasks": {
            "total": len(plan.tasks),
            "fields": _counts(
                list(plan.tasks), TASK_FIELDS, _task_gives, lambda t, f: t.is_inferred(f)
            ),
        },
        "targets": {
            "total": len(plan.targets),
            "not_in_plan": sum(1 for t in plan.targets if t.source == "inferred"),
            "fields": _counts(
                list(plan.targets),
                TARGET_FIELDS,
                lambda t, f: getattr(t, f) not in (None, "", {}),
                lambda t, f: f in t.inferred,
            ),
        },
        "roles": {
            "total": len(plan.roles),
            "not_in_plan": sum(1 for r in plan.roles if r.source == "inferred"),
            "fields": _counts(
                list(plan.roles),
                ROLE_FIELDS,
                lambda r, f: bool(getattr(r, f)),
                lambda r, f: f in r.inferred,
            ),
        },
    }


def plan_summary(plan: Plan, lang: str = "vi") -> dict[str, Any]:
    """Everything ``cchc plan show`` prints, as JSON-ready data with stable keys."""

    def pick(vi: str, en: str) -> str:
        return en if lang == "en" and en else vi

    every = Counter(t.schedule.every for t in plan.tasks)
    return {
        "plan": {
            "code": plan.code,
            "title": plan.title,
            "year": plan.year,
            "issued": plan.issued.isoformat() if plan.issued else None,
            "unit": [{"code": u.code, "name": u.name} for u in plan.unit.chain()],
            "framework": plan.framework,
            "timezone": plan.timezone,
            "inferred": [f for f in PLAN_FIELDS if f in plan.inferred],
            "funding": plan.funding.as_dict() if plan.funding else None,
        },
        "targets": [
            {
                "code": t.code,
                "title": pick(t.title, t.title_en),
                "metric": t.metric,
                "scope": t.scope,
                "op": t.op,
                "value": t.value,
                "unit": t.unit,
                "owner": t.owner,
                "formula": target_text(t),
                "wording": target_wording(t, lang),
                "threshold": target_threshold(t, lang),
                "owner_title": position_label(t.owner, plan.roles, lang),
                "compare": t.compare,
                "source": t.source,
                "inferred": list(t.inferred),
            }
            for t in plan.targets
        ],
        "areas": [
            {
                "code": a.code,
                "title": pick(a.title, a.title_en),
                "tasks": [t.code for t in plan.tasks if t.area == a.code],
            }
            for a in plan.areas
        ],
        "roles": [
            {
                "code": r.code,
                "title": pick(r.title, r.title_en),
                "wording": r.wording,
                "reports_to": r.reports_to,
                "source": r.source,
                "inferred": list(r.inferred),
                "duties": [
                    {"ref": d.ref, "text": d.text, "tasks": list(d.tasks)} for d in r.duties
                ],
            }
            for r in plan.roles
        ],
        "tasks": [
            {
                "code": t.code,
                "lead": t.lead,
                "source": t.source,
                "inferred": [f for f in TASK_FIELDS if t.is_inferred(f)],
            }
            for t in plan.tasks
        ],
        "provenance": provenance(plan),
        "counts": {
            "areas": len(plan.areas),
            "tasks": len(plan.tasks),
            "targets": len(plan.targets),
            "roles": len(plan.roles),
            "inferred_tasks": sum(1 for t in plan.tasks if t.source == "inferred"),
            "every": dict(sorted(every.items())),
        },
    }
