"""Evidence documents: ``evidence add|list|show|accept|reject|verify`` and ``completeness``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt, UnitOpt
from cchc.render import console, print_json

if TYPE_CHECKING:
    from models import Evidence, Occurrence
    from storage.blobs import DiskBlobStore

app = typer.Typer(
    help="Tài liệu kiểm chứng: tải lên, duyệt, kiểm tra. Evidence documents.",
    no_args_is_help=True,
)


def _store(app_ctx: AppContext) -> DiskBlobStore:
    from storage.blobs import DiskBlobStore

    return DiskBlobStore(app_ctx.settings.home / "evidence")


def _date(value: str | None) -> dt.date | None:
    from domain.errors import LocalizedError

    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise LocalizedError("error.bad_date", value=value) from None


def _local(moment: dt.datetime) -> str:
    import zoneinfo

    from cchc.context import LOCAL_TZ

    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return f"{aware.astimezone(zoneinfo.ZoneInfo(LOCAL_TZ)):%Y-%m-%d %H:%M}"


def _as_dict(
    row: Evidence, occ: Occurrence | None, store: DiskBlobStore | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": row.id,
        "task": occ.task_code if occ else None,
        "period": occ.period if occ else None,
        "requirement": row.requirement,
        "revision": row.revision,
        "file": row.file_name,
        "sha256": row.blob_sha256,
        "doc_number": row.doc_number,
        "doc_date": row.doc_date,
        "issuer": row.issuer,
        "summary": row.summary,
        "criteria": list(row.criteria or []),
        "status": row.status,
        "reason": row.reason,
        "uploaded_by": row.uploaded_by,
        "uploaded_at": row.uploaded_at,
        "reviewed_by": row.reviewed_by or None,
        "reviewed_at": row.reviewed_at,
    }
    if store is not None:
        data["path"] = str(store.path(row.blob_sha256))
    return data


@app.command("add")
def add(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="Tệp PDF, DOC(X), XLS(X), ODT, ODS, JPG, PNG.")
    ],
    task: Annotated[str, typer.Option("--task", help="Mã nhiệm vụ, ví dụ II.3.5.")],
    period: Annotated[str, typer.Option("--period", help="Kỳ, ví dụ 2020-Q1.")],
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
    from domain.evidence import human_size
    from storage.db import transaction
    from storage.evidence import add_evidence
    from storage.occurrences import find_occurrence
    from storage.units import resolve_unit

    when = app_ctx.now(now)
    store = _store(app_ctx)
    with transaction(app_ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        occ = find_occurrence(unit_row.id or 0, task, period, session=session)
        rows = add_evidence(
            files,
            session=session,
            store=store,
            unit_id=unit_row.id or 0,
            occurrence=occ,
            requirement=requirement,
            doc_number=doc_number,
            doc_date=_date(doc_date),
            issuer=issuer,
            summary=summary,
            criteria=criteria.split(",") if criteria is not None else None,
            actor=app_ctx.actor,
            now=when,
            max_bytes=app_ctx.settings.evidence_max_bytes,
        )
    if json:
        print_json([_as_dict(r, occ, store) for r in rows])
        return
    for r in rows:
        console.print(
            app_ctx.t(
                "cli.evidence_added",
                id=r.id,
                file=r.file_name,
                task=task,
                period=period,
                requirement=r.requirement or app_ctx.t("cli.evidence_extra"),
                revision=r.revision,
                size=human_size(Path(store.path(r.blob_sha256)).stat().st_size),
            ),
            markup=False,
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    task: Annotated[str | None, typer.Option("--task", help="Mã nhiệm vụ.")] = None,
    period: Annotated[str | None, typer.Option("--period", help="Kỳ.")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="pending | accepted | rejected")
    ] = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Danh sách tài liệu kiểm chứng (mọi phiên bản). List evidence, every revision."""
    app_ctx: AppContext = ctx.obj
    from sqlmodel import Session

    from storage.evidence import list_evidence
    from storage.units import resolve_unit

    with Session(app_ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        rows = list_evidence(
            session=session, unit_id=unit_row.id or 0, task=task, period=period, status=status
        )
    if json:
        print_json([_as_dict(e, o) for e, o in rows])
        return
    from rich.table import Table

    table = Table(title=app_ctx.t("cli.evidence_title", n=len(rows)))
    table.add_column("#", justify="right")
    for key in ("label.task", "label.period"):
        table.add_column(app_ctx.t(key))
    for key in ("requirement", "revision", "file"):
        table.add_column(app_ctx.t(f"cli.evidence_field.{key}"), overflow="ellipsis", max_width=40)
    table.add_column(app_ctx.t("label.status"))
    for e, o in rows:
        status_text = app_ctx.t(f"cli.evidence_status.{e.status}")
        if e.status == "rejected" and e.reason:
            status_text += f" ({e.reason})"
        table.add_row(
            str(e.id),
            o.task_code,
            o.period,
            e.requirement or app_ctx.t("cli.evidence_extra"),
            str(e.revision),
            e.file_name,
            status_text,
        )
    console.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    evidence_id: Annotated[int, typer.Argument(metavar="ID", help="Số tài liệu.")],
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Chi tiết một tài liệu kiểm chứng. Show one evidence record."""
    app_ctx: AppContext = ctx.obj
    from sqlmodel import Session

    from models import Blob, Occurrence
    from storage.evidence import get_evidence
    from storage.units import resolve_unit

    store = _store(app_ctx)
    with Session(app_ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        row = get_evidence(evidence_id, session=session, unit_id=unit_row.id)
        occ = session.get(Occurrence, row.occurrence_id)
        blob = session.get(Blob, row.blob_sha256)
    data = _as_dict(row, occ, store)
    data["media_type"] = blob.media_type if blob else None
    data["size"] = blob.size if blob else None
    if json:
        print_json(data)
        return
    from rich.table import Table

    from domain.evidence import human_size

    table = Table(show_header=False, title=f"#{row.id} — {data['task']} {data['period']}")
    table.add_column(style="bold")
    table.add_column()

    def field(key: str, value: object) -> None:
        if value not in (None, "", []):
            table.add_row(app_ctx.t(f"cli.evidence_field.{key}"), str(value))

    field("requirement", row.requirement or app_ctx.t("cli.evidence_extra"))
    field("revision", row.revision)
    field("file", row.file_name)
    field("type", f"{data['media_type']}, {human_size(blob.size)}" if blob else None)
    field("doc_number", row.doc_number)
    field("doc_date", row.doc_date)
    field("issuer", row.issuer)
    field("summary", row.summary)
    field("criteria", ", ".join(row.criteria or []))
    table.add_row(app_ctx.t("label.status"), app_ctx.t(f"cli.evidence_status.{row.status}"))
    field("reason", row.reason)
    field("uploaded", f"{row.uploaded_by} {_local(row.uploaded_at)}")
    if row.reviewed_at:
        field("reviewed", f"{row.reviewed_by} {_local(row.reviewed_at)}")
    field("blob", data["path"])
    console.print(table)


def _review(action: str):  # type: ignore[no-untyped-def]
    def command(
        ctx: typer.Context,
        evidence_id: Annotated[int, typer.Argument(metavar="ID", help="Số tài liệu.")],
        reason: Annotated[
            str | None, typer.Option("--reason", help="Lý do (bắt buộc khi trả lại).")
        ] = None,
        now: NowOpt = None,
        unit: UnitOpt = None,
        json: JsonOpt = False,
    ) -> None:
        app_ctx: AppContext = ctx.obj
        from storage.db import transaction
        from storage.evidence import review
        from storage.units import resolve_unit

        when = app_ctx.now(now)
        with transaction(app_ctx.engine()) as session:
            unit_row = resolve_unit(unit, session=session)
            row = review(
                evidence_id,
                action,  # type: ignore[arg-type]
                session=session,
                actor=app_ctx.actor,
                now=when,
                reason=reason,
                unit_id=unit_row.id,
            )
        if json:
            print_json({"id": row.id, "status": row.status, "reason": row.reason or None})
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
    """Băm lại mọi tệp đã lưu; mã thoát 1 nếu có tệp mất hoặc hỏng. Re-hash every stored file."""
    app_ctx: AppContext = ctx.obj
    from sqlmodel import Session

    from models import Evidence, Occurrence
    from storage.evidence import blob_count
    from storage.evidence import verify as check
    from storage.units import resolve_unit

    store = _store(app_ctx)
    with Session(app_ctx.engine()) as session:
        uid = resolve_unit(unit, session=session).id if unit else None
        damage = check(session, store, unit_id=uid)
        checked = blob_count(session, unit_id=uid)
        found = []
        for evidence_id, problem in damage:
            row = session.get(Evidence, evidence_id)
            occ = session.get(Occurrence, row.occurrence_id) if row else None
            found.append(
                {
                    "id": evidence_id,
                    "problem": problem,
                    "task": occ.task_code if occ else None,
                    "period": occ.period if occ else None,
                    "file": row.file_name if row else None,
                    "sha256": row.blob_sha256 if row else None,
                    "path": str(store.path(row.blob_sha256)) if row else None,
                }
            )
    if json:
        print_json({"checked": checked, "problems": found})
    elif not found:
        console.print(app_ctx.t("cli.evidence_verified", n=checked))
    else:
        for item in found:
            console.print(
                app_ctx.t(
                    "cli.evidence_broken",
                    id=item["id"],
                    task=item["task"],
                    period=item["period"],
                    file=item["file"],
                    problem=app_ctx.t(f"cli.evidence_problem.{item['problem']}"),
                )
                + f" — {item['path']}",
                markup=False,
            )
    if found:
        raise typer.Exit(1)


def completeness(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option("--by", help="position | area | criterion | officer")
    ] = "position",
    year: Annotated[int | None, typer.Option("--year")] = None,
    now: NowOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Ghi báo cáo ra tệp Excel.")] = None,
) -> None:
    """Mức đầy đủ tài liệu kiểm chứng, và ai còn nợ tài liệu gì. Evidence completeness report."""
    app_ctx: AppContext = ctx.obj
    from sqlmodel import Session

    from storage.evidence import completeness as build
    from storage.units import resolve_unit

    when = app_ctx.now(now)
    with Session(app_ctx.engine()) as session:
        unit_row = resolve_unit(unit, session=session)
        report = build(
            session=session,
            unit_id=unit_row.id or 0,
            now=when,
            by=by,
            year=year,
            lang=app_ctx.lang,
        )
    if xlsx is not None:
        from cchc.completeness_xlsx import write_completeness

        write_completeness(report, xlsx, app_ctx.lang)
    if json:
        print_json(report.as_dict())
        return
    from cchc.completeness_view import render_completeness

    render_completeness(report, app_ctx, console)
    if xlsx is not None:
        console.print(app_ctx.t("cli.completeness_written", path=xlsx), markup=False)
