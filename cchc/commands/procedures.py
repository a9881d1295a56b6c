"""The unit's procedure catalogue: ``procedures import|list``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cchc.commands.dossiers import MappingOpt
from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt, UnitOpt
from cchc.render import console, print_json, problems_json

app = typer.Typer(
    help="Danh mục thủ tục hành chính của đơn vị. The unit's procedure catalogue.",
    no_args_is_help=True,
)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(help="Tệp CSV hoặc XLSX: ma_thu_tuc, ten_thu_tuc, linh_vuc, muc_do."),
    ],
    unit: UnitOpt = None,
    mapping: MappingOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Nhập danh mục thủ tục (CSV/XLSX), thay danh mục cũ; có lỗi thì không nhập gì. Import the procedure catalogue, replacing the old one, all or nothing.

    Danh mục là mẫu số của tỷ lệ thủ tục có dịch vụ công mức độ 3, 4. Người nhập: bộ phận một
    cửa, công chức CCHC, Chủ tịch (--as) hoặc người vận hành. The catalogue is the denominator
    of the online procedure share. By: the one-stop desk, the CCHC officer, the chairman
    (--as) or the operator.
    """
    app_ctx: AppContext = ctx.obj
    from application.procedures import import_procedures

    with problems_json(json, app_ctx.lang):
        report = import_procedures(
            app_ctx.uow(),
            app_ctx.identity,
            app_ctx.now(now, unit=unit),
            path=file,
            unit=unit,
            mapping=mapping,
        )
    if json:
        print_json(report.as_dict())
        return
    console.print(
        app_ctx.t(
            "cli.procedures_imported",
            rows=report.rows,
            added=report.added,
            updated=report.updated,
            removed=report.removed,
        )
    )


@app.command("list")
def list_(ctx: typer.Context, unit: UnitOpt = None, json: JsonOpt = False) -> None:
    """Danh mục thủ tục đã nhập. The procedure catalogue imported."""
    app_ctx: AppContext = ctx.obj
    from application.procedures import list_procedures

    result = list_procedures(app_ctx.uow(), unit=unit)
    if json:
        print_json(result.rows())
        return
    if not result.procedures:
        console.print(app_ctx.t("cli.procedures_none"))
        return
    from rich.table import Table

    table = Table(
        title=app_ctx.t(
            "cli.procedures_title",
            n=len(result.procedures),
            online=f"{result.online}/{len(result.procedures)}",
        )
    )
    table.add_column(app_ctx.t("label.code"), no_wrap=True)
    for key in ("cli.dossiers_procedure", "cli.dossiers_field", "cli.procedures_level"):
        table.add_column(app_ctx.t(key), overflow="fold")
    for p in result.procedures:
        table.add_row(p.ma_thu_tuc, p.ten_thu_tuc, p.linh_vuc, str(p.muc_do))
    console.print(table)
