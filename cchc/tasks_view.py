"""The ``cchc tasks`` table: task codes and deadlines are never cut, titles wrap; periods read as
officers write them ("quý II/2020").

In a narrow terminal (an 80-column console) the deadline's weekday goes under its date and the
officer under the status; a list of one officer's work names the officer in the title instead
of a column repeating the same name.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cchc.context import AppContext
from domain.numbers import percent
from domain.occurrence import OccurrenceView
from domain.periods import period_label
from domain.progress import CATEGORIES, Progress
from domain.workdays import WEEKDAY_NAMES_EN, WEEKDAY_NAMES_VI, weekday_date

NARROW = 110  # columns below which the deadline takes two lines


def render_tasks(
    rows: Sequence[OccurrenceView], ctx: AppContext, console: Console, *, one_officer: bool
) -> None:
    names = {r.officer_name for r in rows}
    single = one_officer and len(names) == 1 and None not in names
    narrow = console.width < NARROW
    title = (
        ctx.t("cli.tasks_title_of", name=next(iter(names)), n=len(rows))
        if single
        else ctx.t("cli.tasks_title", n=len(rows))
    )
    table = Table(title=title)
    table.add_column(ctx.t("label.task"), no_wrap=True)  # codes and dates stay whole
    # "6 tháng đầu năm 2020" wraps in a narrow terminal, a week's dates go under its number
    table.add_column(ctx.t("label.period"), no_wrap=not narrow, overflow="fold")
    table.add_column(ctx.t("label.due"), no_wrap=True)
    beside = not single and not narrow  # the officer in a column of their own
    under = not single and narrow  # the officer under the status
    status_head = ctx.t("label.status")
    if under:
        status_head += " / " + ctx.t("label.officers")
    table.add_column(status_head, overflow="fold", max_width=18 if narrow else None)
    if beside:
        table.add_column(ctx.t("label.officers"), overflow="fold")
    table.add_column(ctx.t("label.title"), overflow="fold")
    weekdays = WEEKDAY_NAMES_EN if ctx.lang == "en" else WEEKDAY_NAMES_VI
    for r in rows:
        due = (
            f"{r.due_date:%d/%m/%Y}\n{weekdays[r.due_date.weekday()]}"
            if narrow
            else weekday_date(r.due_date, ctx.lang)
        )
        status = Text(ctx.t(f"status.{r.status}"))
        if r.overdue:
            late = -r.working_days_left  # 0: the deadline passed less than a working day ago
            said = ctx.t("cli.late_by", n=late) if late > 0 else ctx.t("cli.overdue_passed")
            status.append("\n" + said, style="red")
        officer = r.officer_name or ctx.t("label.vacant")
        if under:
            status.append("\n" + officer, style="italic")
        cells: list[str | Text] = [r.task, period_label(r.period, ctx.lang), due, status]
        if beside:
            cells.append(officer)
        cells.append(r.title)
        table.add_row(*cells)
    console.print(table)


def progress_line(progress: Progress, ctx: AppContext) -> str:
    """ "833 nhiệm vụ: 585 đã hoàn thành đúng hạn (70,2%), …" — each category's count and share
    of the total, then the waived ones apart when there are any."""
    parts = [
        ctx.t(
            f"cli.progress.{c}",
            n=progress.count(c),
            share=percent(progress.share(c), ctx.lang),
        )
        for c in CATEGORIES
    ]
    line = ctx.t("cli.progress_line", total=progress.total, parts="; ".join(parts))
    if progress.waived:
        line += " " + ctx.t("cli.progress_waived", n=progress.waived)
    return line


def render_progress(progress: Progress, ctx: AppContext, console: Console) -> None:
    console.print(progress_line(progress, ctx))
