"""The completeness report for people: a table with progress bars, then who owes what."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from cchc.context import AppContext
from domain import completeness as core


def _bar(part: int, whole: int) -> RenderableType:
    share = f"{100 * part / whole:.0f}%" if whole else "—"
    return Group(
        Text(f"{part}/{whole} ({share})"),
        ProgressBar(total=max(whole, 1), completed=part, width=20),
    )


def render_completeness(report: core.CompletenessReport, ctx: AppContext, console: Console) -> None:
    by = ctx.t(f"cli.completeness_by.{report.by}")
    table = Table(title=ctx.t("cli.completeness_title", by=by, plan=report.plan))
    table.add_column(ctx.t("cli.completeness_group"), overflow="fold", max_width=48)
    table.add_column(ctx.t("cli.completeness_occurrences"), justify="right")
    table.add_column(ctx.t("cli.completeness_required"), justify="right")
    table.add_column(ctx.t("cli.completeness_provided"))
    table.add_column(ctx.t("cli.completeness_accepted"))
    for g in (*report.groups, report.total):
        table.add_row(
            Text(g.label, style="bold" if g is report.total else ""),
            str(g.occurrences),
            str(g.required),
            _bar(g.provided, g.required),
            _bar(g.accepted, g.required),
            end_section=g is report.groups[-1] if report.groups else False,
        )
    console.print(table)
    if not report.owed:
        console.print(ctx.t("cli.completeness_none_owed"))
        return
    owes = Table(title=ctx.t("cli.completeness_owes_title", n=len(report.owed)))
    owes.add_column(ctx.t("label.officers"))
    owes.add_column(ctx.t("label.task"))
    owes.add_column(ctx.t("label.period"))
    owes.add_column(ctx.t("label.due"))
    owes.add_column(ctx.t("cli.completeness_missing"), overflow="fold", max_width=70)
    owes.add_column(ctx.t("cli.completeness_overdue"), justify="right")
    for o in report.owed:
        owes.add_row(
            o.officer_name or o.officer or ctx.t("label.vacant"),
            o.task,
            o.period,
            o.due_date.strftime("%d/%m/%Y"),
            Text("\n".join(f"• {m}" for m in o.missing)),
            Text(str(o.working_days_overdue), style="red" if o.working_days_overdue else ""),
        )
    console.print(owes)
