"""Rendering the plan summary with rich."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.table import Table
from rich.text import Text

from cchc.context import AppContext
from cchc.render import console
from cchc.tasks_view import progress_line
from domain.progress import Progress


def render_summary(
    summary: dict[str, Any], ctx: AppContext, progress: Progress | None = None
) -> None:
    p = summary["plan"]
    units = " → ".join(u["name"] or u["code"] for u in p["unit"])
    console.print(Text.assemble((p["title"], "bold"), f"  ({p['code']})"))
    console.print(
        ctx.t(
            "cli.plan_header",
            unit=units,
            year=p["year"],
            issued=_issued(p, ctx),
            framework=p["framework"] or "—",
        )
    )
    c = summary["counts"]
    console.print(ctx.t("cli.plan_counts", **{k: v for k, v in c.items() if k != "every"}))
    console.print(ctx.t("cli.plan_every") + _every(c["every"], ctx.lang))
    for line in provenance_lines(summary, ctx):
        console.print(line, highlight=False)
    if progress is not None:
        console.print(progress_line(progress, ctx), highlight=False)

    targets = Table(title=ctx.t("cli.targets_title"), show_lines=False)
    for key in ("label.code", "label.target", "label.formula", "label.owner"):
        targets.add_column(ctx.t(key))
    for t in summary["targets"]:
        # a target measured by hand is its title, already in the row: its threshold is enough
        level = t["threshold"] if t["metric"] == "manual" else t["wording"]
        targets.add_row(
            t["code"],
            t["title"],
            (level or "—") + (" *" if t["source"] == "inferred" else ""),
            t["owner_title"],
        )
    console.print(targets)

    areas = Table(title=ctx.t("cli.areas_title"))
    for key in ("label.area", "label.title", "label.tasks"):
        areas.add_column(ctx.t(key))
    for a in summary["areas"]:
        areas.add_row(a["code"], a["title"], f"{len(a['tasks'])}: " + ", ".join(a["tasks"]))
    console.print(areas)


def _every(counts: dict[str, int], lang: str) -> str:
    """``hằng tuần: 1, hằng tháng: 3 …`` — how many tasks recur how often, shortest first."""
    from domain.labels import every_label
    from domain.plan import EVERY

    order = sorted(counts, key=lambda e: EVERY.index(e) if e in EVERY else len(EVERY))
    return ", ".join(f"{every_label(e, lang)}: {counts[e]}" for e in order)


def _issued(plan: dict[str, Any], ctx: AppContext) -> str:
    """The issue date as officers write it (10/04/2020), marked when it is our reading."""
    if not plan["issued"]:
        return "—"
    day = dt.date.fromisoformat(plan["issued"])
    text = f"{day:%d/%m/%Y}" if ctx.lang == "vi" else day.isoformat()
    if "issued" in plan.get("inferred", []):
        text += " " + ctx.t("cli.provenance_mark")
    return text


def _fields(counts: dict[str, dict[str, int]], who: str, ctx: AppContext) -> list[str]:
    """``người chủ trì theo kế hoạch: 26, suy luận: 14`` for the accountable field, then
    ``lịch suy luận: 38`` for each other field something was inferred in."""
    out = []
    for name, n in counts.items():
        label = ctx.t(f"provenance.field.{name}")
        if name == who:
            out.append(ctx.t("cli.provenance_who", field=label, **n))
        elif n["inferred"]:
            total = (
                n["inferred"] if n["given"] == n["inferred"] else f"{n['inferred']}/{n['given']}"
            )
            out.append(ctx.t("cli.provenance_field", field=label, inferred=total))
    return out


def provenance_lines(summary: dict[str, Any], ctx: AppContext) -> list[str]:
    """What the plan states and what was inferred: the plan, tasks, targets, positions."""
    prov = summary["provenance"]
    lines = [ctx.t("cli.provenance_title")]
    plan_fields = [ctx.t(f"provenance.field.{f}") for f in prov["plan"]["inferred"]]
    if plan_fields:
        lines.append("  " + ctx.t("cli.provenance_plan", fields=", ".join(plan_fields)))
    for kind, who in (("tasks", "lead"), ("targets", "owner"), ("roles", "")):
        part = prov[kind]
        head = ctx.t(f"cli.provenance_{kind}", n=part["total"])
        if part.get("not_in_plan"):
            head += " " + ctx.t("cli.provenance_not_in_plan", n=part["not_in_plan"])
        lines.append("  " + "; ".join([head, *_fields(part["fields"], who, ctx)]))
    funding = summary["plan"].get("funding")
    if funding:
        sources = ", ".join(s["text"] for s in funding["sources"])
        lines.append("  " + ctx.t("cli.provenance_funding", sources=sources))
    return lines
