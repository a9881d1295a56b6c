"""Rendering the plan summary with rich."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from cchc.context import AppContext
from cchc.render import console


def render_summary(summary: dict[str, Any], ctx: AppContext) -> None:
    p = summary["plan"]
    units = " → ".join(u["name"] or u["code"] for u in p["unit"])
    console.print(Text.assemble((p["title"], "bold"), f"  ({p['code']})"))
    console.print(
        ctx.t(
            "cli.plan_header",
            unit=units,
            year=p["year"],
            issued=p["issued"] or "—",
            framework=p["framework"] or "—",
        )
    )
    c = summary["counts"]
    console.print(ctx.t("cli.plan_counts", **{k: v for k, v in c.items() if k != "every"}))
    console.print(ctx.t("cli.plan_every") + ", ".join(f"{k}: {v}" for k, v in c["every"].items()))

    targets = Table(title=ctx.t("cli.targets_title"), show_lines=False)
    for key in ("label.code", "label.target", "label.formula", "label.owner"):
        targets.add_column(ctx.t(key))
    for t in summary["targets"]:
        targets.add_row(
            t["code"],
            t["title"],
            t["formula"] + (" *" if t["source"] == "inferred" else ""),
            t["owner"],
        )
    console.print(targets)

    areas = Table(title=ctx.t("cli.areas_title"))
    for key in ("label.area", "label.title", "label.tasks"):
        areas.add_column(ctx.t(key))
    for a in summary["areas"]:
        areas.add_row(a["code"], a["title"], f"{len(a['tasks'])}: " + ", ".join(a["tasks"]))
    console.print(areas)
