"""``cchc serve``: the embedded runner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cchc.commands.webserver import WORKERS_HELP
from cchc.context import AppContext

if TYPE_CHECKING:
    from cchc.commands.webserver import WebServer


def serve(
    ctx: typer.Context,
    web: Annotated[
        bool, typer.Option("--web", help="Chạy cả trang web (như cchc web) cùng lệnh này.")
    ] = False,
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe (--web).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Cổng (--web).")] = 8080,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="(--web) " + WORKERS_HELP)
    ] = 1,
) -> None:
    """Chạy các công việc định kỳ trong tiến trình này (APScheduler) đến khi bị dừng.

    Run the periodic jobs in this process until SIGTERM/SIGINT; one runner per database;
    with --web, the web pages too (the embedded deployment: one command): in a thread of this
    process, or in --workers processes beside it."""
    app_ctx: AppContext = ctx.obj
    import logging
    import sys

    from cchc.runner import serve as run_serve

    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    logging.getLogger("cchc").setLevel(logging.INFO)
    env = app_ctx.job_env()  # the schema checked, the channels built, before the lock
    sock = None
    if web:
        from cchc.commands.webserver import listen

        sock = listen(host, port)  # a bad address stops here, before any job runs
    logging.getLogger("alembic").setLevel(logging.WARNING)

    server: WebServer | None = None

    def started(_jobs: list[str]) -> None:
        nonlocal server
        print(app_ctx.t("cli.serve_started", url=app_ctx.settings.display_url()), flush=True)
        if sock is not None:
            from cchc.commands.webserver import start_in_background

            server = start_in_background(app_ctx, sock, host, port, workers)

    try:
        run_serve(env, on_started=started)
    finally:
        if server is not None:
            server.stop()
        if sock is not None:
            sock.close()
