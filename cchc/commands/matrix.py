"""``cchc matrix`` and ``cchc who``: the responsibility matrix and who answers for a task."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, PlanOpt, UnitOpt
from cchc.render import console, print_json


def matrix(
    ctx: typer.Context,
    plan: PlanOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Xuất ra tệp Excel.")] = None,
) -> None:
    """Ma trận phân công: nhiệm vụ × chức danh (L chủ trì, S phối hợp, A phê duyệt). Responsibility matrix."""
    app_ctx: AppContext = ctx.obj
    from application.people import matrix as responsibility_matrix

    shown = responsibility_matrix(app_ctx.uow(), plan=plan, unit=unit, lang=app_ctx.lang)
    m, plan_obj = shown.matrix, shown.plan
    if xlsx is not None:
        from cchc.matrix_xlsx import write_matrix

        write_matrix(m, plan_obj, xlsx, app_ctx)
        console.print(app_ctx.t("cli.matrix_written", path=xlsx))
    if json:
        print_json(m.as_dict())
        return
    if xlsx is not None:
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    titles = {
        r.code: (r.title_en if app_ctx.lang == "en" and r.title_en else r.title)
        for r in plan_obj.roles
    }
    table = Table(
        title=app_ctx.t("cli.matrix_title", plan=m.plan),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column(app_ctx.t("label.task"), no_wrap=True, min_width=7)
    table.add_column(app_ctx.t("label.title"), no_wrap=True, overflow="ellipsis", max_width=22)
    for number, _ in enumerate(m.positions, start=1):
        table.add_column(str(number), justify="center", no_wrap=True, min_width=2)
    for group in m.groups:
        table.add_row(
            Text(group.area, style="bold"),
            Text(group.title, style="bold"),
            *[""] * len(m.positions),
        )
        for row in group.rows:
            table.add_row(row.task, row.title, *[row.cells.get(code, "") for code in m.positions])
    console.print(table)
    for number, code in enumerate(m.positions, start=1):
        console.print(f"  {number:>2} = {titles.get(code, code)}")
    console.print(app_ctx.t("cli.matrix_legend"))


def who(
    ctx: typer.Context,
    task: Annotated[str, typer.Argument(help="Mã nhiệm vụ, ví dụ II.3.5.")],
    on: Annotated[str, typer.Option("--on", help="Ngày (YYYY-MM-DD hoặc DD/MM/YYYY).")],
    plan: PlanOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Ai chịu trách nhiệm nhiệm vụ vào một ngày (sau phạm vi, quyền, ủy quyền). Who answers for a task."""
    app_ctx: AppContext = ctx.obj
    from application.people import who as answering
    from cchc.commands.officer import parse_day

    day = parse_day(on)
    answer = answering(app_ctx.uow(), task=task, on=day, plan=plan, unit=unit, lang=app_ctx.lang)
    if json:
        print_json(answer.as_dict())
        return
    from rich.table import Table

    table = Table(
        title=f"{answer.task} — {answer.title}\n{app_ctx.t('cli.who_on', on=f'{day:%d/%m/%Y}')}"
    )
    for key in ("label.relation", "label.position", "label.officers"):
        table.add_column(app_ctx.t(key))
    for r in answer.roles:
        people = "\n".join(
            f"{h.name} <{h.email}>"
            + (
                f" ({app_ctx.t('kind.' + h.kind)}"
                + (f" {app_ctx.t('cli.for')} {h.acting_for}" if h.acting_for else "")
                + ")"
                if h.kind != "holder"
                else ""
            )
            for h in r.holders
        ) or app_ctx.t("label.vacant")
        table.add_row(app_ctx.t("relation." + r.relation), r.title, people)
    console.print(table)
