"""A plan at a glance: targets, areas with their tasks, schedules, what was inferred."""

from __future__ import annotations

from collections import Counter
from typing import Any

from domain.plan import Plan, Target


def target_text(target: Target) -> str:
    """``on_time_rate[dat_dai] >= 98 %`` — the target as a short formula."""
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
                "source": t.source,
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
            {"code": r.code, "title": pick(r.title, r.title_en), "reports_to": r.reports_to}
            for r in plan.roles
        ],
        "counts": {
            "areas": len(plan.areas),
            "tasks": len(plan.tasks),
            "targets": len(plan.targets),
            "roles": len(plan.roles),
            "inferred_tasks": sum(1 for t in plan.tasks if t.source == "inferred"),
            "every": dict(sorted(every.items())),
        },
    }
