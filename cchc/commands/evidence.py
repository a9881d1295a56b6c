"""Evidence documents: ``evidence add|list|show|accept|reject|verify|gc`` and ``completeness``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cchc.context import AppContext
from cchc.options import MAX_ID, PERIOD_HELP, JsonOpt, NowOpt, UnitOpt, WithPredecessorsOpt
from cchc.render import console, print_json
from domain.clock import MAX_YEAR, MIN_YEAR

if TYPE_CHECKING:
    from application.evidence import EvidenceItem, Review

app = typer.Typer(
    help="Tài liệu kiểm chứng: tải lên, duyệt, kiểm tra. Evidence documents.",
    no_args_is_help=True,
)


def _date(value: str | None) -> dt.date | None:
    from domain.errors import LocalizedError

    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise LocalizedError("error.bad_date", value=value) from None


def _wall(moment: dt.datetime | None) -> str:
    """A moment already on the unit's wall clock, as people read it."""
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


@app.command("add")
def add(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="Tệp PDF, DOC(X), XLS(X), ODT, ODS, JPG, PNG.")
    ],
    task: Annotated[str, typer.Option("--task", help="Mã nhiệm vụ, ví dụ II.3.5.")],
    period: Annotated[str, typer.Option("--period", help=PERIOD_HELP)],
    requirement: Annotated[
        str | None,
        typer.Option(
            "--requirement",
            help="Tài liệu yêu cầu: tên, số thứ tự (1, 2, …) hoặc một phần tên; bỏ trống = tài liệu bổ sung.",
        ),
    ] = None,
    doc_number: Annotated[str, typer.Option("--doc-number", help="Số, ký hiệu văn bản.")] = "",
    doc_date: Annotated[
        str | None, typer.Option("--doc-date", help="Ngày văn bản, YYYY-MM-DD.")
    ] = None,
    issuer: Annotated[str, typer.Option("--issuer", help="Cơ quan ban hành.")] = "",
    summary: Annotated[str, typer.Option("--summary", help="Trích yếu.")] = "",
    criteria: Annotated[
        str | None,
        typer.Option(
            "--criteria", help="Tiêu chí chứng minh, ví dụ 1.1.1,3.3.3 (mặc định: của nhiệm vụ)."
        ),
    ] = None,
    now: NowOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Tải lên tài liệu kiểm chứng cho một lần thực hiện (mỗi lần tải là một phiên bản mới). Add evidence."""
    app_ctx: AppContext = ctx.obj
    from application.evidence import disk_store, upload
    from domain.evidence import human_size
    from domain.periods import parse_period, period_label

    period = parse_period(period)
    rows = upload(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        unit=unit,
        task=task,
        period=period,
        requirement=requirement,
        files=files,
        doc_number=doc_number,
        doc_date=_date(doc_date),
        issuer=issuer,
        summary=summary,
        criteria=criteria.split(",") if criteria is not None else None,
        store=disk_store(app_ctx.settings.home),
        max_bytes=app_ctx.settings.evidence_max_bytes,
    )
    if json:
        print_json([r.as_dict() for r in rows])
        return
    for r in rows:
        if r.repaired:
            console.print(
                app_ctx.t("cli.evidence_repaired", file=r.file, path=r.path), markup=False
            )
        console.print(
            app_ctx.t(
                "cli.evidence_added",
                id=r.id,
                file=r.file,
                task=task,
                period=period_label(period, app_ctx.lang),
                requirement=r.requirement or app_ctx.t("cli.evidence_extra"),
                revision=r.revision,
                size=human_size(r.size or 0),
            ),
            markup=False,
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    task: Annotated[str | None, typer.Option("--task", help="Mã nhiệm vụ.")] = None,
    period: Annotated[str | None, typer.Option("--period", help=PERIOD_HELP)] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="pending | accepted | rejected")
    ] = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Danh sách tài liệu kiểm chứng (mọi phiên bản). List evidence, every revision."""
    app_ctx: AppContext = ctx.obj
    from application.evidence import list_evidence
    from domain.periods import parse_period, period_label

    if period is not None:
        period = parse_period(period)
    rows = list_evidence(app_ctx.uow(), unit=unit, task=task, period=period, status=status)
    if json:
        print_json([r.as_dict() for r in rows])
        return
    from rich.table import Table

    table = Table(title=app_ctx.t("cli.evidence_title", n=len(rows)))
    table.add_column("#", justify="right")
    for key in ("label.task", "label.period"):
        table.add_column(app_ctx.t(key))
    for key in ("requirement", "revision", "file"):
        table.add_column(app_ctx.t(f"cli.evidence_field.{key}"), overflow="ellipsis", max_width=40)
    table.add_column(app_ctx.t("label.status"))
    for e in rows:
        status_text = app_ctx.t(f"cli.evidence_status.{e.status}")
        if e.status == "rejected" and e.reason:
            status_text += f" ({e.reason})"
        table.add_row(
            str(e.id),
            e.task or "",
            period_label(e.period, app_ctx.lang) if e.period else "",
            e.requirement or app_ctx.t("cli.evidence_extra"),
            str(e.revision),
            e.file,
            status_text,
        )
    console.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    evidence_id: Annotated[
        int, typer.Argument(metavar="ID", min=1, max=MAX_ID, help="Số tài liệu.")
    ],
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Chi tiết một tài liệu kiểm chứng. Show one evidence record."""
    app_ctx: AppContext = ctx.obj
    from application.evidence import disk_store, show_evidence

    row = show_evidence(
        app_ctx.uow(), evidence_id=evidence_id, unit=unit, store=disk_store(app_ctx.settings.home)
    )
    if json:
        print_json(row.as_dict())
        return
    _render_detail(app_ctx, row)


def _render_detail(app_ctx: AppContext, row: EvidenceItem) -> None:
    from rich.table import Table

    from domain.evidence import human_size
    from domain.periods import period_label

    table = Table(
        show_header=False,
        title=f"#{row.id} — {row.task} {period_label(row.period or '', app_ctx.lang)}",
    )
    table.add_column(style="bold")
    table.add_column()

    def field(key: str, value: object) -> None:
        if value not in (None, "", []):
            table.add_row(app_ctx.t(f"cli.evidence_field.{key}"), str(value))

    field("requirement", row.requirement or app_ctx.t("cli.evidence_extra"))
    field("revision", row.revision)
    field("file", row.file)
    field("type", f"{row.media_type}, {human_size(row.size)}" if row.size is not None else None)
    field("doc_number", row.doc_number)
    field("doc_date", row.doc_date)
    field("issuer", row.issuer)
    field("summary", row.summary)
    field("criteria", ", ".join(row.criteria))
    table.add_row(app_ctx.t("label.status"), app_ctx.t(f"cli.evidence_status.{row.status}"))
    field("reason", row.reason)
    field("uploaded", f"{row.uploaded_by} {_wall(row.uploaded_local)}")
    if row.reviewed_at:
        field("reviewed", f"{row.reviewed_by} {_wall(row.reviewed_local)}")
    field("blob", row.path)
    console.print(table)


def _review(action: Review):  # type: ignore[no-untyped-def]
    def command(
        ctx: typer.Context,
        evidence_id: Annotated[
            int, typer.Argument(metavar="ID", min=1, max=MAX_ID, help="Số tài liệu.")
        ],
        reason: Annotated[
            str | None, typer.Option("--reason", help="Lý do (bắt buộc khi trả lại).")
        ] = None,
        now: NowOpt = None,
        unit: UnitOpt = None,
        json: JsonOpt = False,
    ) -> None:
        app_ctx: AppContext = ctx.obj
        from application.evidence import review

        row = review(
            app_ctx.uow(),
            app_ctx.identity,
            app_ctx.now(now, unit=unit),
            evidence_id=evidence_id,
            action=action,
            reason=reason,
            unit=unit,
        )
        if json:
            print_json(row.as_dict())
            return
        console.print(
            app_ctx.t(
                "cli.evidence_reviewed",
                id=row.id,
                status=app_ctx.t(f"cli.evidence_status.{row.status}"),
            ),
            markup=False,
        )

    command.__doc__ = {
        "accept": "Chấp nhận một tài liệu kiểm chứng. Accept an evidence record.",
        "reject": "Trả lại một tài liệu kiểm chứng, kèm lý do. Reject one, with a reason.",
    }[action]
    return command


app.command("accept")(_review("accept"))
app.command("reject")(_review("reject"))


@app.command("verify")
def verify(ctx: typer.Context, unit: UnitOpt = None, json: JsonOpt = False) -> None:
    """Băm lại mọi tệp đã lưu; mã thoát 1 nếu có tệp mất hoặc hỏng; báo cả tệp tạm còn sót.
    Re-hash every stored file; report leftovers of interrupted uploads."""
    app_ctx: AppContext = ctx.obj
    from application.evidence import disk_store
    from application.evidence import verify as check
    from domain.periods import period_label

    result = check(
        app_ctx.uow(), unit=unit, store=disk_store(app_ctx.settings.home), now=app_ctx.now()
    )
    if json:
        print_json(result.as_dict())
        if result.problems:
            raise typer.Exit(1)
        return
    if not result.problems:
        console.print(app_ctx.t("cli.evidence_verified", n=result.checked))
    if result.leftovers:
        from domain.evidence import human_size

        oldest = result.oldest_leftover
        console.print(
            app_ctx.t(
                "cli.evidence_leftovers",
                n=len(result.leftovers),
                size=human_size(result.leftover_bytes),
                age=_age(oldest.total_seconds() if oldest else 0),
            ),
            markup=False,
        )
    for item in result.problems:
        console.print(
            app_ctx.t(
                "cli.evidence_broken",
                id=item.id,
                task=item.task,
                period=period_label(item.period or "", app_ctx.lang),
                file=item.file,
                problem=app_ctx.t(f"cli.evidence_problem.{item.problem}"),
            )
            + f" — {item.path}",
            markup=False,
        )
    if result.problems:
        raise typer.Exit(1)


def _age(seconds: float) -> str:
    """An age as people say it: 45 min, 3 h 20 min, 2 d 4 h."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"


@app.command("gc")
def gc(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Chỉ liệt kê, không xoá. Only list, remove nothing.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Xoá tệp tạm do lần tải lên bị ngắt để lại (cũ hơn 1 giờ). Remove leftovers of interrupted uploads."""
    app_ctx: AppContext = ctx.obj
    from application.evidence import collect_garbage, disk_store
    from domain.evidence import human_size

    result = collect_garbage(
        app_ctx.identity, app_ctx.now(), store=disk_store(app_ctx.settings.home), dry_run=dry_run
    )
    if json:
        print_json(result.as_dict())
        return
    for item in result.removed:
        console.print(
            f"{item.path} ({human_size(item.size)}, {_age(item.age.total_seconds())})", markup=False
        )
    key = "cli.evidence_gc_would" if dry_run else "cli.evidence_gc_done"
    console.print(
        app_ctx.t(key, n=len(result.removed), size=human_size(result.removed_bytes)),
        markup=False,
    )
    if result.kept:
        console.print(app_ctx.t("cli.evidence_gc_kept", n=len(result.kept)), markup=False)


def completeness(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option("--by", help="position | area | criterion | officer")
    ] = "position",
    year: Annotated[int | None, typer.Option("--year", min=MIN_YEAR, max=MAX_YEAR)] = None,
    now: NowOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Ghi báo cáo ra tệp Excel.")] = None,
    with_predecessors: WithPredecessorsOpt = False,
) -> None:
    """Mức đầy đủ tài liệu kiểm chứng, và ai còn nợ tài liệu gì. Evidence completeness report."""
    app_ctx: AppContext = ctx.obj
    from application.completeness import completeness as build

    report = build(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        unit=unit,
        by=by,
        year=year,
        lang=app_ctx.lang,
        with_predecessors=with_predecessors,
    )
    if xlsx is not None:
        from application.completeness_xlsx import write_completeness

        write_completeness(report, xlsx, app_ctx.lang)
    if json:
        print_json(report.as_dict())
        return
    from cchc.completeness_view import render_completeness

    render_completeness(report, app_ctx, console)
    if report.predecessors:
        console.print(
            app_ctx.t("cli.unit.history_included", units=", ".join(report.predecessors)),
            markup=False,
        )
    if xlsx is not None:
        console.print(app_ctx.t("cli.completeness_written", path=xlsx), markup=False)
