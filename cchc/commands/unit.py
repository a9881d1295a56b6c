"""``cchc unit …``: the administrative units over time — the tree, mergers and renamings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt
from cchc.render import console, print_json

if TYPE_CHECKING:
    from application.unit_mergers import Merged
    from application.units import UnitView

app = typer.Typer(
    help="Đơn vị hành chính qua các thời kỳ: cây đơn vị, sáp nhập, đổi tên. "
    "Administrative units over time.",
    no_args_is_help=True,
)

OnOpt = Annotated[
    str | None, typer.Option("--on", help="Ngày (YYYY-MM-DD hoặc DD/MM/YYYY); mặc định hôm nay.")
]


def _day(ctx: AppContext, value: str | None, *, option: str = "--on") -> dt.date:
    """``value`` as a day (a usage error when it is not one); today when not given."""
    if not value:
        from domain.clock import DEFAULT_TIMEZONE, local_today

        return local_today(ctx.now(), DEFAULT_TIMEZONE)
    from domain.clock import MAX_YEAR, MIN_YEAR
    from domain.unitfile import parse_day

    day = parse_day(value)
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        raise typer.BadParameter(ctx.t("cli.unit.bad_day", value=value[:40]), param_hint=option)
    return day


def _level_text(ctx: AppContext, level: str | None) -> str:
    return ctx.t(f"unit.level.{level}") if level else ""


def _validity(view: UnitView) -> str:
    start = f"{view.valid_from:%d/%m/%Y}" if view.valid_from else "…"
    end = f"{view.valid_to:%d/%m/%Y}" if view.valid_to else "…"
    return f"{start}–{end}"


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Danh sách đơn vị CSV hoặc XLSX.")],
    json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Nhập danh sách đơn vị (mã, tên, cấp, cấp trên, từ ngày, đến ngày): có lỗi thì không nhập
    gì; đơn vị đã có được cập nhật. Import units (CSV/XLSX), all or nothing."""
    app_ctx: AppContext = ctx.obj
    from application.tables import read_table
    from application.units import import_units

    header, rows = read_table(file)
    result = import_units(
        app_ctx.uow(), app_ctx.identity, app_ctx.now(now), header=header, rows=rows, file=str(file)
    )
    if json:
        print_json(result.as_dict())
        return
    console.print(
        app_ctx.t(
            "cli.unit.imported",
            rows=result.rows,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )
    )


@app.command("list")
def list_(ctx: typer.Context, on: OnOpt = None, json: JsonOpt = False) -> None:
    """Cây đơn vị như vào một ngày. The unit tree as it was on a day."""
    app_ctx: AppContext = ctx.obj
    from application.units import unit_tree

    tree = unit_tree(app_ctx.uow(), _day(app_ctx, on))
    if json:
        print_json(tree.as_dict())
        return
    console.print(app_ctx.t("cli.unit.tree_title", on=f"{tree.on:%d/%m/%Y}"), markup=False)
    if not tree.units:
        console.print(app_ctx.t("cli.unit.none"), markup=False)
    for u in tree.units:
        level = _level_text(app_ctx, u.level)
        console.print(
            "  " * u.depth + f"{u.code}  {u.name}" + (f" ({level})" if level else "")
            + f"  {_validity(u)}",
            markup=False,
            highlight=False,
        )  # fmt: skip


@app.command("show")
def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Mã đơn vị.")],
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Một đơn vị: cấp, cấp trên, hiệu lực, đơn vị trước và sau, kế hoạch. One unit in full."""
    app_ctx: AppContext = ctx.obj
    from application.units import show_unit

    shown = show_unit(app_ctx.uow(), code, _day(app_ctx, on))
    if json:
        print_json(shown.as_dict())
        return
    u = shown.unit
    lines = [
        f"{u.code}  {u.name}",
        app_ctx.t("cli.unit.level", level=_level_text(app_ctx, u.level) or "—"),
        app_ctx.t("cli.unit.parent", parent=u.parent or "—"),
        app_ctx.t("cli.unit.validity", validity=_validity(u)),
    ]
    for s in shown.predecessors:
        lines.append(
            app_ctx.t(
                f"cli.unit.predecessor_{s.kind}", code=s.code, name=s.name, on=f"{s.on:%d/%m/%Y}"
            )
        )
    for s in shown.successors:
        lines.append(
            app_ctx.t(
                f"cli.unit.successor_{s.kind}", code=s.code, name=s.name, on=f"{s.on:%d/%m/%Y}"
            )
        )
    if shown.children:
        lines.append(app_ctx.t("cli.unit.children", units=", ".join(shown.children)))
    lines.append(
        app_ctx.t("cli.unit.plans", plans=", ".join(shown.plans))
        if shown.plans
        else app_ctx.t("cli.unit.no_plans")
    )
    for line in lines:
        console.print(line, markup=False, highlight=False)


def _print_merged(app_ctx: AppContext, done: Merged) -> None:
    key = "cli.unit.merged" if done.kind == "merge" else "cli.unit.renamed"
    console.print(
        app_ctx.t(
            key,
            units=", ".join(done.units),
            into=done.into,
            name=done.into_name,
            on=f"{done.on:%d/%m/%Y}",
            last=f"{done.on - dt.timedelta(days=1):%d/%m/%Y}",
        ),
        markup=False,
    )
    if done.created:  # where its plan comes from: the merged units' template, or a plan file
        key = "cli.unit.created_from_template" if done.template else "cli.unit.created"
        console.print(app_ctx.t(key, code=done.into, template=done.template), markup=False)
    elif done.needs_plan:
        key = "cli.unit.plan_hint_derive" if done.template else "cli.unit.plan_hint_load"
        console.print(
            app_ctx.t(key, code=done.into, template=done.template, year=done.on.year),
            markup=False,
        )
    console.print(
        app_ctx.t(
            "cli.unit.merge_effects", holdings=done.holdings_ended, cancelled=len(done.cancelled)
        ),
        markup=False,
    )
    if done.left_open:
        console.print(app_ctx.t("cli.unit.left_open", n=len(done.left_open)), markup=False)
        for w in done.left_open:
            console.print(
                f"  {w.unit}  {w.task}  {w.period}  {w.due_date:%d/%m/%Y}  "
                + app_ctx.t(f"status.{w.status}"),
                markup=False,
                highlight=False,
            )


@app.command("merge")
def merge(
    ctx: typer.Context,
    units: Annotated[list[str], typer.Argument(help="Mã các đơn vị được sáp nhập.")],
    into: Annotated[str, typer.Option("--into", help="Mã đơn vị sau sáp nhập.")],
    on: Annotated[str, typer.Option("--on", help="Ngày đơn vị mới bắt đầu hoạt động.")],
    name: Annotated[
        str | None, typer.Option("--name", help="Tên đơn vị mới (khi tạo mới).")
    ] = None,
    level: Annotated[
        str | None,
        typer.Option("--level", help="Cấp: province, city, commune, ward, special_zone…"),
    ] = None,
    parent: Annotated[str | None, typer.Option("--parent", help="Mã đơn vị cấp trên.")] = None,
    json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Sáp nhập đơn vị: từ ngày --on, công việc mới thuộc đơn vị --into. Merge units."""
    app_ctx: AppContext = ctx.obj
    from application.unit_mergers import merge_units

    done = merge_units(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now),
        units=units,
        into=into,
        on=_day(app_ctx, on),
        name=name,
        level=level,
        parent=parent,
    )
    if json:
        print_json(done.as_dict())
        return
    _print_merged(app_ctx, done)


@app.command("rename")
def rename(
    ctx: typer.Context,
    unit: Annotated[str, typer.Argument(help="Mã đơn vị đổi tên.")],
    into: Annotated[str, typer.Option("--into", help="Mã đơn vị sau khi đổi tên.")],
    on: Annotated[str, typer.Option("--on", help="Ngày tên mới có hiệu lực.")],
    name: Annotated[str | None, typer.Option("--name", help="Tên mới.")] = None,
    level: Annotated[str | None, typer.Option("--level", help="Cấp mới.")] = None,
    parent: Annotated[str | None, typer.Option("--parent", help="Mã đơn vị cấp trên.")] = None,
    json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Đổi tên đơn vị (một cuộc sáp nhập của một đơn vị, sang mã mới). Rename a unit."""
    app_ctx: AppContext = ctx.obj
    from application.unit_mergers import rename_unit

    done = rename_unit(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now),
        unit=unit,
        into=into,
        on=_day(app_ctx, on),
        name=name,
        level=level,
        parent=parent,
    )
    if json:
        print_json(done.as_dict())
        return
    _print_merged(app_ctx, done)
