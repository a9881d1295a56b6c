"""``cchc web``: the web pages and the JSON API, served by uvicorn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

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


def _config(workers: int = 1) -> uvicorn.Config:
    import uvicorn

    return uvicorn.Config(APP_FACTORY, factory=True, log_level="warning", workers=workers)


def _server() -> uvicorn.Server:
    import uvicorn

    return uvicorn.Server(_config())


WORKERS_HELP = (
    "Số tiến trình phục vụ trang web, mỗi tiến trình dùng được một lõi CPU. "
    "Worker processes serving the pages (each can use one CPU core)."
)


def web(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Cổng.")] = 8080,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help=WORKERS_HELP)] = 1,
) -> None:
    """Chạy trang web và API JSON (uvicorn) đến khi bị dừng. Serve the web pages and the JSON API."""
    app_ctx: AppContext = ctx.obj
    # the schema checked (the embedded database created), the channels built, before serving
    app_ctx.job_env().close()
    sock = listen(host, port)
    print(app_ctx.t("cli.web_started", url=_shown(host, port)), flush=True)
    with sock:
        if workers == 1:
            _server().run(sockets=[sock])
        else:  # uvicorn's supervisor: the workers share the socket, a dead one is replaced
            from uvicorn.supervisors import Multiprocess

            Multiprocess(_config(workers), sockets=[sock]).run()


class WebServer:
    """The web server of ``cchc serve --web``: a thread of this process (one worker), or
    ``workers`` processes sharing the listening socket; ``stop`` ends it."""

    def __init__(self, sock: socket.socket, workers: int) -> None:
        self.sock, self.workers = sock, workers
        self._server: uvicorn.Server | None = None
        self._processes: list[Any] = []

    def start(self) -> None:
        if self.workers == 1:
            import threading

            self._server = _server()
            threading.Thread(
                target=self._server.run,
                kwargs={"sockets": [self.sock]},
                name="cchc-web",
                daemon=True,
            ).start()
            return
        import uvicorn
        from uvicorn._subprocess import get_subprocess

        config = _config(self.workers)
        for _ in range(self.workers):  # each process builds the application from the environment
            process = get_subprocess(config, target=uvicorn.Server(config).run, sockets=[self.sock])
            process.start()
            self._processes.append(process)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        for process in self._processes:
            process.terminate()  # SIGTERM: uvicorn finishes the requests under way
        for process in self._processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()


def start_in_background(
    app_ctx: AppContext, sock: socket.socket, host: str, port: int, workers: int = 1
) -> WebServer:
    """The web server on ``sock`` (see :func:`listen`) beside the jobs of ``cchc serve --web``:
    a background thread, or ``workers`` processes; call ``stop`` to end it."""
    server = WebServer(sock, workers)
    server.start()
    print(app_ctx.t("cli.web_started", url=_shown(host, port)), flush=True)
    return server
