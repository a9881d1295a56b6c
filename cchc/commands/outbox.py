"""``cchc outbox …`` and ``cchc notify preview``: the messages on their way, and their wording."""

from __future__ import annotations

from typing import Annotated

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt, NowOpt
from cchc.render import console, print_json

app = typer.Typer(help="Hộp thư đi. The outbox of messages.", no_args_is_help=True)
notify_app = typer.Typer(help="Mẫu thông báo. Message templates.", no_args_is_help=True)
STATUSES = ("pending", "sending", "sent", "failed", "dead")


def _row_dict(row: object) -> dict[str, object]:
    from models import OutboxMessage

    assert isinstance(row, OutboxMessage)
    return {
        "id": row.id,
        "key": row.key,
        "kind": row.kind,
        "channel": row.channel,
        "status": row.status,
        "recipient": row.recipient,
        "recipient_name": row.recipient_name,
        "cc": list(row.cc),
        "subject": row.subject,
        "attempts": row.attempts,
        "created_at": row.created_at,
        "next_attempt_at": row.next_attempt_at,
        "sent_at": row.sent_at,
        "last_error": row.last_error or None,
    }


@app.command("deliver")
def deliver(ctx: typer.Context, now: NowOpt = None, json: JsonOpt = False) -> None:
    """Một lượt gửi thư đang chờ. One delivery pass over the outbox."""
    app_ctx: AppContext = ctx.obj
    from cchc.jobs import deliver_job

    app_ctx.engine()
    report = deliver_job(app_ctx.settings, now=app_ctx.now(now))
    if json:
        print_json(report)
        return
    console.print(
        app_ctx.t("cli.delivered", **{k: report[k] for k in ("claimed", "sent", "retried", "dead")})
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="pending, sending, sent, failed, dead")
    ] = None,
    limit: Annotated[int, typer.Option("--limit")] = 100,
    json: JsonOpt = False,
) -> None:
    """Danh sách thư trong hộp thư đi. Messages in the outbox, newest first."""
    app_ctx: AppContext = ctx.obj
    from sqlmodel import Session, col, select

    from models import OutboxMessage

    for value in status or []:
        if value not in STATUSES:
            raise typer.BadParameter(f"--status {value}: {', '.join(STATUSES)}")
    with Session(app_ctx.engine()) as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit)
        if status:
            query = query.where(col(OutboxMessage.status).in_(status))
        rows = [_row_dict(r) for r in session.exec(query)]
    if json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table(title=app_ctx.t("cli.outbox_title", n=len(rows)))
    for key in (
        "ID",
        "label.status",
        "label.kind",
        "label.recipient",
        "label.subject",
        "label.attempts",
    ):
        table.add_column(
            app_ctx.t(key) if key.startswith("label.") else key, overflow="ellipsis", max_width=48
        )
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["status"]),
            str(r["kind"]),
            str(r["recipient"]),
            str(r["subject"]),
            str(r["attempts"]),
        )
    console.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    message_id: Annotated[int, typer.Argument(metavar="ID")],
    json: JsonOpt = False,
) -> None:
    """Xem một thư. One message, with its body."""
    app_ctx: AppContext = ctx.obj
    from sqlmodel import Session

    from domain.errors import NotFoundError
    from models import OutboxMessage

    with Session(app_ctx.engine()) as session:
        row = session.get(OutboxMessage, message_id)
        if row is None:
            raise NotFoundError("error.message_not_found", id=message_id)
        data = {**_row_dict(row), "body": row.body, "html": row.html or None}
    if json:
        print_json(data)
        return
    for key in (
        "id",
        "status",
        "kind",
        "channel",
        "recipient",
        "cc",
        "subject",
        "attempts",
        "last_error",
    ):
        console.print(f"[bold]{key}[/bold]: {data[key]}", markup=True, highlight=False)
    console.print()
    console.print(str(data["body"]), markup=False)


@app.command("retry")
def retry(
    ctx: typer.Context,
    ids: Annotated[list[int] | None, typer.Argument(metavar="[ID]...")] = None,
    dead: Annotated[
        bool, typer.Option("--dead", help="Gửi lại mọi thư không gửi được. Every dead message.")
    ] = False,
    now: NowOpt = None,
) -> None:
    """Đưa thư trở lại hàng đợi. Put messages back in the queue (by id, or --dead)."""
    app_ctx: AppContext = ctx.obj
    from storage.db import transaction
    from storage.outbox import retry as do_retry

    if not ids and not dead:
        raise typer.BadParameter("ID… | --dead")
    with transaction(app_ctx.engine()) as session:
        count = do_retry(session=session, now=app_ctx.now(now), ids=list(ids or []), dead=dead)
    console.print(app_ctx.t("cli.retried", n=count))


@notify_app.command("preview")
def preview(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            help="reminder, escalation, digest, returned, accepted, assignment, dead_letter"
        ),
    ],
    html: Annotated[bool, typer.Option("--html", help="In bản HTML. Print the HTML part.")] = False,
) -> None:
    """Xem mẫu thông báo với dữ liệu mẫu. Render a sample of a message template."""
    app_ctx: AppContext = ctx.obj
    from notifications.render import KINDS, sample

    if kind not in KINDS:
        raise typer.BadParameter(f"{kind}: {', '.join(KINDS)}")
    rendered = sample(kind, app_ctx.lang)
    console.print(rendered.subject, markup=False)
    console.print()
    console.print(rendered.html if html else rendered.text, markup=False)
