"""One-stop dossiers and KPIs: ``dossiers import|late|due|apology``, ``kpi``, ``measure set|list``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt, UnitOpt, WithPredecessorsOpt, number
from cchc.render import console, fmt_num, print_json, problems_json
from domain.clock import MAX_YEAR, MIN_YEAR

if TYPE_CHECKING:
    from application.dossiers import KpiResult, TargetLine
    from application.late_dossiers import ApologySlip

app = typer.Typer(
    help="Hồ sơ TTHC từ hệ thống một cửa điện tử. One-stop dossiers.", no_args_is_help=True
)
MappingOpt = Annotated[
    Path | None,
    typer.Option(
        "--mapping",
        help="Tệp YAML bổ sung tên cột và nhãn của đơn vị (docs/formats.md). "
        "A YAML file adding the unit's own headers and labels.",
    ),
]
measure_app = typer.Typer(
    help="Số liệu đo thủ công cho chỉ tiêu. Manual measurements for targets.",
    no_args_is_help=True,
)

YearOpt = Annotated[
    int | None, typer.Option("--year", min=MIN_YEAR, max=MAX_YEAR, help="Năm, ví dụ 2020.")
]
QuarterOpt = Annotated[str | None, typer.Option("--quarter", help="Quý, ví dụ 2020-Q3.")]
FromOpt = Annotated[str | None, typer.Option("--from", help="Từ ngày (YYYY-MM-DD).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Đến ngày (YYYY-MM-DD).")]


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Tệp xuất CSV hoặc XLSX.")],
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit", help="Chỉ nhận hồ sơ của đơn vị này (mặc định: mọi đơn vị trong tệp)."
        ),
    ] = None,
    mapping: MappingOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Nhập hồ sơ (CSV/XLSX): có lỗi thì không nhập gì; nhập lại thì cập nhật. Import an export, all or nothing.

    Tên cột và nhãn có thể là mã hoặc tiếng Việt ("Mã hồ sơ", "Trực tuyến"). Headers and
    labels may be codes or Vietnamese. Người nhập: bộ phận một cửa, công chức CCHC, Chủ tịch
    (--as) hoặc người vận hành. By: the one-stop desk, the CCHC officer, the chairman (--as) or
    the operator.
    """
    app_ctx: AppContext = ctx.obj
    from application.dossiers import import_dossiers

    with problems_json(json, app_ctx.lang):
        report = import_dossiers(
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
            "cli.dossiers_imported",
            rows=report.rows,
            created=report.created,
            updated=report.updated,
        )
    )


def _period(
    app_ctx: AppContext,
    year: int | None,
    quarter: str | None,
    start: str | None,
    end: str | None,
) -> tuple[dt.date, dt.date] | None:
    """The period asked for; None when none is (the use case takes the plan's year)."""
    from domain.kpi import period_of

    chosen = sum(x is not None for x in (year, quarter)) + (start is not None or end is not None)
    if chosen > 1 or (start is None) != (end is None):
        raise typer.BadParameter(app_ctx.t("cli.kpi_bad_period"))
    if chosen == 0:
        return None
    try:
        first = dt.date.fromisoformat(start) if start else None
        last = dt.date.fromisoformat(end) if end else None
    except ValueError:
        raise typer.BadParameter(app_ctx.t("cli.kpi_bad_period")) from None
    period = period_of(year=year, quarter=quarter, start=first, end=last)
    if period is None:
        raise typer.BadParameter(app_ctx.t("cli.kpi_bad_period"))
    return period


def _fmt(value: float | None, app_ctx: AppContext) -> str:
    from domain.numbers import percent

    return app_ctx.t("cli.kpi_no_data") if value is None else percent(value, app_ctx.lang)


def kpi(
    ctx: typer.Context,
    unit: UnitOpt = None,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    with_predecessors: WithPredecessorsOpt = False,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Chỉ số giải quyết hồ sơ TTHC và chỉ tiêu của kế hoạch. One-stop KPIs against the plan's targets."""
    app_ctx: AppContext = ctx.obj
    from application.dossiers import kpis

    period = _period(app_ctx, year, quarter, start, end)
    result = kpis(
        app_ctx.uow(),
        app_ctx.now(now, unit=unit),
        unit=unit,
        period=period,
        with_predecessors=with_predecessors,
    )
    if json:
        print_json(result.as_dict())
        return
    _kpi_table(app_ctx, result)
    if result.predecessors:
        console.print(
            app_ctx.t("cli.unit.history_included", units=", ".join(result.predecessors)),
            markup=False,
        )


def _kpi_table(app_ctx: AppContext, result: KpiResult) -> None:
    from rich.table import Table
    from rich.text import Text

    from domain.kpi import KPIS
    from domain.labels import field_label
    from domain.workdays import weekday_date

    report, lines = result.report, result.targets
    table = Table(
        title=app_ctx.t(
            "cli.kpi_title",
            unit=result.unit_name,
            start=report.start.strftime("%d/%m/%Y"),
            end=report.end.strftime("%d/%m/%Y"),
            now=weekday_date(result.today, app_ctx.lang),
        )
    )
    for key in ("cli.kpi_name", "cli.kpi_overall", "cli.kpi_fields", "cli.kpi_target"):
        table.add_column(app_ctx.t(key), overflow="fold")
    table.add_column(app_ctx.t("cli.kpi_result"), no_wrap=True)
    colour = {"met": "green", "not_met": "red", "no_data": "yellow"}
    for name in (*KPIS, "manual"):
        targets = [line for line in lines if line.result.metric == name]
        if name == "manual":
            first_cells: list[str | Text] = [app_ctx.t("cli.kpi_manual"), "", ""]
        else:
            k = report.kpis[name]
            overall = _fmt(k.overall.value, app_ctx)
            if k.overall.denominator:
                overall += f" ({k.overall.numerator}/{k.overall.denominator})"
            fields = "\n".join(
                f"{field_label(code, app_ctx.lang)}: {_fmt(r.value, app_ctx)}"
                for code, r in sorted(k.fields.items())
            )
            label = Text(app_ctx.t(f"cli.kpi_{name}"))
            if name == "online_procedure_share":
                label.append("\n" + _basis_note(app_ctx, result), style="dim")
            first_cells = [label, overall, fields]
        if not targets:
            table.add_row(*first_cells, "", "")
            continue
        for i, line in enumerate(targets):
            r = line.result
            title = line.title if app_ctx.lang == "vi" else (line.title_en or line.title)
            text = _target_text(line, app_ctx.lang)
            if name == "manual":
                text += f" = {_fmt(r.value, app_ctx)}" if r.value is not None else ""
            verdict = Text(app_ctx.t("cli.kpi_" + r.status), style=colour[r.status])
            cells = first_cells if i == 0 else ["", "", ""]
            table.add_row(*cells, Text.assemble(text, ("\n" + title, "dim")), verdict)
    console.print(table)


def _basis_note(app_ctx: AppContext, result: KpiResult) -> str:
    """What the online procedure share is over: the catalogue, or the procedures with dossiers."""
    if result.report.online_procedure_basis == "catalogue":
        n = result.report.kpis["online_procedure_share"].overall.denominator
        return app_ctx.t("cli.kpi_basis_catalogue", n=n)
    return app_ctx.t("cli.kpi_basis_dossiers")


def _target_text(line: TargetLine, lang: str) -> str:
    """``T2.2a: Tỷ lệ đúng hạn (Đất đai) ≥ 98%``; a target measured by hand by its threshold
    (its title follows on the next line)."""
    from domain.labels import target_threshold, target_wording

    target = line.target
    if target is None:
        return line.result.code
    wording = (
        target_threshold(target, lang)
        if target.metric == "manual"
        else target_wording(target, lang)
    )
    return f"{line.result.code}: {wording}" if wording else line.result.code


@app.command("late")
def late(
    ctx: typer.Context,
    unit: UnitOpt = None,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Hồ sơ trễ hạn chưa có phiếu xin lỗi (Mẫu 04), trễ bao nhiêu ngày làm việc. Late dossiers without an apology slip, late by how many working days."""
    app_ctx: AppContext = ctx.obj
    from application.late_dossiers import late_dossiers

    period = _period(app_ctx, year, quarter, start, end)
    result = late_dossiers(app_ctx.uow(), app_ctx.now(now, unit=unit), unit=unit, period=period)
    rows = result.rows
    if json:
        print_json([r.as_dict() for r in rows])
        return
    from rich.table import Table

    from domain.labels import field_label

    def local(moment: dt.datetime | None) -> str:
        if moment is None:
            return app_ctx.t("cli.dossiers_not_returned")
        return result.local(moment).strftime("%d/%m/%Y %H:%M")

    table = Table(
        title=app_ctx.t(
            "cli.dossiers_late_title",
            n=len(rows),
            start=result.start.strftime("%d/%m/%Y"),
            end=result.end.strftime("%d/%m/%Y"),
        )
    )
    table.add_column(app_ctx.t("cli.dossiers_id"), no_wrap=True)
    for key in (
        "cli.dossiers_field",
        "cli.dossiers_procedure",
        "cli.dossiers_received",
        "cli.dossiers_appointment",
        "cli.dossiers_returned",
    ):
        table.add_column(app_ctx.t(key), overflow="fold")
    for r in rows:
        table.add_row(
            r.ma_ho_so,
            field_label(r.ma_linh_vuc, app_ctx.lang),
            r.ten_thu_tuc,
            local(r.ngay_tiep_nhan),
            local(r.ngay_hen_tra),
            f"{local(r.ngay_tra)} ({app_ctx.t('cli.dossiers_working_days_late', n=r.days_late)})",
        )
    console.print(table)


@app.command("due")
def due(
    ctx: typer.Context,
    within: Annotated[
        int,
        typer.Option("--within", min=0, help="Đến hạn trong N ngày làm việc tới (0: hôm nay)."),
    ] = 2,
    unit: UnitOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Hồ sơ sắp đến hạn trả mà chưa trả, để kịp lập phiếu xin lỗi. Dossiers coming due and not yet returned, so a slip can be made in time."""
    app_ctx: AppContext = ctx.obj
    from application.late_dossiers import due_dossiers

    result = due_dossiers(app_ctx.uow(), app_ctx.now(now, unit=unit), within=within, unit=unit)
    if json:
        print_json([r.as_dict() for r in result.rows])
        return
    if not result.rows:
        console.print(
            app_ctx.t("cli.dossiers_none_due", n=result.within, end=f"{result.last:%d/%m/%Y}")
        )
        return
    from rich.table import Table

    from domain.labels import field_label

    table = Table(
        title=app_ctx.t(
            "cli.dossiers_due_title",
            count=len(result.rows),
            n=result.within,
            end=f"{result.last:%d/%m/%Y}",
        )
    )
    table.add_column(app_ctx.t("cli.dossiers_id"), no_wrap=True)
    for key in (
        "cli.dossiers_field",
        "cli.dossiers_procedure",
        "cli.dossiers_received",
        "cli.dossiers_appointment",
        "cli.dossiers_slip",
    ):
        table.add_column(app_ctx.t(key), overflow="fold")
    for r in result.rows:
        left = (
            app_ctx.t("cli.dossiers_working_days_left", n=r.working_days_left)
            if result.local(r.ngay_hen_tra).date() != result.today
            else app_ctx.t("cli.dossiers_due_today")
        )
        slip = ""
        if r.slip_date is not None and r.slip_new_appointment is not None:
            slip = app_ctx.t(
                "cli.dossiers_slip_cell",
                date=f"{r.slip_date:%d/%m/%Y}",
                new=f"{r.slip_new_appointment:%d/%m/%Y}",
            )
        table.add_row(
            r.ma_ho_so,
            field_label(r.ma_linh_vuc, app_ctx.lang),
            r.ten_thu_tuc,
            result.local(r.ngay_tiep_nhan).strftime("%d/%m/%Y %H:%M"),
            f"{result.local(r.ngay_hen_tra):%d/%m/%Y %H:%M} ({left})",
            slip,
        )
    console.print(table)


@app.command("apology")
def apology(
    ctx: typer.Context,
    dossier: Annotated[str, typer.Argument(help="Mã hồ sơ (ma_ho_so).")],
    new_appointment: Annotated[
        str | None,
        typer.Option(
            "--new-appointment",
            help="Ghi nhận phiếu đã lập, với ngày hẹn trả mới (YYYY-MM-DD hoặc DD/MM/YYYY).",
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="Ngày lập phiếu (mặc định: hôm nay)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Ghi phiếu (HTML) vào tệp thay vì in ra.")
    ] = None,
    docx: Annotated[
        Path | None,
        typer.Option("--docx", help="Ghi phiếu dạng Word (.docx, khổ A4) để in, ký, đóng dấu."),
    ] = None,
    unit: UnitOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04), dạng HTML hoặc Word (--docx) để in; với --new-appointment thì ghi nhận phiếu. Apology slip as printable HTML or Word (--docx); recorded with --new-appointment.

    Người ghi nhận (--as): bộ phận một cửa, công chức CCHC hoặc Chủ tịch. Phiếu lập sau ngày
    hẹn trả không được tính vào tỷ lệ xin lỗi. By (--as): the one-stop desk, the CCHC officer
    or the chairman; a slip issued after the appointment does not count for coverage.
    """
    app_ctx: AppContext = ctx.obj
    import sys

    from cchc.commands.officer import parse_day

    if new_appointment is None:
        if date is not None:
            raise typer.BadParameter(app_ctx.t("cli.dossiers_date_needs_new"), param_hint="--date")
        from application.late_dossiers import apology_slip

        slip = apology_slip(
            app_ctx.uow(), dossier_id=dossier, unit=unit, now=app_ctx.now(now, unit=unit)
        )
    else:
        from application.late_dossiers import record_apology

        new_day = parse_day(new_appointment)
        slip_day = parse_day(date) if date else None
        slip = record_apology(
            app_ctx.uow(),
            app_ctx.identity,
            app_ctx.now(now, unit=unit),
            dossier_id=dossier,
            new_appointment=new_day,
            date=slip_day,
            unit=unit,
        )
    if json:
        print_json(slip.as_dict())
        return
    if out is None and docx is None:
        sys.stdout.write(render_apology_slip(slip))
        return
    if out is not None:
        out.write_text(render_apology_slip(slip), encoding="utf-8")
    if docx is not None:
        from application.apology_document import write_apology_slip

        write_apology_slip(slip, docx)
    if new_appointment is not None and slip.date and slip.new_appointment:
        console.print(
            app_ctx.t(
                "cli.dossiers_slip_recorded",
                id=slip.ma_ho_so,
                date=f"{slip.date:%d/%m/%Y}",
                new=f"{slip.new_appointment:%d/%m/%Y}",
            )
        )
        if not slip.in_time:
            console.print(
                app_ctx.t("cli.dossiers_slip_late", appointment=f"{slip.appointment:%d/%m/%Y}")
            )
    for path in (out, docx):
        if path is not None:
            console.print(app_ctx.t("cli.dossiers_slip_written", path=path))


def render_apology_slip(slip: ApologySlip) -> str:
    """The slip's HTML from ``notifications/templates/vi/apology_slip.html.j2``; a recorded
    slip fills in its date and the new appointment, a blank one leaves them to the pen."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    from application.apology_document import body
    from domain.letterhead import Letterhead

    env = Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    head = slip.head or Letterhead(body=slip.unit_name, parent=slip.parent_name)
    return env.get_template("vi/apology_slip.html.j2").render(
        head=head,
        paragraphs=body(slip, head),
        unit_name=slip.unit_name,
        parent_name=slip.parent_name,
        ma_ho_so=slip.ma_ho_so,
        ten_thu_tuc=slip.ten_thu_tuc,
        ma_thu_tuc=slip.ma_thu_tuc,
        received=slip.received,
        appointment=slip.appointment,
        date=slip.date,
        new_appointment=slip.new_appointment,
    )


@measure_app.command("set")
def measure_set(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Mã chỉ tiêu thủ công, ví dụ T2.5.")],
    value: Annotated[
        float,
        typer.Argument(parser=str, callback=number, help="Giá trị đo được, ví dụ 99,5 hoặc 100."),
    ],
    year: Annotated[
        int, typer.Option("--year", min=MIN_YEAR, max=MAX_YEAR, help="Năm của số liệu.")
    ],
    note: Annotated[str, typer.Option("--note", help="Ghi chú, căn cứ.")] = "",
    unit: UnitOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Ghi số liệu đo thủ công (ghi lại thì thay số cũ). Record a manual measurement.

    Người ghi (--as): công chức CCHC, Chủ tịch hoặc chức danh phụ trách chỉ tiêu. By (--as):
    the CCHC officer, the chairman or the position owning the target.
    """
    app_ctx: AppContext = ctx.obj
    from application.dossiers import set_measurement

    result = set_measurement(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        code=code,
        value=value,
        year=year,
        note=note,
        unit=unit,
    )
    if json:
        print_json(result.as_dict())
        return
    console.print(
        app_ctx.t("cli.kpi_measure_set", code=code, year=year, value=fmt_num(value, app_ctx.lang))
    )


@measure_app.command("list")
def measure_list(
    ctx: typer.Context,
    year: YearOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Các số liệu đo thủ công đã ghi. Manual measurements recorded."""
    app_ctx: AppContext = ctx.obj
    from application.dossiers import list_measurements

    rows = list_measurements(app_ctx.uow(), unit=unit, year=year)
    if json:
        print_json([m.as_dict() for m in rows])
        return
    from rich.table import Table

    table = Table(title=app_ctx.t("cli.kpi_measurements_title", n=len(rows)))
    for key in ("label.code", "label.year", "cli.kpi_value", "cli.kpi_note", "cli.kpi_recorded"):
        table.add_column(app_ctx.t(key), overflow="fold")
    for m in rows:
        table.add_row(
            m.code,
            str(m.year),
            f"{m.value:g}",
            m.note,
            f"{m.recorded_by}, {m.recorded_local.strftime('%d/%m/%Y %H:%M')}",
        )
    console.print(table)
