"""A loopback TCP proxy in front of PostgreSQL that can be told to refuse connections.

The at-scale replay (``benchmarks.at_scale``) points cchc's ``CCHC_DATABASE_URL`` at the
proxy, never at the shared server directly, so "PostgreSQL refuses connections for 30 s" is
played without stopping a server other people use: ``refuse(30)`` closes the listening socket
(new connections get ``ECONNREFUSED``) and cuts every connection in flight, as a restarting
server would, then listens again on the same port. Runs an asyncio loop in a daemon thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time


class PgProxy:
    """``127.0.0.1:<port>`` → ``target``; ``refuse(seconds)`` plays an outage."""

    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 5432) -> None:
        self.target = (target_host, target_port)
        self.port = _free_port()
        self.connections = 0  # accepted since start
        self.refusals = 0
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> PgProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def url(self, database: str, user: str = "") -> str:
        who = f"{user}@" if user else ""
        return f"postgresql://{who}127.0.0.1:{self.port}/{database}"

    def refuse(self, seconds: float) -> None:
        """Refuse every connection for ``seconds`` (blocking), cutting those in flight."""
        self.refusals += 1
        self._call(self._close())
        time.sleep(seconds)
        self._call(self._listen())

    def refuse_later(self, seconds: float) -> threading.Thread:
        """``refuse(seconds)`` in a thread of its own, started now."""
        thread = threading.Thread(target=self.refuse, args=(seconds,), daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._call(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()

    def _call(self, coro: object) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)  # type: ignore[arg-type]

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port)

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))

        async def copy(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                dst.close()

        await asyncio.gather(copy(reader, up_writer), copy(up_reader, writer))
        self._writers.difference_update((writer, up_writer))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
