"""Following the units below a parent unit: ``province progress|kpi``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt
from cchc.render import console, print_json
from domain.clock import MAX_YEAR, MIN_YEAR

app = typer.Typer(
    help="Theo dõi các đơn vị trực thuộc (tỉnh, thành phố, quận): tiến độ, chỉ số, xếp hạng. "
    "Following the units below a province, city or district.",
    no_args_is_help=True,
)

ParentOpt = Annotated[
    str, typer.Option("--unit", help="Mã đơn vị cấp trên (tỉnh, thành phố, quận), ví dụ tp-hcm.")
]
YearOpt = Annotated[
    int | None,
    typer.Option("--year", min=MIN_YEAR, max=MAX_YEAR, help="Năm kế hoạch (mặc định: năm nay)."),
]
XlsxOpt = Annotated[Path | None, typer.Option("--xlsx", help="Ghi báo cáo ra tệp Excel.")]


def _day(value: str | None) -> dt.date | None:
    from domain.errors import LocalizedError

    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise LocalizedError("error.bad_date", value=value) from None


@app.command("progress")
def progress(
    ctx: typer.Context,
    unit: ParentOpt,
    year: YearOpt = None,
    assessment_due: Annotated[
        str | None,
        typer.Option(
            "--assessment-due",
            help="Hạn nộp tự đánh giá Chỉ số CCHC, YYYY-MM-DD: số ngày còn lại cho các đơn vị chưa nộp (mặc định: hạn tỉnh/thành phố đã đặt bằng cchc appraisal deadline).",
        ),
    ] = None,
    now: NowOpt = None,
    json: JsonOpt = False,
    xlsx: XlsxOpt = None,
) -> None:
    """Tiến độ các đơn vị × lĩnh vực: đến hạn, xong, quá hạn, tài liệu; đơn vị chưa nộp tự đánh
    giá. Units × areas progress; units whose self-assessment is not submitted."""
    app_ctx: AppContext = ctx.obj
    from application.province import province_progress

    moment = app_ctx.now(now, unit=unit)
    table = province_progress(
        app_ctx.uow(),
        app_ctx.identity,
        moment,
        unit=unit,
        year=year or moment.year,
        assessment_due=_day(assessment_due),
        lang=app_ctx.lang,
    )
    if xlsx is not None:
        from application.province_xlsx import write_progress

        write_progress(table, xlsx, app_ctx.lang)
    if json:
        print_json(table.as_dict())
        return
    from cchc.province_view import render_progress

    render_progress(table, app_ctx, console)
    if xlsx is not None:
        console.print(app_ctx.t("cli.completeness_written", path=xlsx), markup=False)


@app.command("kpi")
def kpi(
    ctx: typer.Context,
    unit: ParentOpt,
    year: YearOpt = None,
    quarter: Annotated[
        int | None, typer.Option("--quarter", min=1, max=4, help="Quý 1–4 (mặc định: cả năm).")
    ] = None,
    code: Annotated[
        str | None,
        typer.Option("--kpi", help="Chỉ một chỉ số, ví dụ on_time_rate (mặc định: mọi chỉ số)."),
    ] = None,
    now: NowOpt = None,
    json: JsonOpt = False,
    xlsx: XlsxOpt = None,
) -> None:
    """Chỉ số hồ sơ một cửa của các đơn vị, xếp hạng, so với chỉ tiêu, theo tháng. One-stop KPIs
    of the units, ranked, against their targets, month by month."""
    app_ctx: AppContext = ctx.obj
    from application.province import province_kpis

    moment = app_ctx.now(now, unit=unit)
    result = province_kpis(
        app_ctx.uow(),
        app_ctx.identity,
        moment,
        unit=unit,
        year=year or moment.year,
        quarter=quarter,
        kpi=code,
        lang=app_ctx.lang,
    )
    if xlsx is not None:
        from application.province_xlsx import write_kpis

        write_kpis(result, xlsx, app_ctx.lang)
    if json:
        print_json(result.as_dict())
        return
    from cchc.province_view import render_kpis

    render_kpis(result, app_ctx, console)
    if xlsx is not None:
        console.print(app_ctx.t("cli.completeness_written", path=xlsx), markup=False)
