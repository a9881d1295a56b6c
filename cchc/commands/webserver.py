"""``cchc web``: the web pages and the JSON API, served by uvicorn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cchc.context import AppContext
from domain.errors import CchcError
from domain.i18n import Lang

if TYPE_CHECKING:
    import socket

    import uvicorn

# the web front end builds itself from the same environment (it is no part of the CLI)
APP_FACTORY = "web.app:from_env"


def _shown(host: str, port: int) -> str:
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    return f"http://{shown}:{port}"


class CannotListen(CchcError):
    """The web server cannot listen on the address given (unknown host, port taken …)."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        self.host, self.port, self.reason = host, port, reason
        super().__init__(self.render("en"))

    def render(self, lang: Lang = "vi") -> str:
        from cchc.messages import t

        return t("cli.web_cannot_listen", lang, host=self.host, port=self.port, reason=self.reason)


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` and listening, before anything is announced or
    started, so a bad address stops the command with a clear error (``CannotListen``)."""
    import socket

    if not host.strip():
        raise CannotListen(host, port, "empty host")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (OSError, UnicodeError) as exc:
        raise CannotListen(host, port, getattr(exc, "strerror", None) or str(exc)) from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise CannotListen(host, port, exc.strerror or str(exc)) from None
    sock.set_inheritable(True)
    return sock


def _server() -> uvicorn.Server:
    import uvicorn

    return uvicorn.Server(uvicorn.Config(APP_FACTORY, factory=True, log_level="warning"))


def web(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Cổng.")] = 8080,
) -> None:
    """Chạy trang web và API JSON (uvicorn) đến khi bị dừng. Serve the web pages and the JSON API."""
    app_ctx: AppContext = ctx.obj
    # the schema checked (the embedded database created), the channels built, before serving
    app_ctx.job_env().close()
    sock = listen(host, port)
    print(app_ctx.t("cli.web_started", url=_shown(host, port)), flush=True)
    with sock:
        _server().run(sockets=[sock])


def start_in_thread(
    app_ctx: AppContext, sock: socket.socket, host: str, port: int
) -> uvicorn.Server:
    """The web server on ``sock`` (see :func:`listen`) in a background thread of ``cchc serve
    --web``; set ``should_exit`` to stop it."""
    import threading

    server = _server()
    threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="cchc-web", daemon=True
    ).start()
    print(app_ctx.t("cli.web_started", url=_shown(host, port)), flush=True)
    return server
