"""``cchc web``: the web pages and the JSON API, served by uvicorn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cchc.context import AppContext

if TYPE_CHECKING:
    import uvicorn

# the web front end builds itself from the same environment (it is no part of the CLI)
APP_FACTORY = "web.app:from_env"


def _shown(host: str, port: int) -> str:
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    return f"http://{shown}:{port}"


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

    print(app_ctx.t("cli.web_started", url=_shown(host, port)), flush=True)
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, log_level="warning")


def start_in_thread(app_ctx: AppContext, host: str, port: int) -> uvicorn.Server:
    """The web server in a background thread of ``cchc serve --web``; set ``should_exit`` to
    stop it."""
    import threading

    import uvicorn

    config = uvicorn.Config(APP_FACTORY, factory=True, host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, name="cchc-web", daemon=True).start()
    print(app_ctx.t("cli.web_started", url=_shown(host, port)), flush=True)
    return server
