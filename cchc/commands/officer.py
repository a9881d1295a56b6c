"""``cchc officer …``: people, and who holds which position when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt, UnitOpt
from cchc.render import console, print_json
from domain.errors import LocalizedError
from responsibilities.holding import Holding

if TYPE_CHECKING:
    from domain.plan import Role

app = typer.Typer(
    help="Cán bộ và phân công chức danh. Officers and positions.", no_args_is_help=True
)


def parse_day(value: str) -> dt.date:
    from domain.clock import MAX_YEAR, MIN_YEAR
    from responsibilities.roster import parse_date

    day = parse_date(value)
    if day is None:
        raise LocalizedError("error.bad_date", value=value)
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise LocalizedError("error.day_out_of_range", value=value, low=MIN_YEAR, high=MAX_YEAR)
    return day


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Họ tên.")],
    email: Annotated[str, typer.Argument()],
    phone: Annotated[str, typer.Option("--phone")] = "",
    unit: UnitOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Thêm cán bộ. Add an officer."""
    app_ctx: AppContext = ctx.obj
    from application.people import add_officer

    added = add_officer(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        name=name,
        email=email,
        phone=phone,
        unit=unit,
    )
    if json:
        print_json(added.as_dict())
        return
    console.print(app_ctx.t("cli.officer_added", name=added.name, email=added.email))


@app.command("assign")
def assign(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument()],
    position: Annotated[str, typer.Argument(help="Mã chức danh, ví dụ vice_chairman.")],
    start: Annotated[str, typer.Option("--from", help="Từ ngày (YYYY-MM-DD hoặc DD/MM/YYYY).")],
    end: Annotated[
        str | None, typer.Option("--to", help="Đến ngày (bỏ trống: chưa kết thúc).")
    ] = None,
    scope: Annotated[
        str | None, typer.Option("--scope", help="Lĩnh vực phụ trách, ví dụ 3,6,7.")
    ] = None,
    acting: Annotated[bool, typer.Option("--acting", help="Quyền (giữ thay chức danh).")] = False,
    delegate: Annotated[bool, typer.Option("--delegate", help="Ủy quyền.")] = False,
    acting_for: Annotated[
        str | None, typer.Option("--for", help="Email người được thay/ủy quyền.")
    ] = None,
    unit: UnitOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Giao chức danh cho cán bộ trong một khoảng thời gian. Assign a position for a date range."""
    app_ctx: AppContext = ctx.obj
    from application.people import assign as run_assign
    from responsibilities.roster import split_scope

    if acting and delegate:
        raise typer.BadParameter("--acting / --delegate")
    kind = "acting" if acting else "delegate" if delegate else "holder"
    result = run_assign(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        email=email,
        position=position,
        start=parse_day(start),
        end=parse_day(end) if end else None,
        kind=kind,
        scope=split_scope(scope or ""),
        acting_for=acting_for,
        unit=unit,
    )
    if json:
        print_json(result.as_dict())
        return
    console.print(
        app_ctx.t("cli.assigned", email=email, position=position, start=start, end=end or "…")
    )
    if result.rerouted:
        console.print(app_ctx.t("cli.rerouted", n=result.rerouted))


@app.command("end")
def end(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument()],
    position: Annotated[str, typer.Argument()],
    on: Annotated[str, typer.Option("--on", help="Ngày cuối cùng giữ chức danh.")],
    unit: UnitOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Kết thúc việc giữ chức danh. End a holding on a date."""
    app_ctx: AppContext = ctx.obj
    from application.people import end_holding

    result = end_holding(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        email=email,
        position=position,
        on=parse_day(on),
        unit=unit,
    )
    if json:
        print_json(result.as_dict())
        return
    console.print(app_ctx.t("cli.ended", email=email, position=position, on=on))
    if result.rerouted:
        console.print(app_ctx.t("cli.rerouted", n=result.rerouted))


@app.command("list")
def list_(
    ctx: typer.Context,
    on: Annotated[
        str | None, typer.Option("--on", help="Chỉ phân công còn hiệu lực vào ngày này.")
    ] = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Danh sách cán bộ và chức danh. Officers and their positions."""
    app_ctx: AppContext = ctx.obj
    from application.people import list_officers

    listed = list_officers(app_ctx.uow(), unit=unit, on=parse_day(on) if on else None)
    if json:
        print_json(listed.as_dict())
        return
    from rich.table import Table

    table = Table(title=app_ctx.t("cli.officers_title", unit=listed.unit))
    for key in ("label.name", "label.email", "label.phone", "label.positions"):
        table.add_column(app_ctx.t(key))
    for v in listed.officers:
        held = "\n".join(_holding_text(h, app_ctx, listed.roles) for h in v.holdings)
        table.add_row(v.name, v.email, v.phone, held)
    console.print(table)


def _holding_text(h: Holding, ctx: AppContext, roles: Sequence[Role] = ()) -> str:
    from domain.labels import position_label

    kind = f" ({ctx.t('kind.' + h.kind)})" if h.kind != "holder" else ""
    scope = f" [{','.join(h.scope)}]" if h.scope else ""
    until = f"{h.end:%d/%m/%Y}" if h.end else ""
    position = position_label(h.position, roles, ctx.lang)
    return f"{position}{kind}{scope} {h.start:%d/%m/%Y}–{until}"


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Danh sách CSV hoặc XLSX.")],
    unit: UnitOpt = None,
    json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Nhập danh sách cán bộ (CSV/XLSX): có lỗi thì không nhập gì. Import a roster, all or nothing."""
    app_ctx: AppContext = ctx.obj
    from application.people import import_roster
    from application.tables import read_table

    header, rows = read_table(file)
    result = import_roster(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        header=header,
        rows=rows,
        file=str(file),
        unit=unit,
    )
    if json:
        print_json(result.as_dict())
        return
    console.print(
        app_ctx.t(
            "cli.imported",
            rows=result.rows,
            officers=result.officers,
            assignments=result.assignments,
        )
    )
    if result.rerouted:
        console.print(app_ctx.t("cli.rerouted", n=result.rerouted))


@app.command("contact")
def contact(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument()],
    apprise: Annotated[
        list[str] | None,
        typer.Option(
            "--apprise", help="URL Apprise (Telegram, Slack, Teams, ntfy, json://…); lặp lại được."
        ),
    ] = None,
    clear_apprise: Annotated[
        bool, typer.Option("--clear-apprise", help="Xóa mọi URL Apprise.")
    ] = False,
    channels: Annotated[
        str | None, typer.Option("--channels", help="email, apprise (phân cách bằng dấu phẩy).")
    ] = None,
    digest: Annotated[
        bool | None, typer.Option("--digest/--no-digest", help="Một thư tổng hợp mỗi sáng.")
    ] = None,
    quiet: Annotated[
        bool | None,
        typer.Option(
            "--quiet/--no-quiet", help="Không nhận thư ngoài giờ làm việc (trừ báo cáo trễ hạn)."
        ),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--message-lang", help="Ngôn ngữ thư: vi | en.")
    ] = None,
    unit: UnitOpt = None,
    now: NowOpt = None,
) -> None:
    """Nơi nhận và cách nhận thông báo của cán bộ. An officer's contact points and preferences."""
    app_ctx: AppContext = ctx.obj
    from application.people import set_contact

    chosen = [c.strip() for c in channels.split(",") if c.strip()] if channels else None
    for value in chosen or []:
        if value not in ("email", "apprise"):
            raise typer.BadParameter(f"--channels {value}: email, apprise")
    if lang is not None and lang not in ("vi", "en"):
        raise typer.BadParameter("--message-lang vi | en")
    urls = [] if clear_apprise else (list(apprise) if apprise else None)
    result = set_contact(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        email=email,
        apprise_urls=urls,
        channels=chosen,
        digest=digest,
        quiet=quiet,
        lang=lang,
        unit=unit,
    )
    console.print(app_ctx.t("cli.contact_set", email=result.email))
