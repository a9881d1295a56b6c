"""``cchc par …`` (the PAR Index self-assessment) and ``cchc audit verify``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt, UnitOpt
from cchc.render import console, fmt_num, print_json

app = typer.Typer(
    help="Tự đánh giá Chỉ số CCHC. The PAR Index self-assessment.", no_args_is_help=True
)
audit_app = typer.Typer(help="Nhật ký thay đổi. The audit log.", no_args_is_help=True)
YearOpt = Annotated[int, typer.Option("--year", help="Năm đánh giá.")]


def _unit_id(session: object, unit: str | None) -> int:
    from sqlmodel import Session

    from storage.units import resolve_unit

    assert isinstance(session, Session)
    return resolve_unit(unit, session=session).id or 0


@app.command("score")
def score(
    ctx: typer.Context,
    year: YearOpt,
    now: NowOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Bảng điểm: tối đa / gợi ý / tự đánh giá / thẩm định, số tài liệu kiểm chứng. The scorecard."""
    app_ctx: AppContext = ctx.obj
    from sqlmodel import Session

    from storage.assessment import scorecard

    with Session(app_ctx.engine()) as session:
        card, assessment = scorecard(
            session, unit_id=_unit_id(session, unit), year=year, now=app_ctx.now(now)
        )
        status, sha = assessment.status, assessment.snapshot_sha256
    if json:
        print_json({**card.as_dict(), "status": status, "snapshot_sha256": sha or None})
        return
    from rich.tree import Tree

    tree = Tree(app_ctx.t("cli.par_title", year=year, framework=card.framework))
    head = (
        "[dim]max / gợi ý / tự chấm / thẩm định · TLKC[/dim]"
        if app_ctx.lang == "vi"
        else "[dim]max / suggested / self / appraised · evidence[/dim]"
    )
    tree.add(head)
    for area in card.areas:
        branch = tree.add(
            f"[bold]{area.code} {area.title}[/bold]  {fmt_num(area.max)} / {fmt_num(area.self_score)}"
            + (f" / {fmt_num(area.appraised)}" if area.appraised is not None else "")
        )
        for criterion in area.children:
            sub = branch.add(
                f"[bold]{criterion.code} {criterion.title}[/bold]  {fmt_num(criterion.max)} / "
                f"{fmt_num(criterion.self_score)}"
            )
            for item in criterion.children:
                flag = " [red]⚠ giải trình[/red]" if item.needs_explanation else ""
                sub.add(
                    f"{item.code} {item.title}  {fmt_num(item.max)} / {fmt_num(item.suggested) or '—'} / "
                    f"{fmt_num(item.self_score) or '—'} / {fmt_num(item.appraised) or '—'} · {item.evidence}{flag}"
                )
    console.print(tree)
    console.print(
        app_ctx.t(
            "cli.par_total",
            total=fmt_num(card.self_total),
            scale=fmt_num(card.scale),
            index=fmt_num(card.self_index),
            grade=_grade(app_ctx, card.self_grade),
        )
    )
    if card.appraised_total is not None:
        console.print(
            app_ctx.t(
                "cli.par_appraised",
                total=fmt_num(card.appraised_total),
                scale=fmt_num(card.scale),
                index=fmt_num(card.appraised_index),
                grade=_grade(app_ctx, card.appraised_grade),
            )
        )
    needs = [i.code for i in card.items() if i.needs_explanation]
    if needs:
        console.print(app_ctx.t("cli.par_needs", items=", ".join(needs)))


def _grade(ctx: AppContext, code: str | None) -> str:
    return ctx.t(f"grade.{code}") if code else "—"


@app.command("set")
def set_(
    ctx: typer.Context,
    item: Annotated[str, typer.Argument(help="Mã tiêu chí thành phần, ví dụ 3.3.3.")],
    year: YearOpt,
    self_score: Annotated[
        float | None, typer.Option("--self", help="Điểm tự đánh giá (cần --reason).")
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="Lý do khác điểm gợi ý.")] = "",
    level: Annotated[
        str | None, typer.Option("--level", help="Mức đã chọn (quy tắc levels).")
    ] = None,
    survey: Annotated[
        float | None, typer.Option("--survey", help="Điểm từ điều tra xã hội học.")
    ] = None,
    appraisal_1: Annotated[
        float | None, typer.Option("--appraisal-1", help="Điểm thẩm định vòng 1.")
    ] = None,
    appraisal_2: Annotated[
        float | None, typer.Option("--appraisal-2", help="Điểm thẩm định vòng 2.")
    ] = None,
    now: NowOpt = None,
    unit: UnitOpt = None,
) -> None:
    """Ghi điểm tự chấm (kèm lý do), mức, điểm điều tra, điểm thẩm định. Enter scores for an item."""
    app_ctx: AppContext = ctx.obj
    from storage.assessment import set_entry
    from storage.db import transaction

    with transaction(app_ctx.engine()) as session:
        set_entry(
            session,
            unit_id=_unit_id(session, unit),
            year=year,
            item=item,
            actor=app_ctx.actor,
            now=app_ctx.now(now),
            self_score=self_score,
            self_reason=reason or None,
            level=level,
            survey=survey,
            appraisal_1=appraisal_1,
            appraisal_2=appraisal_2,
        )
    console.print(app_ctx.t("cli.par_saved", item=item))


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
    from storage.assessment import set_entry
    from storage.db import transaction

    with transaction(app_ctx.engine()) as session:
        set_entry(
            session,
            unit_id=_unit_id(session, unit),
            year=year,
            item=item,
            actor=app_ctx.actor,
            now=app_ctx.now(now),
            explanation=text,
        )
    console.print(app_ctx.t("cli.par_saved", item=item))


@app.command("adjust")
def adjust(
    ctx: typer.Context,
    year: YearOpt,
    bonus: Annotated[float | None, typer.Option("--bonus", help="Điểm thưởng (có trần).")] = None,
    bonus_reason: Annotated[str, typer.Option("--bonus-reason")] = "",
    penalty: Annotated[float | None, typer.Option("--penalty", help="Điểm trừ (có trần).")] = None,
    penalty_reason: Annotated[str, typer.Option("--penalty-reason")] = "",
    difficulties: Annotated[
        str | None, typer.Option("--difficulties", help="Khó khăn, vướng mắc, đề xuất.")
    ] = None,
    now: NowOpt = None,
    unit: UnitOpt = None,
) -> None:
    """Điểm thưởng, điểm trừ và phần khó khăn của báo cáo. Bonus, penalty and difficulties."""
    app_ctx: AppContext = ctx.obj
    from storage.assessment import set_adjustments
    from storage.db import transaction

    with transaction(app_ctx.engine()) as session:
        set_adjustments(
            session,
            unit_id=_unit_id(session, unit),
            year=year,
            actor=app_ctx.actor,
            now=app_ctx.now(now),
            bonus=bonus,
            bonus_reason=bonus_reason,
            penalty=penalty,
            penalty_reason=penalty_reason,
            difficulties=difficulties,
        )
    console.print(app_ctx.t("cli.par_saved", item=str(year)))


@app.command("export")
def export(
    ctx: typer.Context,
    year: YearOpt,
    out: Annotated[Path, typer.Option("--out", help="Thư mục xuất.")],
    now: NowOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Hồ sơ nộp: bảng điểm XLSX, tài liệu theo tiêu chí, danh mục, báo cáo DOCX. The submission pack."""
    app_ctx: AppContext = ctx.obj
    from sqlmodel import Session

    from cchc.par_export import export_pack
    from models import UnitRecord
    from storage.assessment import evidence_files, scorecard
    from storage.blobs import DiskBlobStore

    store = DiskBlobStore(app_ctx.settings.home / "evidence")
    with Session(app_ctx.engine()) as session:
        uid = _unit_id(session, unit)
        card, assessment = scorecard(session, unit_id=uid, year=year, now=app_ctx.now(now))
        files = evidence_files(session, unit_id=uid, year=year)
        unit_row = session.get(UnitRecord, uid)
        summary = export_pack(
            card,
            out,
            year=year,
            unit_name=unit_row.name if unit_row else "",
            difficulties=assessment.difficulties,
            files=files,
            blob_path=store.path,
        )
    if json:
        print_json(summary)
        return
    console.print(app_ctx.t("cli.par_exported", path=out, files=summary["files"]))


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
    from storage.assessment import submit as do_submit
    from storage.db import transaction

    with transaction(app_ctx.engine()) as session:
        assessment = do_submit(
            session,
            unit_id=_unit_id(session, unit),
            year=year,
            actor=app_ctx.actor,
            now=app_ctx.now(now),
        )
        sha = assessment.snapshot_sha256
    if json:
        print_json({"year": year, "status": "submitted", "snapshot_sha256": sha})
        return
    console.print(app_ctx.t("cli.par_submitted", year=year, sha=sha))


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
    from storage.assessment import reopen as do_reopen
    from storage.db import transaction

    with transaction(app_ctx.engine()) as session:
        do_reopen(
            session,
            unit_id=_unit_id(session, unit),
            year=year,
            actor=app_ctx.actor,
            now=app_ctx.now(now),
            reason=reason,
        )
    console.print(app_ctx.t("cli.par_reopened", year=year))


@audit_app.command("verify")
def verify(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Kiểm tra chuỗi băm của nhật ký thay đổi. Verify the audit log's hash chain."""
    app_ctx: AppContext = ctx.obj
    from sqlmodel import Session

    from domain.errors import LocalizedError
    from storage.audit import verify_chain

    with Session(app_ctx.engine()) as session:
        count, breaks = verify_chain(session=session)
    if json:
        print_json({"entries": count, "intact": not breaks, "breaks": [b.__dict__ for b in breaks]})
        if breaks:
            raise SystemExit(1)
        return
    if breaks:
        for b in breaks:
            console.print(f"audit_log id {b.id}: {b.problem}", markup=False)
        raise LocalizedError("error.audit_broken", n=len(breaks))
    console.print(app_ctx.t("cli.audit_ok", n=count))
