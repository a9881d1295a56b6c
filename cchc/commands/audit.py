"""``cchc audit …``: verify the audit log's hash chain, list its entries, show one.

Each command parses, calls one use case of ``application.audit`` and renders its result.
"""

from __future__ import annotations

import datetime as dt
import json as jsonlib
from typing import TYPE_CHECKING, Annotated

import typer

from cchc.context import AppContext
from cchc.options import (
    MAX_ID,
    MAX_LIMIT,
    JsonOpt,
    NowOpt,
    UnitOpt,
)
from cchc.render import console, print_json

if TYPE_CHECKING:
    from application.audit import AuditView

app = typer.Typer(help="Nhật ký thay đổi. The audit log.", no_args_is_help=True)


@app.command("verify")
def verify(
    ctx: typer.Context,
    anchor: Annotated[
        str | None,
        typer.Option(
            "--anchor",
            metavar="TOKEN",
            help="Mốc đã ghi lại (cchc audit anchor): nhật ký phải còn nối tiếp mốc này.",
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Kiểm tra chuỗi băm của nhật ký thay đổi. Verify the audit log's hash chain."""
    app_ctx: AppContext = ctx.obj
    from application.audit import verify as verify_log
    from domain.errors import LocalizedError

    report = verify_log(app_ctx.uow(), anchor)
    if json:
        print_json(report.as_dict())
        if not report.intact:
            raise SystemExit(1)
        return
    for b in report.breaks:
        console.print(f"audit_log id {b.id}: {b.problem}", markup=False)
    if report.breaks:
        raise LocalizedError("error.audit_broken", n=len(report.breaks))
    if report.anchor is not None and report.anchor_problem is not None:
        raise LocalizedError(
            f"error.audit_anchor_{report.anchor_problem}",
            n=report.anchor.entries,
            entries=report.entries,
        )
    console.print(app_ctx.t("cli.audit_ok", n=report.entries))
    if report.anchor is not None:
        console.print(app_ctx.t("cli.audit_anchor_ok", n=report.anchor.entries))


@app.command("anchor")
def anchor(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Mốc hiện tại của nhật ký, để ghi lại ở nơi khác. The log's head, to write down elsewhere."""
    app_ctx: AppContext = ctx.obj
    from application.audit import anchor as take_anchor

    head = take_anchor(app_ctx.uow(), app_ctx.identity, app_ctx.now())
    if json:
        print_json({"entries": head.entries, "hash": head.hash, "token": head.token})
        return
    console.print(app_ctx.t("cli.audit_anchor", n=head.entries, hash=head.hash), markup=False)
    console.print(head.token, markup=False, soft_wrap=True)


def _date(value: str | None) -> dt.date | None:
    """``--since`` / ``--until``: a calendar date, ``YYYY-MM-DD`` or ``DD/MM/YYYY``."""
    if value is None:
        return None
    from responsibilities.roster import parse_date

    day = parse_date(value)
    if day is None:
        from domain.errors import LocalizedError

        raise LocalizedError("error.bad_date", value=value)
    return day


@app.command("list")
def list_(
    ctx: typer.Context,
    actor: Annotated[
        str | None,
        typer.Option("--actor", help="Email người thực hiện (hoặc operator, system)."),
    ] = None,
    action: Annotated[
        str | None,
        typer.Option("--action", help="Thao tác, ví dụ par_submit; refused: các lần bị từ chối."),
    ] = None,
    obj: Annotated[
        str | None,
        typer.Option("--object", help="Đối tượng: loại, mã hoặc loại:mã (assessment:2020)."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Từ ngày (YYYY-MM-DD hoặc DD/MM/YYYY, giờ địa phương)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Đến hết ngày (YYYY-MM-DD hoặc DD/MM/YYYY, giờ địa phương)."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=MAX_LIMIT, help="Số mục tối đa, mới nhất trước.")
    ] = 100,
    now: NowOpt = None,
    unit: UnitOpt = None,
    json: JsonOpt = False,
) -> None:
    """Các mục nhật ký thay đổi, mới nhất trước. The audit log's entries, newest first."""
    app_ctx: AppContext = ctx.obj
    from application.audit import list_entries

    rows = list_entries(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        actor=actor,
        action=action,
        obj=obj,
        since=_date(since),
        until=_date(until),
        unit=unit,
        limit=limit,
    )
    if json:
        print_json([r.as_dict() for r in rows])
        return
    if not rows:
        console.print(app_ctx.t("cli.audit_none"))
        return
    from rich.table import Table

    table = Table(title=app_ctx.t("cli.audit_title", n=len(rows)))
    for key in ("cli.audit_id", "cli.audit_at", "cli.audit_actor", "cli.audit_action"):
        table.add_column(app_ctx.t(key), no_wrap=True)
    simulated = any(r.simulated_at for r in rows)
    if simulated:
        table.add_column(app_ctx.t("cli.audit_simulated_at"), no_wrap=True)
    table.add_column(app_ctx.t("cli.audit_object"), overflow="fold")
    for r in rows:
        when = [_when(r.simulated_at) if r.simulated_at else "—"] if simulated else []
        table.add_row(
            str(r.id), _when(r.at), r.actor, _action(app_ctx, r), *when, r.object, style=_style(r)
        )
    console.print(table)


def _when(at: dt.datetime) -> str:
    return at.strftime("%d/%m/%Y %H:%M:%S")


def _action(app_ctx: AppContext, row: AuditView) -> str:
    if row.action == "refused":
        return app_ctx.t("cli.audit_refused", action=row.attempted or "?")
    return row.action


def _style(row: AuditView) -> str | None:
    return "red" if row.action == "refused" else None


@app.command("show")
def show(
    ctx: typer.Context,
    entry_id: Annotated[
        int, typer.Argument(metavar="ID", min=1, max=MAX_ID, help="Số của mục nhật ký.")
    ],
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Một mục nhật ký: trước/sau khi thay đổi và mã băm. One entry with before/after and hashes."""
    app_ctx: AppContext = ctx.obj
    from application.audit import show_entry

    row = show_entry(app_ctx.uow(), app_ctx.identity, app_ctx.now(now), entry_id)
    if json:
        print_json(row.as_dict(chain=True))
        return
    lines = [
        (app_ctx.t("cli.audit_id"), str(row.id)),
        (app_ctx.t("cli.audit_at"), f"{_when(row.at)} ({row.at.isoformat()})"),
        *(
            [(app_ctx.t("cli.audit_simulated_at"), _when(row.simulated_at))]
            if row.simulated_at
            else []
        ),
        (app_ctx.t("cli.audit_actor"), row.actor),
        (app_ctx.t("cli.audit_action"), _action(app_ctx, row)),
        (app_ctx.t("cli.audit_object"), row.object),
        (app_ctx.t("cli.audit_unit"), row.unit or "—"),
    ]
    if row.attempted and row.after:
        lines.append((app_ctx.t("cli.audit_rule"), str(row.after.get("rule") or "—")))
    lines += [
        (app_ctx.t("cli.audit_hash"), row.hash),
        (app_ctx.t("cli.audit_prev_hash"), row.prev_hash),
    ]
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        console.print(f"{label.ljust(width)}  {value}", markup=False, soft_wrap=True)
    for label, data in (
        (app_ctx.t("cli.audit_before"), row.before),
        (app_ctx.t("cli.audit_after"), row.after),
    ):
        console.print(f"{label}:", markup=False)
        text = jsonlib.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str)
        console.print(text, markup=False, soft_wrap=True)
