"""``cchc calendar …``: the working-day calendar and its overrides."""

from __future__ import annotations

from typing import Annotated

import typer

from cchc.commands.officer import parse_day
from cchc.context import AppContext
from cchc.options import JsonOpt
from cchc.render import console, print_json

app = typer.Typer(help="Lịch ngày làm việc. The working-day calendar.", no_args_is_help=True)


@app.command("show")
def show(ctx: typer.Context, year: Annotated[int, typer.Argument()], json: JsonOpt = False) -> None:
    """Ngày nghỉ lễ, ngày nghỉ thêm và ngày làm bù của một năm. Holidays and overrides of a year."""
    app_ctx: AppContext = ctx.obj
    from sqlmodel import Session

    from storage.calendar import load_calendar

    with Session(app_ctx.engine()) as session:
        cal = load_calendar(session=session, years=[year])
    days = [
        {
            "date": d.isoformat(),
            "working": working,
            "reason": why,
            "kind": "make_up" if working else ("override" if d in cal.days_off else "holiday"),
        }
        for d, working, why in cal.days(year)
    ]
    import datetime as dt

    total = sum(
        cal.is_working(dt.date(year, 1, 1) + dt.timedelta(days=i))
        for i in range(366)
        if (dt.date(year, 1, 1) + dt.timedelta(days=i)).year == year
    )
    if json:
        print_json({"year": year, "working_days": total, "days": days})
        return
    from rich.table import Table

    from domain.workdays import weekday_date

    table = Table(title=app_ctx.t("cli.calendar_title", year=year, n=total))
    for key in ("label.date", "label.day_kind", "label.reason"):
        table.add_column(app_ctx.t(key))
    for d in days:
        table.add_row(
            weekday_date(dt.date.fromisoformat(str(d["date"])), app_ctx.lang),
            app_ctx.t(f"day.{d['kind']}"),
            str(d["reason"]),
        )
    console.print(table)


@app.command("set")
def set_(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="Ngày (YYYY-MM-DD hoặc DD/MM/YYYY).")],
    off: Annotated[bool, typer.Option("--off", help="Ngày nghỉ.")] = False,
    working: Annotated[bool, typer.Option("--working", help="Ngày làm việc (làm bù).")] = False,
    reason: Annotated[str, typer.Option("--reason", help="Căn cứ, ví dụ số văn bản.")] = "",
) -> None:
    """Đặt một ngày là ngày nghỉ hoặc ngày làm bù, kèm căn cứ. Set a day off or a make-up working day."""
    app_ctx: AppContext = ctx.obj
    from storage.calendar import set_override
    from storage.db import transaction

    if off == working:
        raise typer.BadParameter("--off | --working")
    if not reason.strip():
        raise typer.BadParameter("--reason")
    when = parse_day(day)
    with transaction(app_ctx.engine()) as session:
        set_override(when, working, reason, session=session, actor=app_ctx.actor, now=app_ctx.now())
    console.print(
        app_ctx.t(
            "cli.calendar_set",
            day=when.isoformat(),
            kind=app_ctx.t("day.make_up" if working else "day.override"),
        )
    )


@app.command("add", context_settings={"ignore_unknown_options": True})
def add(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument()],
    n: Annotated[int, typer.Argument(help="Số ngày làm việc (âm: lùi lại).")],
    json: JsonOpt = False,
) -> None:
    """Ngày sau N ngày làm việc. The date N working days later (earlier when N < 0)."""
    app_ctx: AppContext = ctx.obj
    from sqlmodel import Session

    from domain.workdays import weekday_date
    from storage.calendar import load_calendar

    start = parse_day(day)
    with Session(app_ctx.engine()) as session:
        cal = load_calendar(session=session, years=[start.year])
    result = cal.add(start, n)
    if json:
        print_json({"from": start.isoformat(), "working_days": n, "date": result.isoformat()})
        return
    console.print(weekday_date(result, app_ctx.lang))
