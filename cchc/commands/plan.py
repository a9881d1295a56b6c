"""``cchc init`` and ``cchc plan …``: create the database, check, load and show plans."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, PlanOpt, UnitOpt
from cchc.render import console, print_json

app = typer.Typer(
    help="Kế hoạch CCHC: kiểm tra, nạp, xem. Plans: validate, load, show.", no_args_is_help=True
)


def init(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu (chạy lại nhiều lần không sao). Create or migrate the database."""
    app_ctx: AppContext = ctx.obj
    from storage.migrate import current_revision

    engine = app_ctx.engine(migrate=True)
    revision = current_revision(engine)
    if json:
        print_json({"database": app_ctx.settings.display_url(), "revision": revision})
        return
    console.print(app_ctx.t("cli.init_done", url=app_ctx.settings.display_url(), revision=revision))


@app.command("validate")
def validate(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Tệp kế hoạch (cchc-plan/1).")],
    framework: Annotated[
        list[Path] | None,
        typer.Option("--framework", help="Tệp bộ chỉ số để đối chiếu mã tiêu chí."),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Kiểm tra tệp kế hoạch, báo mọi lỗi cùng lúc. Check plan files, every problem at once."""
    from cchc.validation import validate_files

    validate_files(ctx.obj, plans=files, frameworks=list(framework or []), as_json=json)


@app.command("load")
def load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Tệp kế hoạch (cchc-plan/1).")],
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Nạp (hoặc cập nhật) kế hoạch vào cơ sở dữ liệu; nạp lại cùng tệp không thay đổi gì.

    Load or revise a plan; loading the same file twice changes nothing."""
    app_ctx: AppContext = ctx.obj
    from cchc.files import sha256
    from cchc.validation import plan_for_load
    from storage.db import transaction
    from storage.frameworks import load_framework
    from storage.plans import load_plan

    engine = app_ctx.engine()
    now = app_ctx.now()
    with transaction(engine) as session:
        plan_obj, framework_obj, framework_path = plan_for_load(file, session=session)
        fw_counts = None
        if framework_obj is not None and framework_path is not None:
            fw_counts = load_framework(
                framework_obj,
                session=session,
                actor=app_ctx.actor,
                now=now,
                sha256=sha256(framework_path),
            )
        report = load_plan(
            plan_obj,
            session=session,
            actor=app_ctx.actor,
            now=now,
            unit_code=unit,
            sha256=sha256(file),
        )
    if json:
        print_json({**report.as_dict(), "framework_loaded": fw_counts})
        return
    if fw_counts is not None and framework_obj is not None:
        console.print(
            app_ctx.t("cli.framework_loaded", code=framework_obj.code, path=framework_path)
        )
    key = "cli.plan_loaded" if report.changed else "cli.plan_unchanged"
    console.print(app_ctx.t(key, code=report.plan, unit=report.unit))
    for kind, counts in report.counts.items():
        if counts["created"] or counts["updated"] or counts["archived"]:
            console.print(app_ctx.t("cli.load_counts", kind=kind, **counts))


@app.command("list")
def list_plans(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Các kế hoạch đã nạp. Loaded plans."""
    app_ctx: AppContext = ctx.obj
    from sqlmodel import Session, col, select

    from models import PlanRecord, UnitRecord

    with Session(app_ctx.engine()) as session:
        rows = session.exec(
            select(PlanRecord, UnitRecord)
            .join(UnitRecord)
            .order_by(col(UnitRecord.code), col(PlanRecord.year))
        ).all()
        data = [{"unit": u.code, "code": p.code, "year": p.year, "title": p.title} for p, u in rows]
    if json:
        print_json(data)
        return
    from rich.table import Table

    table = Table(title=app_ctx.t("cli.plans_title"))
    for key in ("label.unit", "label.code", "label.year", "label.title"):
        table.add_column(app_ctx.t(key))
    for d in data:
        table.add_row(str(d["unit"]), str(d["code"]), str(d["year"]), str(d["title"]))
    console.print(table)


@app.command("show")
def show(
    ctx: typer.Context, plan: PlanOpt = None, unit: UnitOpt = None, json: JsonOpt = False
) -> None:
    """Tóm tắt kế hoạch: chỉ tiêu, lĩnh vực, nhiệm vụ. Plan summary: targets, areas, tasks."""
    app_ctx: AppContext = ctx.obj
    from cchc.stored import stored_plan
    from cchc.summary import plan_summary, render_summary

    plan_obj = stored_plan(app_ctx, plan=plan, unit=unit)
    summary = plan_summary(plan_obj, app_ctx.lang)
    if json:
        print_json(summary)
        return
    render_summary(summary, app_ctx)
