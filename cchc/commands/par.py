"""``cchc par …``: the PAR Index self-assessment (scores, explanations, adjustments, the
submission pack, submitting and reopening). Each command parses, calls one use case of
``application.assessment`` and renders its result."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt, UnitOpt, WithPredecessorsOpt, number_option
from cchc.render import console, fmt_num, print_json
from domain.clock import MAX_YEAR, MIN_YEAR

if TYPE_CHECKING:
    from domain.scoring import NodeScore

app = typer.Typer(
    help="Tự đánh giá Chỉ số CCHC. The PAR Index self-assessment.", no_args_is_help=True
)
YearOpt = Annotated[int, typer.Option("--year", min=MIN_YEAR, max=MAX_YEAR, help="Năm đánh giá.")]


@app.command("score")
def score(
    ctx: typer.Context,
    year: YearOpt,
    now: NowOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
    with_predecessors: WithPredecessorsOpt = False,
) -> None:
    """Bảng điểm, điểm tự đánh giá và điểm điều tra XHH tách riêng. The scorecard.

    Mỗi tiêu chí thành phần: tối đa / gợi ý / tự chấm / điều tra XHH / thẩm định, số tài liệu
    kiểm chứng; tiêu chí thiếu số liệu được đánh dấu. Per item: max / suggested / self / survey /
    appraised, evidence files; an item without data is flagged."""
    app_ctx: AppContext = ctx.obj
    from application.assessment import scorecard

    result = scorecard(
        app_ctx.uow(),
        app_ctx.now(now, unit=unit),
        unit=unit,
        year=year,
        with_predecessors=with_predecessors,
    )
    if json:
        print_json(result.as_dict())
        return
    from rich.text import Text
    from rich.tree import Tree

    card = result.card
    tree = Tree(app_ctx.t("cli.par_title", year=year, framework=card.framework))
    tree.add(Text(app_ctx.t("cli.par_columns_split"), style="dim"))

    def points(node: NodeScore) -> str:
        parts = [
            fmt_num(node.max, app_ctx.lang),
            fmt_num(node.self_assessed, app_ctx.lang) if node.self_assessed_max else "—",
            fmt_num(node.survey, app_ctx.lang) if node.survey_max else "—",
        ]
        if node.appraised is not None:
            parts.append(fmt_num(node.appraised, app_ctx.lang))
        return " / ".join(parts)

    for area in card.areas:
        branch = tree.add(Text.assemble((f"{area.code} {area.title}", "bold"), f"  {points(area)}"))
        for criterion in area.children:
            sub = branch.add(
                Text.assemble(
                    (f"{criterion.code} {criterion.title}", "bold"), f"  {points(criterion)}"
                )
            )
            for item in criterion.children:
                own = "—" if item.is_survey else (fmt_num(item.self_score, app_ctx.lang) or "—")
                survey = (fmt_num(item.survey, app_ctx.lang) or "—") if item.is_survey else "—"
                label = Text(
                    f"{item.code} {item.title}  {fmt_num(item.max, app_ctx.lang)} / "
                    f"{fmt_num(item.suggested, app_ctx.lang) or '—'} / {own} / {survey} / "
                    f"{fmt_num(item.appraised, app_ctx.lang) or '—'} · {item.evidence}"
                )
                if item.needs_explanation:
                    label.append(" " + app_ctx.t("cli.par_flag"), style="red")
                if item.needs_input:
                    label.append(" " + app_ctx.t("cli.par_flag_input"), style="red")
                sub.add(label)
    console.print(tree)
    console.print(
        app_ctx.t(
            "cli.par_self_assessed",
            total=fmt_num(card.self_assessed_total, app_ctx.lang),
            max=fmt_num(card.self_assessed_max, app_ctx.lang),
        ),
        markup=False,
    )
    console.print(
        app_ctx.t(
            "cli.par_survey",
            total=fmt_num(card.survey_total, app_ctx.lang),
            max=fmt_num(card.survey_max, app_ctx.lang),
        ),
        markup=False,
    )
    if card.bonus or card.penalty:
        console.print(
            app_ctx.t(
                "cli.par_adjustments",
                bonus=fmt_num(card.bonus, app_ctx.lang),
                penalty=fmt_num(card.penalty, app_ctx.lang),
            ),
            markup=False,
        )
    console.print(
        app_ctx.t(
            "cli.par_index",
            total=fmt_num(card.self_total, app_ctx.lang),
            scale=fmt_num(card.scale, app_ctx.lang),
            index=fmt_num(card.self_index, app_ctx.lang),
            grade=_grade(app_ctx, card.self_grade),
        ),
        markup=False,
    )
    if card.appraised_total is not None:
        console.print(
            app_ctx.t(
                "cli.par_appraised",
                total=fmt_num(card.appraised_total, app_ctx.lang),
                scale=fmt_num(card.scale, app_ctx.lang),
                index=fmt_num(card.appraised_index, app_ctx.lang),
                grade=_grade(app_ctx, card.appraised_grade),
            )
        )
    needs = [i.code for i in card.items() if i.needs_explanation]
    if needs:
        console.print(app_ctx.t("cli.par_needs", items=", ".join(needs)))
    missing = [f"{i.code} ({i.missing_input})" for i in card.items() if i.needs_input]
    if missing:
        console.print(app_ctx.t("cli.par_needs_input", items=", ".join(missing)), markup=False)
    if card.model:
        console.print(
            app_ctx.t("cli.framework_model", code=card.framework), style="yellow", markup=False
        )
    if result.predecessors:
        console.print(
            app_ctx.t("cli.unit.history_included", units=", ".join(result.predecessors)),
            markup=False,
        )
    elif with_predecessors and result.frozen:
        console.print(app_ctx.t("cli.par_frozen_without_history"), markup=False)


def _grade(ctx: AppContext, code: str | None) -> str:
    return ctx.t(f"grade.{code}") if code else "—"


@app.command("set")
def set_(
    ctx: typer.Context,
    item: Annotated[str, typer.Argument(help="Mã tiêu chí thành phần, ví dụ 3.3.3.")],
    year: YearOpt,
    self_score: Annotated[
        float | None, number_option("--self", "Điểm tự đánh giá (cần --reason).")
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="Lý do khác điểm gợi ý.")] = "",
    level: Annotated[
        str | None, typer.Option("--level", help="Mức đã chọn (quy tắc levels).")
    ] = None,
    survey: Annotated[
        float | None, number_option("--survey", "Điểm từ điều tra xã hội học.")
    ] = None,
    appraisal_1: Annotated[
        float | None, number_option("--appraisal-1", "Điểm thẩm định vòng 1.")
    ] = None,
    appraisal_2: Annotated[
        float | None, number_option("--appraisal-2", "Điểm thẩm định vòng 2.")
    ] = None,
    now: NowOpt = None,
    unit: UnitOpt = None,
) -> None:
    """Ghi điểm tự chấm (kèm lý do), mức, điểm điều tra, điểm thẩm định. Enter scores for an item."""
    app_ctx: AppContext = ctx.obj
    from application.assessment import set_score

    set_score(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        unit=unit,
        year=year,
        item=item,
        points=self_score,
        reason=reason or None,
        level=level,
        survey=survey,
        appraisal_1=appraisal_1,
        appraisal_2=appraisal_2,
    )
    console.print(app_ctx.t("cli.par_saved", item=item), markup=False)


@app.command("explain")
def explain(
    ctx: typer.Context,
    item: Annotated[str, typer.Argument()],
    year: YearOpt,
    text: Annotated[str, typer.Option("--text", help="Nội dung giải trình.")],
    now: NowOpt = None,
    unit: UnitOpt = None,
) -> None:
    """Giải trình cho tiêu chí có điểm nhưng thiếu tài liệu kiểm chứng. An explanation (giải trình)."""
    app_ctx: AppContext = ctx.obj
    from application.assessment import explain as do_explain

    do_explain(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        unit=unit,
        year=year,
        item=item,
        text=text,
    )
    console.print(app_ctx.t("cli.par_saved", item=item), markup=False)


@app.command("adjust")
def adjust(
    ctx: typer.Context,
    year: YearOpt,
    bonus: Annotated[float | None, number_option("--bonus", "Điểm thưởng (có trần).")] = None,
    bonus_reason: Annotated[str, typer.Option("--bonus-reason")] = "",
    penalty: Annotated[float | None, number_option("--penalty", "Điểm trừ (có trần).")] = None,
    penalty_reason: Annotated[str, typer.Option("--penalty-reason")] = "",
    difficulties: Annotated[
        str | None, typer.Option("--difficulties", help="Khó khăn, vướng mắc, đề xuất.")
    ] = None,
    now: NowOpt = None,
    unit: UnitOpt = None,
) -> None:
    """Điểm thưởng, điểm trừ và phần khó khăn của báo cáo. Bonus, penalty and difficulties."""
    app_ctx: AppContext = ctx.obj
    from application.assessment import adjust as do_adjust

    do_adjust(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        unit=unit,
        year=year,
        bonus=bonus,
        bonus_reason=bonus_reason,
        penalty=penalty,
        penalty_reason=penalty_reason,
        difficulties=difficulties,
    )
    console.print(app_ctx.t("cli.par_saved", item=str(year)), markup=False)


@app.command("export")
def export(
    ctx: typer.Context,
    year: YearOpt,
    out: Annotated[Path, typer.Option("--out", help="Thư mục xuất.")],
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            help="Tệp .docx mẫu của đơn vị (kiểu chữ, trang, đầu trang) để viết báo cáo lên. "
            "A ward's own .docx to write the report on.",
        ),
    ] = None,
    now: NowOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Hồ sơ nộp: bảng điểm XLSX, tài liệu theo tiêu chí, danh mục, báo cáo DOCX. The submission pack.

    Báo cáo theo thể thức Nghị định 30/2020/NĐ-CP, ký bởi người giữ chức danh Chủ tịch hôm
    nay; --template: viết lên tệp mẫu của đơn vị. The report follows decree 30's layout, signed
    by today's chairman; --template writes it on the ward's own .docx."""
    app_ctx: AppContext = ctx.obj
    from application.assessment import export_pack
    from application.evidence import disk_store
    from application.submission_pack import ANCHOR_FILE

    result = export_pack(
        app_ctx.uow(),
        app_ctx.now(now, unit=unit),
        unit=unit,
        year=year,
        out_dir=out,
        blobs=disk_store(app_ctx.settings.home),
        template=template,
    )
    if json:
        print_json(result.as_dict())
        return
    console.print(app_ctx.t("cli.par_exported", path=out, files=result.files), markup=False)
    console.print(
        app_ctx.t("cli.par_anchor", file=ANCHOR_FILE, token=result.anchor),
        markup=False,
        soft_wrap=True,
    )
    if result.model:
        console.print(
            app_ctx.t("cli.framework_model", code=result.framework), style="yellow", markup=False
        )


@app.command("submit")
def submit(
    ctx: typer.Context,
    year: YearOpt,
    now: NowOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Nộp và khóa bản tự đánh giá (ảnh chụp có mã băm). Submit and freeze the assessment."""
    app_ctx: AppContext = ctx.obj
    from application.assessment import submit as do_submit

    result = do_submit(
        app_ctx.uow(), app_ctx.identity, app_ctx.now(now, unit=unit), unit=unit, year=year
    )
    if json:
        print_json(result.as_dict())
        return
    console.print(app_ctx.t("cli.par_submitted", year=year, sha=result.snapshot_sha256))


@app.command("reopen")
def reopen(
    ctx: typer.Context,
    year: YearOpt,
    reason: Annotated[str, typer.Option("--reason")],
    now: NowOpt = None,
    unit: UnitOpt = None,
) -> None:
    """Mở lại bản đã nộp (chỉ Chủ tịch; ghi nhật ký). Reopen a submitted assessment (chairman only)."""
    app_ctx: AppContext = ctx.obj
    from application.assessment import reopen as do_reopen

    do_reopen(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        unit=unit,
        year=year,
        reason=reason,
    )
    console.print(app_ctx.t("cli.par_reopened", year=year))
