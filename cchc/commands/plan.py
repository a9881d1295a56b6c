"""``cchc init`` and ``cchc plan …``: create the database, check, load and show plans."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt, PlanOpt, UnitOpt
from cchc.render import console, print_json
from domain.i18n import Lang

app = typer.Typer(
    help="Kế hoạch CCHC: kiểm tra, nạp, xem. Plans: validate, load, show.", no_args_is_help=True
)


def init(
    ctx: typer.Context,
    simulation: Annotated[
        bool,
        typer.Option(
            "--simulation",
            help="Cơ sở dữ liệu mô phỏng: cho phép --now khi thay đổi dữ liệu (thử, diễn tập).",
        ),
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu (chạy lại nhiều lần không sao). Create or migrate the database."""
    app_ctx: AppContext = ctx.obj
    from application.administration import init as run_init

    key_path = app_ctx.settings.audit_key_path
    done = run_init(
        app_ctx.installation(),
        app_ctx.identity,
        app_ctx.now(),
        key_path=key_path,
        simulation=simulation,
    )
    url = app_ctx.settings.display_url()
    if json:
        print_json({"database": url, "audit_key": str(key_path), **done.as_dict()})
        return
    console.print(app_ctx.t("cli.init_done", url=url, revision=done.revision))
    console.print(app_ctx.t(f"cli.init_{done.mode}"))
    console.print(app_ctx.t("cli.init_audit_key", path=str(key_path)))


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
    app_ctx: AppContext = ctx.obj
    from application.plans import validate as check
    from cchc.validation import render_validation

    report = check(files, list(framework or []), lang=app_ctx.lang)
    render_validation(report, app_ctx, as_json=json)


@app.command("load")
def load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Tệp kế hoạch (cchc-plan/1).")],
    unit: UnitOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Chỉ cho biết sẽ thay đổi gì, không ghi.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Nạp (hoặc cập nhật) kế hoạch vào cơ sở dữ liệu; nạp lại cùng tệp không thay đổi gì.

    Load or revise a plan; loading the same file twice changes nothing."""
    app_ctx: AppContext = ctx.obj
    from application.plans import load_plan

    result = load_plan(
        app_ctx.uow(), app_ctx.identity, app_ctx.now(), path=file, unit=unit, dry_run=dry_run
    )
    if json:
        print_json(result.as_dict())
        return
    report = result.report
    if result.framework is not None:
        console.print(
            app_ctx.t("cli.framework_loaded", code=result.framework, path=result.framework_path)
        )
    key = "cli.plan_loaded" if report.changed else "cli.plan_unchanged"
    console.print(app_ctx.t(key, code=report.plan, unit=report.unit))
    for kind, counts in report.counts.items():
        if counts["created"] or counts["updated"] or counts["archived"]:
            console.print(app_ctx.t("cli.load_counts", kind=_kind(kind, app_ctx.lang), **counts))
    if result.rerouted:
        console.print(app_ctx.t("cli.rerouted", n=result.rerouted))
    if dry_run:
        console.print(app_ctx.t("cli.dry_run_nothing_kept"))


@app.command("derive")
def derive(
    ctx: typer.Context,
    template: Annotated[
        Path, typer.Argument(help="Kế hoạch mẫu của tỉnh (cchc-plan/1, plan.kind: template).")
    ],
    units: Annotated[
        str | None,
        typer.Option(
            "--units",
            help="Mã các đơn vị, cách nhau bằng dấu phẩy; bỏ trống: mọi đơn vị đã lập từ mẫu này.",
        ),
    ] = None,
    overlay_dir: Annotated[
        Path | None,
        typer.Option(
            "--overlay-dir",
            help="Thư mục phần điều chỉnh của đơn vị: MÃ-ĐƠN-VỊ.yaml (cchc-overlay/1).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Chỉ cho biết sẽ thay đổi gì, không ghi.")
    ] = False,
    json: JsonOpt = False,
    now: NowOpt = None,
) -> None:
    """Lập kế hoạch của từng đơn vị từ kế hoạch mẫu của tỉnh và phần điều chỉnh của đơn vị.

    Derive each unit's plan from the province's template and the unit's overlay; all units
    or none. A revised template: run again (--dry-run first to preview)."""
    app_ctx: AppContext = ctx.obj
    from application.derive import derive_plans
    from cchc.derivation import render_derived

    result = derive_plans(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now),
        template=template,
        units=(units or "").split(","),
        overlay_dir=overlay_dir,
        dry_run=dry_run,
    )
    if json:
        print_json(result.as_dict())
        return
    render_derived(result, app_ctx)


@app.command("list")
def list_plans(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Các kế hoạch đã nạp. Loaded plans."""
    app_ctx: AppContext = ctx.obj
    from application.plans import list_plans as listed

    rows = listed(app_ctx.uow())
    if json:
        print_json([r.as_dict() for r in rows])
        return
    from rich.table import Table

    table = Table(title=app_ctx.t("cli.plans_title"))
    for key in ("label.unit", "label.code", "label.year", "label.title"):
        table.add_column(app_ctx.t(key))
    for r in rows:
        table.add_row(r.unit, r.code, str(r.year), r.title)
    console.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    plan: PlanOpt = None,
    unit: UnitOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Tóm tắt kế hoạch: chỉ tiêu, lĩnh vực, nhiệm vụ, tiến độ. Plan summary: targets, areas, tasks, progress."""
    app_ctx: AppContext = ctx.obj
    from application.plans import show_plan
    from cchc.summary import render_summary

    shown = show_plan(
        app_ctx.uow(), plan=plan, unit=unit, lang=app_ctx.lang, now=app_ctx.now(now, unit=unit)
    )
    if json:
        print_json(shown.as_dict())
        return
    render_summary(shown.summary, app_ctx, shown.progress)
    if shown.origin is not None:
        from cchc.derivation import render_origin

        render_origin(shown.origin, app_ctx)


def _kind(kind: str, lang: Lang) -> str:
    """A kind of record a load counts, in words ("chức danh", not ``position``)."""
    from cchc.messages import CATALOGUE, t

    key = f"cli.load_kind.{kind}"
    return t(key, lang) if CATALOGUE.template(key, lang) is not None else kind
