"""``cchc outbox …`` and ``cchc notify preview``: the messages on their way, and their wording."""

from __future__ import annotations

from typing import Annotated

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

app = typer.Typer(help="Hộp thư đi. The outbox of messages.", no_args_is_help=True)
notify_app = typer.Typer(help="Mẫu thông báo. Message templates.", no_args_is_help=True)


@app.command("deliver")
def deliver(ctx: typer.Context, now: NowOpt = None, json: JsonOpt = False) -> None:
    """Một lượt gửi thư đang chờ. One delivery pass over the outbox."""
    app_ctx: AppContext = ctx.obj
    from application.jobs import run_by_hand

    run = run_by_hand(app_ctx.job_env(), app_ctx.identity, "deliver", app_ctx.now(now))
    report = run.as_dict()
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
        list[str] | None,
        typer.Option("--status", help="pending, sending, sent, failed, dead, dropped, superseded"),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_LIMIT)] = 100,
    json: JsonOpt = False,
) -> None:
    """Danh sách thư trong hộp thư đi. Messages in the outbox, newest first."""
    app_ctx: AppContext = ctx.obj
    from application.administration import OUTBOX_STATUSES, outbox_messages

    for value in status or []:
        if value not in OUTBOX_STATUSES:
            raise typer.BadParameter(f"--status {value}: {', '.join(OUTBOX_STATUSES)}")
    rows = outbox_messages(app_ctx.uow(), status=list(status or []), limit=limit)
    if json:
        print_json([r.as_dict() for r in rows])
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
        table.add_row(str(r.id), r.status, r.kind, r.recipient, r.subject, str(r.attempts))
    console.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    message_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=MAX_ID)],
    json: JsonOpt = False,
) -> None:
    """Xem một thư. One message, with its body."""
    app_ctx: AppContext = ctx.obj
    from application.administration import outbox_message

    data = outbox_message(app_ctx.uow(), message_id=message_id).as_dict(full=True)
    if json:
        print_json(data)
        return
    from rich.text import Text

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
        console.print(Text.assemble((key, "bold"), f": {data[key]}"), highlight=False)
    console.print()
    console.print(str(data["body"]), markup=False)


@app.command("retry")
def retry(
    ctx: typer.Context,
    ids: Annotated[list[int] | None, typer.Argument(metavar="[ID]...", min=1, max=MAX_ID)] = None,
    dead: Annotated[
        bool, typer.Option("--dead", help="Gửi lại mọi thư không gửi được. Every dead message.")
    ] = False,
    unit: UnitOpt = None,
    now: NowOpt = None,
    json: JsonOpt = False,
) -> None:
    """Đưa thư trở lại hàng đợi. Put messages back in the queue (by id, or --dead)."""
    app_ctx: AppContext = ctx.obj
    from application.administration import retry as run_retry

    if not ids and not dead:
        raise typer.BadParameter("ID… | --dead")
    result = run_retry(
        app_ctx.uow(),
        app_ctx.identity,
        app_ctx.now(now, unit=unit),
        ids=list(ids or []),
        dead=dead,
        unit=unit,
    )
    if json:
        print_json(result.as_dict())
        return
    console.print(app_ctx.t("cli.retried", n=result.count))


@notify_app.command("preview")
def preview(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            help=(
                "reminder, escalation, digest, returned, accepted, assignment, dead_letter, "
                "bundle, submitted, invitation"
            )
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
