"""``cchc officer …``: people, and who holds which position when."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt, UnitOpt
from cchc.render import console, print_json
from domain.errors import LocalizedError
from responsibilities.holding import Holding

app = typer.Typer(
    help="Cán bộ và phân công chức danh. Officers and positions.", no_args_is_help=True
)


def parse_day(value: str) -> dt.date:
    from responsibilities.roster import parse_date

    day = parse_date(value)
    if day is None:
        raise LocalizedError("error.bad_date", value=value)
    return day


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Họ tên.")],
    email: Annotated[str, typer.Argument()],
    phone: Annotated[str, typer.Option("--phone")] = "",
    unit: UnitOpt = None,
) -> None:
    """Thêm cán bộ. Add an officer."""
    app_ctx: AppContext = ctx.obj
    from storage.db import transaction
    from storage.officers import add_officer
    from storage.units import resolve_unit

    with transaction(app_ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        row = add_officer(
            name,
            email,
            phone,
            session=session,
            unit_id=unit_row.id or 0,
            actor=app_ctx.actor,
            now=app_ctx.now(),
        )
    console.print(app_ctx.t("cli.officer_added", name=row.name, email=row.email))


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
) -> None:
    """Giao chức danh cho cán bộ trong một khoảng thời gian. Assign a position for a date range."""
    app_ctx: AppContext = ctx.obj
    from responsibilities.roster import split_scope
    from storage.db import transaction
    from storage.occurrences import reroute_unit
    from storage.officers import assign as do_assign
    from storage.plans import find_plan, read_plan_record
    from storage.units import resolve_unit

    if acting and delegate:
        raise typer.BadParameter("--acting / --delegate")
    kind = "acting" if acting else "delegate" if delegate else "holder"
    areas = split_scope(scope or "")
    with transaction(app_ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        if areas:
            known = {
                a.code
                for a in read_plan_record(
                    find_plan(session=session, unit_id=uid), session=session
                ).areas
            }
            for code in areas:
                if code not in known:
                    raise LocalizedError(
                        "error.bad_scope", value=code, known=", ".join(sorted(known))
                    )
        do_assign(
            email,
            position,
            parse_day(start),
            session=session,
            unit_id=uid,
            actor=app_ctx.actor,
            now=app_ctx.now(now),
            end=parse_day(end) if end else None,
            kind=kind,
            scope=areas,
            acting_for=acting_for,
            unit_code=unit_row.code,
        )
        reroute_unit(uid, session=session, actor=app_ctx.actor, now=app_ctx.now(now))
    console.print(
        app_ctx.t("cli.assigned", email=email, position=position, start=start, end=end or "…")
    )


@app.command("end")
def end(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument()],
    position: Annotated[str, typer.Argument()],
    on: Annotated[str, typer.Option("--on", help="Ngày cuối cùng giữ chức danh.")],
    unit: UnitOpt = None,
    now: NowOpt = None,
) -> None:
    """Kết thúc việc giữ chức danh. End a holding on a date."""
    app_ctx: AppContext = ctx.obj
    from storage.db import transaction
    from storage.occurrences import reroute_unit
    from storage.officers import end_assignment
    from storage.units import resolve_unit

    with transaction(app_ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        end_assignment(
            email,
            position,
            parse_day(on),
            session=session,
            unit_id=unit_row.id or 0,
            actor=app_ctx.actor,
            now=app_ctx.now(now),
            unit_code=unit_row.code,
        )
        reroute_unit(unit_row.id or 0, session=session, actor=app_ctx.actor, now=app_ctx.now(now))
    console.print(app_ctx.t("cli.ended", email=email, position=position, on=on))


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
    from sqlmodel import Session

    from storage.officers import list_officers
    from storage.units import resolve_unit

    with Session(app_ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        views = list_officers(
            session=session, unit_id=unit_row.id or 0, on=parse_day(on) if on else None
        )
    if json:
        print_json([v.as_dict() for v in views])
        return
    from rich.table import Table

    table = Table(title=app_ctx.t("cli.officers_title", unit=unit_row.code))
    for key in ("label.name", "label.email", "label.phone", "label.positions"):
        table.add_column(app_ctx.t(key))
    for v in views:
        held = "\n".join(_holding_text(h, app_ctx) for h in v.holdings)
        table.add_row(v.name, v.email, v.phone, held)
    console.print(table)


def _holding_text(h: Holding, ctx: AppContext) -> str:
    kind = f" ({ctx.t('kind.' + h.kind)})" if h.kind != "holder" else ""
    scope = f" [{','.join(h.scope)}]" if h.scope else ""
    until = f"{h.end:%d/%m/%Y}" if h.end else ""
    return f"{h.position}{kind}{scope} {h.start:%d/%m/%Y}–{until}"


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
    from cchc.tables import read_table
    from responsibilities.roster import read_roster
    from storage.db import transaction
    from storage.occurrences import reroute_unit
    from storage.officers import import_roster, known_names
    from storage.plans import find_plan, read_plan_record
    from storage.units import resolve_unit

    header, rows = read_table(file)
    with transaction(app_ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        plan = read_plan_record(find_plan(session=session, unit_id=uid), session=session)
        entries = read_roster(
            header,
            rows,
            file=str(file),
            positions={r.code for r in plan.roles},
            areas={a.code for a in plan.areas},
            known_names=known_names(session=session, unit_id=uid),
        )
        counts = import_roster(
            entries,
            session=session,
            unit_id=uid,
            actor=app_ctx.actor,
            now=app_ctx.now(now),
            unit_code=unit_row.code,
        )
        reroute_unit(uid, session=session, actor=app_ctx.actor, now=app_ctx.now(now))
    if json:
        print_json({"file": str(file), "rows": len(entries), **counts})
        return
    console.print(app_ctx.t("cli.imported", rows=len(entries), **counts))


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
    from storage.db import transaction
    from storage.officers import set_contact
    from storage.units import resolve_unit

    chosen = [c.strip() for c in channels.split(",") if c.strip()] if channels else None
    for value in chosen or []:
        if value not in ("email", "apprise"):
            raise typer.BadParameter(f"--channels {value}: email, apprise")
    if lang is not None and lang not in ("vi", "en"):
        raise typer.BadParameter("--message-lang vi | en")
    urls = [] if clear_apprise else (list(apprise) if apprise else None)
    with transaction(app_ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        set_contact(
            email,
            session=session,
            unit_id=unit_row.id or 0,
            actor=app_ctx.actor,
            now=app_ctx.now(now),
            apprise_urls=urls,
            channels=chosen,
            digest=digest,
            quiet=quiet,
            lang=lang,
        )
    console.print(app_ctx.t("cli.contact_set", email=email))
