"""``cchc calendar …``: the working-day calendar and its overrides."""

from __future__ import annotations

from typing import Annotated

import typer

from cchc.commands.officer import parse_day
from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt, UnitOpt
from cchc.render import console, print_json
from domain.clock import MAX_YEAR, MIN_YEAR
from domain.workdays import MAX_WORKING_DAYS

app = typer.Typer(help="Lịch ngày làm việc. The working-day calendar.", no_args_is_help=True)


@app.command("show")
def show(
    ctx: typer.Context,
    year: Annotated[int, typer.Argument(min=MIN_YEAR, max=MAX_YEAR)],
    json: JsonOpt = False,
) -> None:
    """Ngày nghỉ lễ, ngày nghỉ thêm và ngày làm bù của một năm. Holidays and overrides of a year."""
    app_ctx: AppContext = ctx.obj
    from application.administration import calendar_year

    cal = calendar_year(app_ctx.uow(), year=year, lang=app_ctx.lang)
    if json:
        print_json(cal.as_dict())
        return
    from rich.table import Table

    from domain.workdays import weekday_date

    table = Table(title=app_ctx.t("cli.calendar_title", year=year, n=cal.working_days))
    for key in ("label.date", "label.day_kind", "label.reason"):
        table.add_column(app_ctx.t(key))
    for d in cal.days:
        table.add_row(weekday_date(d.date, app_ctx.lang), app_ctx.t(f"day.{d.kind}"), d.reason)
    console.print(table)


@app.command("set")
def set_(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="Ngày (YYYY-MM-DD hoặc DD/MM/YYYY).")],
    off: Annotated[bool, typer.Option("--off", help="Ngày nghỉ.")] = False,
    working: Annotated[bool, typer.Option("--working", help="Ngày làm việc (làm bù).")] = False,
    reason: Annotated[str, typer.Option("--reason", help="Căn cứ, ví dụ số văn bản.")] = "",
    unit: UnitOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Đặt một ngày là ngày nghỉ hoặc ngày làm bù, kèm căn cứ. Set a day off or a make-up working day."""
    app_ctx: AppContext = ctx.obj
    from application.administration import set_override

    if off == working:
        raise typer.BadParameter("--off | --working")
    if not reason.strip():
        raise typer.BadParameter("--reason")
    result = set_override(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        day=parse_day(day),
        working=working,
        reason=reason,
        unit=unit,
    )
    if json:
        print_json(result.as_dict())
        return
    console.print(
        app_ctx.t(
            "cli.calendar_set",
            day=result.day.isoformat(),
            kind=app_ctx.t("day.make_up" if working else "day.override"),
        )
    )


@app.command("clear")
def clear(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="Ngày (YYYY-MM-DD hoặc DD/MM/YYYY).")],
    unit: UnitOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Bỏ ngày nghỉ thêm hoặc ngày làm bù đã đặt. Remove the override of a day."""
    app_ctx: AppContext = ctx.obj
    from application.administration import clear_override

    result = clear_override(
        app_ctx.uow(), app_ctx.identity, app_ctx.now(now, unit=unit), day=parse_day(day), unit=unit
    )
    if json:
        print_json(result.as_dict())
        return
    key = "cli.calendar_cleared" if result.cleared else "cli.calendar_not_set"
    console.print(app_ctx.t(key, day=result.day.isoformat()))


@app.command("add", context_settings={"ignore_unknown_options": True})
def add(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument()],
    n: Annotated[
        int,
        typer.Argument(
            min=-MAX_WORKING_DAYS, max=MAX_WORKING_DAYS, help="Số ngày làm việc (âm: lùi lại)."
        ),
    ],
    json: JsonOpt = False,
) -> None:
    """Ngày sau N ngày làm việc. The date N working days later (earlier when N < 0)."""
    app_ctx: AppContext = ctx.obj
    from application.administration import add_working_days
    from domain.workdays import weekday_date

    later = add_working_days(app_ctx.uow(), start=parse_day(day), n=n)
    if json:
        print_json(later.as_dict())
        return
    console.print(weekday_date(later.date, app_ctx.lang))
