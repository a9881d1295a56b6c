"""The completeness report for people: per group, what was due so far next to the whole year
(with progress bars), then who owes what. Codes and dates are never cut; labels wrap."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from cchc.context import AppContext
from cchc.tasks_view import progress_line
from domain import completeness as core
from domain.periods import period_label


def _bar(part: int, whole: int) -> RenderableType:
    share = f"{100 * part / whole:.0f}%" if whole else "—"
    return Group(
        Text(f"{part}/{whole} ({share})", no_wrap=True),
        ProgressBar(total=max(whole, 1), completed=part, width=12),
    )


def _row(table: Table, label: Text, scope: str, tally: core.Tally, *, last: bool) -> None:
    table.add_row(
        label,
        scope,
        str(tally.occurrences),
        str(tally.required),
        _bar(tally.provided, tally.required),
        _bar(tally.accepted, tally.required),
        end_section=last,
    )


def render_completeness(report: core.CompletenessReport, ctx: AppContext, console: Console) -> None:
    by = ctx.t(f"completeness.by.{report.by}")
    table = Table(
        title=ctx.t("completeness.title", by=by, plan=report.plan),
        caption=ctx.t("completeness.scopes", today=f"{report.today:%d/%m/%Y}"),
    )
    table.add_column(ctx.t("completeness.group"), overflow="fold", ratio=1)
    table.add_column("", no_wrap=True)
    table.add_column(ctx.t("completeness.occurrences"), justify="right")
    table.add_column(ctx.t("completeness.required"), justify="right")
    table.add_column(ctx.t("completeness.provided"), no_wrap=True)
    table.add_column(ctx.t("completeness.accepted"), no_wrap=True)
    for g in (*report.groups, report.total):
        style = "bold" if g is report.total else ""
        year = core.Tally(g.occurrences, g.required, g.provided, g.accepted)
        _row(table, Text(g.label, style=style), ctx.t("completeness.due_so_far"),
             g.due_so_far, last=False)  # fmt: skip
        _row(table, Text(""), ctx.t("completeness.year"), year, last=True)
    console.print(table)
    console.print(progress_line(report.progress, ctx))
    if not report.owed:
        console.print(ctx.t("completeness.none_owed"))
        return
    owes = Table(title=ctx.t("completeness.owes_title", n=len(report.owed)))
    owes.add_column(ctx.t("label.officers"), overflow="fold", ratio=1)
    owes.add_column(ctx.t("label.task"), no_wrap=True)
    owes.add_column(ctx.t("label.period"), overflow="fold")
    owes.add_column(ctx.t("label.due"), no_wrap=True)
    owes.add_column(ctx.t("completeness.missing"), overflow="fold", ratio=2)
    owes.add_column(ctx.t("completeness.overdue"), justify="right")
    for o in report.owed:
        owes.add_row(
            o.officer_name or o.officer or ctx.t("label.vacant"),
            o.task,
            period_label(o.period, ctx.lang),
            o.due_date.strftime("%d/%m/%Y"),
            Text("\n".join(f"• {m}" for m in o.missing)),
            Text(str(o.working_days_overdue), style="red" if o.working_days_overdue else ""),
        )
    console.print(owes)
