"""``cchc preload start|stop|status``: the preloaded process that lets commands start at once
(``cchc.preload``; the ``cchc`` script hands commands to it, ``cchc.launch``)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cchc.context import AppContext
from cchc.options import JsonOpt
from cchc.render import console, print_json

app = typer.Typer(
    help="Nạp sẵn chương trình để lệnh chạy ngay. Keep the code loaded so commands start at once.",
    no_args_is_help=True,
)


@app.command("start")
def start(
    ctx: typer.Context,
    idle_minutes: Annotated[
        float,
        typer.Option(
            "--idle-minutes",
            min=1,
            max=10080,
            help="Tự dừng sau chừng ấy phút không có lệnh. Stop after this long without a command.",
        ),
    ] = 480,
    json: JsonOpt = False,
) -> None:
    """Bật tiến trình nạp sẵn (chạy nền) cho người dùng này.
    Start the preloaded process (in the background) for this user and installation."""
    app_ctx: AppContext = ctx.obj
    from cchc import preload
    from cchc.launch import directory
    from domain.errors import LocalizedError

    try:
        status = preload.start(directory(), idle_minutes)
    except preload.PreloadError as exc:
        raise LocalizedError("error.preload_failed", detail=str(exc)) from None
    if json:
        print_json(status)
        return
    key = "cli.preload_already" if status["already"] else "cli.preload_started"
    console.print(app_ctx.t(key, pid=status["pid"]))


@app.command("stop")
def stop(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Dừng tiến trình nạp sẵn. Stop the preloaded process (commands run as before)."""
    app_ctx: AppContext = ctx.obj
    from cchc.launch import directory
    from cchc.preload import ask

    answer = ask(directory(), "stop")
    if json:
        print_json({"stopped": answer["stopped"] if answer else None})
        return
    if answer is None:
        console.print(app_ctx.t("cli.preload_none"))
    else:
        console.print(app_ctx.t("cli.preload_stopped", pid=answer["stopped"]))


@app.command("status")
def status(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Tiến trình nạp sẵn có đang chạy không. Whether the preloaded process runs, and since when."""
    app_ctx: AppContext = ctx.obj
    from cchc.launch import directory, socket_path
    from cchc.preload import ask

    answer: dict[str, Any] | None = ask(directory(), "status")
    if json:
        print_json(answer or {"pid": None, "socket": str(socket_path())})
        return
    if answer is None:
        console.print(app_ctx.t("cli.preload_none"))
        return
    console.print(
        app_ctx.t(
            "cli.preload_status",
            pid=answer["pid"],
            started=answer["started"],
            served=answer["served"],
            idle=f"{answer['idle_minutes']:g}",
        )
    )
    if not answer["current"]:
        console.print(app_ctx.t("cli.preload_stale"))
