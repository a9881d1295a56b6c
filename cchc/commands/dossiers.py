"""One-stop dossiers and KPIs: ``dossiers import|late|apology``, ``kpi``, ``measure set|list``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt, UnitOpt
from cchc.render import console, print_json

if TYPE_CHECKING:
    from sqlmodel import Session

    from storage.dossiers import KpiReport, TargetLine

app = typer.Typer(
    help="Hồ sơ TTHC từ hệ thống một cửa điện tử. One-stop dossiers.", no_args_is_help=True
)
measure_app = typer.Typer(
    help="Số liệu đo thủ công cho chỉ tiêu. Manual measurements for targets.",
    no_args_is_help=True,
)

YearOpt = Annotated[int | None, typer.Option("--year", help="Năm, ví dụ 2020.")]
QuarterOpt = Annotated[str | None, typer.Option("--quarter", help="Quý, ví dụ 2020-Q3.")]
FromOpt = Annotated[str | None, typer.Option("--from", help="Từ ngày (YYYY-MM-DD).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Đến ngày (YYYY-MM-DD).")]


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Tệp xuất CSV hoặc XLSX.")],
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Nhập hồ sơ (CSV/XLSX): có lỗi thì không nhập gì; nhập lại thì cập nhật. Import an export, all or nothing."""
    app_ctx: AppContext = ctx.obj
    from storage.dossiers import import_dossiers

    report = import_dossiers(
        file, engine=app_ctx.engine(), actor=app_ctx.actor, now=app_ctx.now(now)
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
    session: Session,
    unit_id: int,
    when: dt.datetime,
    year: int | None,
    quarter: str | None,
    start: str | None,
    end: str | None,
) -> tuple[dt.date, dt.date]:
    """The period asked for; by default the year of the unit's latest plan (else of ``now``)."""
    from domain.kpi import period_of

    chosen = sum(x is not None for x in (year, quarter)) + (start is not None or end is not None)
    if chosen > 1 or (start is None) != (end is None):
        raise typer.BadParameter(app_ctx.t("cli.kpi_bad_period"))
    if chosen == 0:
        year = _plan_year(session, unit_id) or when.year
    try:
        first = dt.date.fromisoformat(start) if start else None
        last = dt.date.fromisoformat(end) if end else None
    except ValueError:
        raise typer.BadParameter(app_ctx.t("cli.kpi_bad_period")) from None
    period = period_of(year=year, quarter=quarter, start=first, end=last)
    if period is None:
        raise typer.BadParameter(app_ctx.t("cli.kpi_bad_period"))
    return period


def _plan_year(session: Session, unit_id: int) -> int | None:
    from sqlmodel import col, select

    from models import PlanRecord

    return session.exec(
        select(PlanRecord.year)
        .where(PlanRecord.unit_id == unit_id)
        .order_by(col(PlanRecord.year).desc())
    ).first()


def _fmt(value: float | None, app_ctx: AppContext) -> str:
    return app_ctx.t("cli.kpi_no_data") if value is None else f"{value:.1f} %"


def kpi(
    ctx: typer.Context,
    unit: UnitOpt = None,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Chỉ số giải quyết hồ sơ TTHC và chỉ tiêu của kế hoạch. One-stop KPIs against the plan's targets."""
    app_ctx: AppContext = ctx.obj
    from storage.db import transaction
    from storage.dossiers import kpis, measurements, target_results
    from storage.plans import find_plan, read_plan_record
    from storage.units import resolve_unit

    when = app_ctx.now(now)
    with transaction(app_ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        first, last = _period(app_ctx, session, uid, when, year, quarter, start, end)
        report = kpis(session=session, unit_id=uid, start=first, end=last, now=when)
        plan = read_plan_record(find_plan(session=session, unit_id=uid), session=session)
        measured = {
            m.code: m.value for m in measurements(session=session, unit_id=uid, year=first.year)
        }
        lines = target_results(plan, report, measured)
    if json:
        print_json(
            {
                "unit": unit_row.code,
                **report.as_dict(),
                "targets": [line.as_dict() for line in lines],
            }
        )
        return
    _kpi_table(app_ctx, unit_row.name or unit_row.code, report, lines)


def _kpi_table(
    app_ctx: AppContext, unit_name: str, report: KpiReport, lines: list[TargetLine]
) -> None:
    from rich.table import Table

    from domain.dossiers import local_day
    from domain.kpi import KPIS
    from domain.workdays import weekday_date

    table = Table(
        title=app_ctx.t(
            "cli.kpi_title",
            unit=unit_name,
            start=report.start.strftime("%d/%m/%Y"),
            end=report.end.strftime("%d/%m/%Y"),
            now=weekday_date(local_day(report.now), app_ctx.lang),
        )
    )
    for key in ("cli.kpi_name", "cli.kpi_overall", "cli.kpi_fields", "cli.kpi_target"):
        table.add_column(app_ctx.t(key), overflow="fold")
    table.add_column(app_ctx.t("cli.kpi_result"), no_wrap=True)
    colour = {"met": "green", "not_met": "red", "no_data": "yellow"}
    for name in (*KPIS, "manual"):
        targets = [line for line in lines if line.result.metric == name]
        if name == "manual":
            first_cells = [app_ctx.t("cli.kpi_manual"), "", ""]
        else:
            k = report.kpis[name]
            overall = _fmt(k.overall.value, app_ctx)
            if k.overall.denominator:
                overall += f" ({k.overall.numerator}/{k.overall.denominator})"
            fields = "\n".join(
                f"{code}: {_fmt(r.value, app_ctx)}" for code, r in sorted(k.fields.items())
            )
            first_cells = [app_ctx.t(f"cli.kpi_{name}"), overall, fields]
        if not targets:
            table.add_row(*first_cells, "", "")
            continue
        for i, line in enumerate(targets):
            r = line.result
            title = line.title if app_ctx.lang == "vi" else (line.title_en or line.title)
            rule = f"{r.op} {r.threshold:g}" if r.op and r.threshold is not None else ""
            scope = _scope_text(line.scope)
            text = f"{r.code} {rule}{scope}".strip()
            if name == "manual":
                text += f" = {_fmt(r.value, app_ctx)}" if r.value is not None else ""
            verdict = f"[{colour[r.status]}]{app_ctx.t('cli.kpi_' + r.status)}[/]"
            cells = first_cells if i == 0 else ["", "", ""]
            table.add_row(*cells, f"{text}\n[dim]{title}[/]", verdict)
    console.print(table)


def _scope_text(scope: Any) -> str:
    if not scope:
        return ""
    if "field" in scope:
        return f" [{scope['field']}]"
    each = " each" if scope.get("each") else ""
    return f" [≠ {', '.join(scope.get('fields_except', []))}{each}]"


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
    """Hồ sơ trễ hạn chưa có phiếu xin lỗi (Mẫu 04). Late dossiers without an apology slip."""
    app_ctx: AppContext = ctx.obj
    from storage.db import transaction
    from storage.dossiers import late_without_apology
    from storage.units import resolve_unit

    when = app_ctx.now(now)
    with transaction(app_ctx.engine()) as session:
        uid = resolve_unit(unit, session=session).id or 0
        first, last = _period(app_ctx, session, uid, when, year, quarter, start, end)
        rows = late_without_apology(session=session, unit_id=uid, start=first, end=last, now=when)
    if json:
        print_json([r.as_dict() for r in rows])
        return
    from rich.table import Table

    from domain.dossiers import LOCAL_TZ

    def local(moment: dt.datetime | None) -> str:
        if moment is None:
            return app_ctx.t("cli.dossiers_not_returned")
        return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")

    table = Table(
        title=app_ctx.t(
            "cli.dossiers_late_title",
            n=len(rows),
            start=first.strftime("%d/%m/%Y"),
            end=last.strftime("%d/%m/%Y"),
        )
    )
    for key in (
        "cli.dossiers_id",
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
            r.ma_linh_vuc,
            r.ten_thu_tuc,
            local(r.ngay_tiep_nhan),
            local(r.ngay_hen_tra),
            f"{local(r.ngay_tra)} ({app_ctx.t('cli.dossiers_days_late', n=r.days_late)})",
        )
    console.print(table)


@app.command("apology")
def apology(
    ctx: typer.Context,
    dossier: Annotated[str, typer.Argument(help="Mã hồ sơ (ma_ho_so).")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Ghi phiếu (HTML) vào tệp thay vì in ra.")
    ] = None,
    unit: UnitOpt = None,
) -> None:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04), dạng HTML để in. Apology slip as printable HTML."""
    app_ctx: AppContext = ctx.obj
    import sys

    from storage.db import transaction
    from storage.dossiers import find_dossier
    from storage.units import resolve_unit

    with transaction(app_ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        row = find_dossier(dossier, session=session, unit_id=unit_row.id or 0)
        parent_name = ""
        if unit_row.parent_id is not None:
            from models import UnitRecord

            parent = session.get(UnitRecord, unit_row.parent_id)
            parent_name = parent.name if parent else ""
    html = render_apology_slip(
        unit_name=unit_row.name or unit_row.code,
        parent_name=parent_name,
        dossier=row,
    )
    if out is None:
        sys.stdout.write(html)
        return
    out.write_text(html, encoding="utf-8")
    console.print(app_ctx.t("cli.dossiers_slip_written", path=out))


def render_apology_slip(*, unit_name: str, parent_name: str, dossier: Any) -> str:
    """The slip's HTML from ``notifications/templates/vi/apology_slip.html.j2``."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    from domain.dossiers import LOCAL_TZ

    env = Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )

    def local(moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(LOCAL_TZ)

    return env.get_template("vi/apology_slip.html.j2").render(
        unit_name=unit_name,
        parent_name=parent_name,
        ma_ho_so=dossier.ma_ho_so,
        ten_thu_tuc=dossier.ten_thu_tuc,
        ma_thu_tuc=dossier.ma_thu_tuc,
        received=local(dossier.ngay_tiep_nhan),
        appointment=local(dossier.ngay_hen_tra),
    )


@measure_app.command("set")
def measure_set(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Mã chỉ tiêu thủ công, ví dụ T2.5.")],
    value: Annotated[float, typer.Argument(help="Giá trị đo được, ví dụ 100.")],
    year: Annotated[int, typer.Option("--year", help="Năm của số liệu.")],
    note: Annotated[str, typer.Option("--note", help="Ghi chú, căn cứ.")] = "",
    unit: UnitOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Ghi số liệu đo thủ công (ghi lại thì thay số cũ). Record a manual measurement."""
    app_ctx: AppContext = ctx.obj
    from storage.db import transaction
    from storage.dossiers import record_measurement
    from storage.units import resolve_unit

    with transaction(app_ctx.engine()) as session:
        uid = resolve_unit(unit, session=session).id or 0
        record_measurement(
            code,
            value,
            session=session,
            unit_id=uid,
            year=year,
            note=note,
            actor=app_ctx.actor,
            now=app_ctx.now(now),
        )
    if json:
        print_json({"code": code, "year": year, "value": value, "note": note})
        return
    console.print(app_ctx.t("cli.kpi_measure_set", code=code, year=year, value=f"{value:g}"))


@measure_app.command("list")
def measure_list(
    ctx: typer.Context,
    year: YearOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Các số liệu đo thủ công đã ghi. Manual measurements recorded."""
    app_ctx: AppContext = ctx.obj
    from storage.db import transaction
    from storage.dossiers import measurements
    from storage.units import resolve_unit

    with transaction(app_ctx.engine()) as session:
        uid = resolve_unit(unit, session=session).id or 0
        rows = measurements(session=session, unit_id=uid, year=year)
    items = [
        {
            "code": m.code,
            "year": m.year,
            "value": m.value,
            "note": m.note,
            "recorded_by": m.recorded_by,
            "recorded_at": m.recorded_at.isoformat(),
        }
        for m in rows
    ]
    if json:
        print_json(items)
        return
    from rich.table import Table

    table = Table(title=app_ctx.t("cli.kpi_measurements_title", n=len(items)))
    for key in ("label.code", "label.year", "cli.kpi_value", "cli.kpi_note", "cli.kpi_recorded"):
        table.add_column(app_ctx.t(key), overflow="fold")
    for m in rows:
        table.add_row(
            m.code,
            str(m.year),
            f"{m.value:g}",
            m.note,
            f"{m.recorded_by}, {m.recorded_at.strftime('%d/%m/%Y %H:%M')}",
        )
    console.print(table)
