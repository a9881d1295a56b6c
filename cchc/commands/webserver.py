"""``cchc web``: the web pages and the JSON API, served by uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from cchc.context import AppContext


def web(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Cổng.")] = 8080,
) -> None:
    """Chạy trang web và API JSON (uvicorn) đến khi bị dừng. Serve the web pages and the JSON API."""
    app_ctx: AppContext = ctx.obj
    # the schema checked (the embedded database created), the channels built, before serving
    app_ctx.job_env().close()
    import uvicorn

    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    print(app_ctx.t("cli.web_started", url=f"http://{shown}:{port}"), flush=True)
    # the web front end builds itself from the same environment (it is no part of the CLI)
    uvicorn.run("web.app:from_env", factory=True, host=host, port=port, log_level="warning")
