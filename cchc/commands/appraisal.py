"""``cchc appraisal …``: the province's appraisal of its units' self-assessments and the
ranking. Each command parses, calls one use case of ``application.appraisal`` (or
``application.appraisal_ranking``) and renders its result."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cchc.commands.officer import parse_day
from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt, number_option
from cchc.render import console, fmt_num, print_json
from domain.clock import MAX_YEAR, MIN_YEAR

if TYPE_CHECKING:
    from application.appraisal import StepResult

app = typer.Typer(
    help="Thẩm định Chỉ số CCHC và xếp hạng. The province's appraisal and ranking.",
    no_args_is_help=True,
)
YearOpt = Annotated[int, typer.Option("--year", min=MIN_YEAR, max=MAX_YEAR, help="Năm đánh giá.")]
UnitReq = Annotated[
    str,
    typer.Option(
        "--unit",
        help="Mã đơn vị; mã tỉnh/thành phố: mọi đơn vị trực thuộc. A unit, or the province: "
        "every unit below it.",
    ),
]
ProvinceOpt = Annotated[str, typer.Option("--unit", help="Mã tỉnh/thành phố. The province.")]


@app.command("role")
def role(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Email của cán bộ tỉnh/thành phố.")],
    unit: ProvinceOpt,
    role: Annotated[
        str,
        typer.Option("--role", help="province_staff (cán bộ CCHC của tỉnh) | appraiser."),
    ] = "province_staff",
    start: Annotated[
        str | None, typer.Option("--from", help="Từ ngày (mặc định: hôm nay).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Đến ngày (mặc định: không hạn).")] = None,
    json: JsonOpt = False,
) -> None:
    """Giao vai trò cho cán bộ của tỉnh/thành phố. Give a province officer a role."""
    app_ctx: AppContext = ctx.obj
    from application.appraisal import grant_role

    result = grant_role(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(),
        unit=unit,
        email=email,
        role=role,
        start=parse_day(start) if start else None,
        end=parse_day(end) if end else None,
    )
    if json:
        print_json(result.as_dict())
        return
    console.print(
        app_ctx.t(
            "cli.appraisal_role",
            email=result.email,
            role=app_ctx.t(f"appraisal.role.{result.role}"),
            unit=result.unit,
            start=f"{result.start:%d/%m/%Y}",
        )
    )


@app.command("assign")
def assign(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Email của cán bộ tỉnh/thành phố.")],
    unit: ProvinceOpt,
    year: YearOpt,
    area: Annotated[str | None, typer.Option("--area", help="Lĩnh vực, ví dụ 3.")] = None,
    criterion: Annotated[
        str | None, typer.Option("--criterion", help="Tiêu chí, ví dụ 3.2.")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Phân công thẩm định một lĩnh vực hoặc tiêu chí. Assign an appraiser an area or criterion."""
    app_ctx: AppContext = ctx.obj
    from application.appraisal import assign as do_assign

    result = do_assign(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(),
        unit=unit,
        email=email,
        year=year,
        area=area,
        criterion=criterion,
    )
    if json:
        print_json(result.as_dict())
        return
    console.print(
        app_ctx.t("cli.appraisal_assigned", email=result.email, scope=result.scope, year=year)
    )


@app.command("deadline")
def deadline(
    ctx: typer.Context,
    unit: ProvinceOpt,
    year: YearOpt,
    self_assessment_due: Annotated[
        str,
        typer.Option(
            "--self-assessment-due",
            help="Hạn các đơn vị nộp bản tự đánh giá (một ngày làm việc). The units' deadline.",
        ),
    ],
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Đặt hạn nộp bản tự đánh giá cho các đơn vị trực thuộc. Set the self-assessment deadline."""
    app_ctx: AppContext = ctx.obj
    from application.province_deadlines import set_self_assessment_due
    from domain.workdays import weekday_date

    result = set_self_assessment_due(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now),
        unit=unit,
        year=year,
        due=parse_day(self_assessment_due),
    )
    if json:
        print_json(result.as_dict())
        return
    console.print(
        app_ctx.t(
            "cli.appraisal_deadline",
            unit=result.unit,
            year=result.year,
            due=weekday_date(result.due, app_ctx.lang),
            units=result.units,
            submitted=result.submitted,
        )
    )
    if result.before and result.before != result.due:
        console.print(app_ctx.t("cli.appraisal_deadline_moved", before=f"{result.before:%d/%m/%Y}"))


def _steps(app_ctx: AppContext, results: list[StepResult], json: bool) -> None:
    if json:
        print_json([r.as_dict() for r in results])
        return
    for r in results:
        line = app_ctx.t(
            "cli.appraisal_step",
            unit=r.unit,
            year=r.year,
            stage=app_ctx.t(f"appraisal.stage.{r.stage}"),
        )
        if r.stage == "explanation" and r.due:
            line += " " + app_ctx.t("cli.appraisal_due", due=f"{r.due:%d/%m/%Y}")
        if r.stage == "published":
            line += " " + app_ctx.t(
                "cli.appraisal_result",
                index=fmt_num(r.appraised_index, app_ctx.lang) or "—",
                grade=app_ctx.t(f"grade.{r.grade}") if r.grade else "—",
            )
        console.print(line)


@app.command("open")
def open_(
    ctx: typer.Context,
    unit: UnitReq,
    year: YearOpt,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Mở vòng 1 (bản đã nộp) hoặc vòng 2 (hết hạn giải trình). Open round 1 or round 2."""
    app_ctx: AppContext = ctx.obj
    from application.appraisal import open_round

    _steps(
        app_ctx,
        open_round(app_ctx.uow(), app_ctx.identity, app_ctx.now(now), unit=unit, year=year),
        json,
    )


@app.command("close")
def close(
    ctx: typer.Context,
    unit: UnitReq,
    year: YearOpt,
    days: Annotated[
        int,
        typer.Option("--days", help="Số ngày làm việc để đơn vị giải trình sau vòng 1."),
    ] = 5,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Đóng vòng thẩm định đang mở. Close the open round (round 1 starts the unit's window)."""
    app_ctx: AppContext = ctx.obj
    from application.appraisal import close_round

    _steps(
        app_ctx,
        close_round(
            app_ctx.uow(), app_ctx.identity, app_ctx.now(now), unit=unit, year=year, days=days
        ),
        json,
    )


@app.command("publish")
def publish(
    ctx: typer.Context,
    unit: UnitReq,
    year: YearOpt,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Công bố kết quả thẩm định. Publish the final result."""
    app_ctx: AppContext = ctx.obj
    from application.appraisal import publish as do_publish

    _steps(
        app_ctx,
        do_publish(app_ctx.uow(), app_ctx.identity, app_ctx.now(now), unit=unit, year=year),
        json,
    )


@app.command("score")
def score(
    ctx: typer.Context,
    item: Annotated[str, typer.Argument(help="Mã tiêu chí thành phần, ví dụ 3.2.1.")],
    unit: Annotated[str, typer.Option("--unit", help="Mã đơn vị được thẩm định.")],
    year: YearOpt,
    points: Annotated[float, number_option("--points", "Điểm thẩm định.")],
    comment: Annotated[str, typer.Option("--comment", help="Nhận xét.")] = "",
    now: NowOpt = None,
) -> None:
    """Chấm điểm thẩm định và nhận xét một tiêu chí (vòng đang mở). Score an item."""
    app_ctx: AppContext = ctx.obj
    from application.appraisal import score as do_score

    result = do_score(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now),
        unit=unit,
        year=year,
        item=item,
        points=points,
        comment=comment,
    )
    console.print(app_ctx.t("cli.appraisal_scored", item=item, unit=unit, round=result.round))


@app.command("explain")
def explain(
    ctx: typer.Context,
    item: Annotated[str, typer.Argument(help="Mã tiêu chí thành phần.")],
    unit: Annotated[str, typer.Option("--unit", help="Mã đơn vị.")],
    year: YearOpt,
    text: Annotated[str, typer.Option("--text", help="Nội dung giải trình.")],
    evidence: Annotated[
        list[int] | None,
        typer.Option("--evidence", min=1, help="Số hiệu tài liệu kiểm chứng (lặp lại được)."),
    ] = None,
    now: NowOpt = None,
) -> None:
    """Giải trình một tiêu chí sau vòng 1, kèm tài liệu. The unit's explanation of an item."""
    app_ctx: AppContext = ctx.obj
    from application.appraisal import explain as do_explain

    do_explain(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now),
        unit=unit,
        year=year,
        item=item,
        text=text,
        evidence=tuple(evidence or ()),
    )
    console.print(app_ctx.t("cli.appraisal_explained", item=item))


@app.command("show")
def show(
    ctx: typer.Context,
    unit: Annotated[str, typer.Option("--unit", help="Mã đơn vị.")],
    year: YearOpt,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Kết quả thẩm định của một đơn vị (theo quyền xem). A unit's appraisal, as you may see it."""
    app_ctx: AppContext = ctx.obj
    from application.appraisal import show as do_show

    view = do_show(app_ctx.uow(), app_ctx.identity, app_ctx.now(now), unit=unit, year=year)
    if json:
        print_json(view.as_dict())
        return
    lang = app_ctx.lang
    console.print(
        app_ctx.t(
            "cli.appraisal_show",
            name=view.name or view.unit,
            year=view.year,
            stage=app_ctx.t(f"appraisal.stage.{view.stage}"),
        )
    )
    if view.explanation_due:
        console.print(app_ctx.t("cli.appraisal_due", due=f"{view.explanation_due:%d/%m/%Y}"))
    if view.appraised_index is not None:
        console.print(
            app_ctx.t(
                "cli.appraisal_result",
                index=fmt_num(view.appraised_index, lang),
                grade=app_ctx.t(f"grade.{view.grade}") if view.grade else "—",
            )
        )
    if not view.shows_round1:
        console.print(app_ctx.t("cli.appraisal_hidden"))
        return
    for i in view.items:
        if i.round1 is None and not i.reply and i.round2 is None:
            continue
        parts = [
            f"{i.code}",
            f"{fmt_num(i.self_score, lang) or '—'}/{fmt_num(i.max, lang)}",
            f"V1 {fmt_num(i.round1, lang) or '—'}",
        ]
        if view.shows_final:
            parts.append(f"V2 {fmt_num(i.round2, lang) or '—'}")
        console.print("  ".join(parts))
        for label, text in (
            ("cli.appraisal_comment", i.comment1),
            ("cli.appraisal_reply", i.reply),
            ("cli.appraisal_comment2", i.comment2),
        ):
            if text:
                console.print("    " + app_ctx.t(label, text=text))


@app.command("ranking")
def ranking(
    ctx: typer.Context,
    unit: ProvinceOpt,
    year: YearOpt,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Ghi bảng xếp hạng ra tệp XLSX.")
    ] = None,
    docx: Annotated[
        Path | None, typer.Option("--docx", help="Ghi báo cáo xếp hạng ra tệp DOCX.")
    ] = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Xếp hạng Chỉ số CCHC các đơn vị thuộc tỉnh/thành phố. The province's ranking."""
    app_ctx: AppContext = ctx.obj
    from application.appraisal_ranking import cells, columns, write_docx, write_xlsx
    from application.appraisal_ranking import ranking as do_ranking

    report = do_ranking(app_ctx.uow(), app_ctx.identity, app_ctx.now(now), unit=unit, year=year)
    if xlsx:
        write_xlsx(report, xlsx, app_ctx.lang)
    if docx:
        write_docx(report, docx)
    if json:
        print_json(report.as_dict())
        return
    from rich.table import Table

    table = Table(title=app_ctx.t("ranking.title", name=report.name or report.unit, year=year))
    for column in columns(app_ctx.lang):
        table.add_column(column)
    for line in report.lines:
        table.add_row(*cells(line, app_ctx.lang))
    console.print(table)
    for path in (xlsx, docx):
        if path:
            console.print(app_ctx.t("cli.appraisal_written", path=str(path)))
