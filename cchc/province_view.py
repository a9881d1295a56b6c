"""The province's tables for people: units × areas with what is done of what is due and what
is overdue; the units whose self-assessment is not submitted; a KPI's ranking with its
sparkline of months (▁▂▃, · for a month without data). Codes are never cut; names wrap."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from application.province import ProvinceKpis, ProvinceProgress, Ranking
from cchc.context import AppContext
from cchc.render import fmt_num
from cchc.tasks_view import progress_line


def _cell(done: int, due: int, overdue: int, ctx: AppContext) -> Text:
    text = Text(f"{done}/{due}", no_wrap=True)
    if overdue:
        text.append(f"\n{overdue} {ctx.t('province.overdue').lower()}", style="red")
    return text


def render_progress(table: ProvinceProgress, ctx: AppContext, console: Console) -> None:
    out = Table(
        title=ctx.t("province.progress_title", year=table.year, name=table.name),
        caption=ctx.t("province.progress_caption", today=f"{table.today:%d/%m/%Y}"),
    )
    out.add_column(ctx.t("province.unit"), overflow="fold", ratio=2)
    for code, _ in table.areas:
        out.add_column(code or ctx.t("label.vacant"), justify="right", no_wrap=True)
    out.add_column(ctx.t("label.total"), justify="right", no_wrap=True)
    out.add_column(ctx.t("province.documents"), justify="right", no_wrap=True)
    out.add_column(ctx.t("province.assessment"), overflow="fold", ratio=1)
    for u in table.units:
        label = Text(u.code, no_wrap=True)
        if u.name != u.code:
            label.append(f"\n{u.name}", style="dim")
        if u.plan is None:
            out.add_row(
                label,
                *[""] * len(table.areas),
                "",
                "",
                Text(
                    u.assessment_text(ctx.lang)
                    if u.ended
                    else ctx.t("province.no_plan", year=table.year),
                    style="dim",
                ),
            )
            continue
        cells = []
        for code, _ in table.areas:
            c = u.cells.get(code)
            cells.append(_cell(c.done, c.due, c.overdue, ctx) if c else Text(""))
        docs = u.total.documents
        share = u.total.share()
        state = u.assessment_text(ctx.lang)
        style = "green" if u.assessment == "submitted" else "dim" if u.ended else "yellow"
        out.add_row(
            label,
            *cells,
            _cell(u.total.done, u.total.due, u.total.overdue, ctx),
            Text(
                f"{docs.provided}/{docs.required}"
                + (f"\n{share * 100:.0f}%" if share is not None else ""),
                no_wrap=True,
            ),
            Text(state, style=style),
        )
    console.print(out)
    for _, title in table.areas:
        console.print(Text(title, overflow="fold"))
    for u in table.units:
        if u.plan is not None:
            console.print(Text(f"{u.code}: ", style="bold") + Text(progress_line(u.progress, ctx)))
    late = table.not_submitted
    if not late:
        console.print(ctx.t("province.all_submitted"), markup=False)
        return
    console.print(
        Text(ctx.t("province.not_submitted_title", n=len(late), year=table.year), style="bold")
    )
    days = table.days_left
    if table.assessment_due is not None and days is not None:
        due = f"{table.assessment_due:%d/%m/%Y}"
        key = "province.assessment_due" if days >= 0 else "province.assessment_late"
        console.print(ctx.t(key, due=due, days=abs(days)), markup=False)
    for u in late:
        name = f"{u.code} — {u.name}" if u.name != u.code else u.code
        console.print(f"• {name}: {u.assessment_text(ctx.lang)}", markup=False)


def _ranking(result: ProvinceKpis, ranking: Ranking, ctx: AppContext) -> Table:
    period = (
        ctx.t("province.period_quarter", quarter=result.quarter, year=result.year)
        if result.quarter
        else ctx.t("province.period_year", year=result.year)
    )
    table = Table(
        title=ctx.t("province.kpi_title", label=ranking.label, name=result.name, period=period)
    )
    table.add_column(ctx.t("province.rank"), justify="right", no_wrap=True)
    table.add_column(ctx.t("province.unit"), overflow="fold", ratio=2)
    table.add_column(ctx.t("province.value"), justify="right", no_wrap=True)
    table.add_column(ctx.t("province.counts"), justify="right", no_wrap=True)
    table.add_column(ctx.t("province.target"), overflow="fold", ratio=1)
    first, last = result.months[0], result.months[-1]
    table.add_column(ctx.t("province.months", first=first, last=last), no_wrap=True)
    for r in ranking.rows:
        value = r.rate.value
        verdict = ctx.t(f"province.verdict.{r.verdict or 'none'}")
        style = {"met": "green", "not_met": "red"}.get(r.verdict or "", "dim")
        shown = Text(verdict, style=style)
        if r.targets:
            shown.append(" (" + ", ".join(code for code, _ in r.targets) + ")", style="dim")
        table.add_row(
            str(r.rank) if r.rank is not None else "—",
            Text(r.unit, no_wrap=True)
            + (Text(f"\n{r.name}", style="dim") if r.name != r.unit else Text("")),
            f"{fmt_num(round(value, 1), ctx.lang)}%" if value is not None
            else ctx.t("province.no_data"),
            f"{r.rate.numerator}/{r.rate.denominator}",
            shown,
            r.sparkline,
        )  # fmt: skip
    return table


def render_kpis(result: ProvinceKpis, ctx: AppContext, console: Console) -> None:
    for ranking in result.rankings:
        console.print(_ranking(result, ranking, ctx))
