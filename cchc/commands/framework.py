"""``cchc framework …``: check, load and show PAR frameworks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, UnitOpt
from cchc.render import console, fmt_num, print_json

app = typer.Typer(help="Bộ chỉ số CCHC: kiểm tra, nạp, xem. PAR frameworks.", no_args_is_help=True)


@app.command("validate")
def validate(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Tệp bộ chỉ số (cchc-framework/1).")],
    plan: Annotated[
        list[Path] | None,
        typer.Option("--plan", help="Tệp kế hoạch có các chỉ tiêu được tham chiếu."),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Kiểm tra tệp bộ chỉ số (cộng điểm, quy tắc, mã). Check framework files."""
    app_ctx: AppContext = ctx.obj
    from application.plans import validate as check
    from cchc.validation import render_validation

    report = check([], files, plan_targets_from=list(plan or []), lang=app_ctx.lang)
    render_validation(report, app_ctx, as_json=json)


@app.command("load")
def load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument()],
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Nạp (hoặc cập nhật) bộ chỉ số. Load or revise a framework."""
    app_ctx: AppContext = ctx.obj
    from application.plans import load_framework

    loaded = load_framework(app_ctx.uow(), app_ctx.identity, app_ctx.now(), path=file, unit=unit)
    if json:
        print_json(loaded.as_dict())
        return
    console.print(app_ctx.t("cli.framework_loaded", code=loaded.framework, path=file))


@app.command("show")
def show(
    ctx: typer.Context,
    code: Annotated[
        str | None, typer.Argument(help="Mã bộ chỉ số (mặc định: bộ duy nhất).")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Cây bộ chỉ số: lĩnh vực → tiêu chí → tiêu chí thành phần. The framework tree."""
    app_ctx: AppContext = ctx.obj
    from application.plans import show_framework

    fw = show_framework(app_ctx.uow(), code=code)
    if json:
        print_json(fw.as_dict())
        return
    from rich.text import Text
    from rich.tree import Tree

    def pick(vi: str, en: str) -> str:
        return en if app_ctx.lang == "en" and en else vi

    tree = Tree(
        Text.assemble(
            (pick(fw.title, fw.title_en), "bold"),
            f" ({fw.code}) — {app_ctx.t('label.max')} {fmt_num(fw.scale, app_ctx.lang)}",
        )
    )
    for a in fw.areas:
        branch = tree.add(
            Text.assemble(
                (a.code, "bold"), f" {pick(a.title, a.title_en)} [{fmt_num(a.max, app_ctx.lang)}]"
            )
        )
        for c in a.criteria:
            sub = branch.add(
                f"{c.code} {pick(c.title, c.title_en)} [{fmt_num(c.max, app_ctx.lang)}]"
            )
            for i in c.items:
                mark = " (ĐTXHH)" if i.assessed_by == "survey" else ""
                sub.add(
                    f"{i.code} {pick(i.title, i.title_en)} [{fmt_num(i.max, app_ctx.lang)}] · {i.rule.type}{mark}"
                )
    console.print(tree)
    if fw.model:
        console.print(app_ctx.t("cli.framework_model", code=fw.code), style="yellow", markup=False)
