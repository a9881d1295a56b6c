"""The preloaded process (``cchc preload start``): the command line imported once, each command
a fork of it.

A command spends most of its time importing (SQLAlchemy, SQLModel and the tables, pydantic,
typer, rich: about a second on a small machine). This process imports all of that once and
waits on a Unix socket in a folder only its user can open (``cchc.launch.directory``). For
each command the launcher sends, it checks the caller is the same user (``SO_PEERCRED``) and
forks; the copy takes the caller's command line, working directory, environment, umask and
standard streams, leaves the preloaded process's session (so it has no terminal of its own
and reads a password from the caller's), remakes the consoles for the caller's terminal, and
runs ``cchc.cli.main`` exactly as the script would. Nothing is read from the database, the
settings or the environment before the fork: every command reads them afresh, as its own.

The process stops when told (``cchc preload stop``, SIGTERM), after ``--idle-minutes``
without a command, and as soon as a launcher shows it the code on disk has changed since it
loaded it (the launcher then runs that command itself). One runs per installation and user;
a second start finds it running.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import datetime as dt
import fcntl
import importlib
import io
import os
import pkgutil
import select
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cchc.launch import (
    PACKAGES,
    ROOT,
    fingerprint,
    interpreter,
    private,
    receive,
    send,
    socket_path,
)

READ_TIMEOUT = 10.0  # seconds a caller has to send its request
# Not imported ahead: the migrations' environment runs on import; the orchestration and web
# frameworks start threads and read their own settings when imported, and are only used by
# long-running commands, which gain nothing from a faster start.
SKIP = ("storage.migrations", "cchc.launch", "cchc.preload", "web", "flows", "cchc.__main__")
# What commands import inside their functions, imported ahead too.
ALSO = (
    "sqlalchemy.dialects.sqlite.pysqlite",
    "sqlalchemy.dialects.postgresql.psycopg",
    "sqlite3",
    "openpyxl",
    "jinja2",
    "yaml",
    "rich.table",
    "rich.text",
)


RUNNING = "another preloaded process is starting, or runs without answering"


class PreloadError(Exception):
    """The preloaded process could not start (its message is for the operator)."""


def warm() -> list[str]:
    """Import every module of the project a command may need, and the libraries commands import
    as they run; the names that could not be imported (left to the commands)."""
    failed: list[str] = []
    names = ["cchc.cli", *ALSO]
    for package in PACKAGES:
        if package in SKIP:
            continue
        names.append(package)
        try:
            module = importlib.import_module(package)
        except Exception:
            failed.append(package)
            continue
        for info in pkgutil.walk_packages(module.__path__, package + ".", failed.append):
            if not info.name.startswith(SKIP):
                names.append(info.name)
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # an optional library missing: the command will say so itself
            failed.append(name)
    return failed


def serve(folder: Path, idle: float, ready: int | None = None) -> None:
    """Run the preloaded process (in the foreground) until stopped or idle for ``idle``
    seconds; ``ready`` is a pipe told ``ready <pid>`` once commands can be sent, or why not."""
    try:
        _prepare(folder)
        lock = open(folder / (socket_path(folder).stem + ".lock"), "a+")  # noqa: SIM115
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise PreloadError(f"{RUNNING} ({lock.name})") from None
        loaded = fingerprint()
        warm()
        listener = _listen(socket_path(folder))
    except (PreloadError, OSError) as exc:
        _tell(ready, f"error {exc}")
        return
    _tell(ready, f"ready {os.getpid()}")
    server = _Server(listener, loaded, idle)
    try:
        server.loop()
    finally:
        listener.close()
        with contextlib.suppress(OSError):
            if os.stat(socket_path(folder)).st_ino == server.inode:
                os.unlink(socket_path(folder))
        lock.close()


def _prepare(folder: Path) -> None:
    if not folder.is_absolute():
        raise PreloadError(f"CCHC_PRELOAD_DIR={folder}: not an absolute path")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise PreloadError(f"{folder}: {exc.strerror}") from None
    if not private(folder):
        raise PreloadError(f"{folder}: not this user's alone (owner, mode 0700)")


def _listen(path: Path) -> socket.socket:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # left by a process that died: the lock is ours, so nobody serves it
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listener.bind(str(path))
    finally:
        os.umask(old)
    listener.listen(64)
    return listener


def _tell(fd: int | None, line: str) -> None:
    if fd is None:
        print(line, file=sys.stderr)
        return
    with contextlib.suppress(OSError):
        os.write(fd, (line + "\n").encode())
        os.close(fd)


class _Stopped(BaseException):
    """SIGTERM or SIGINT while the preloaded process waits for a command."""


class _Server:
    def __init__(self, listener: socket.socket, loaded: str, idle: float) -> None:
        self.listener = listener
        self.inode = os.stat(listener.getsockname()).st_ino
        self.loaded = loaded
        self.interpreter = interpreter()
        self.idle = idle
        self.started = dt.datetime.now().astimezone()
        self.served = 0
        self.last = time.monotonic()
        self.stopping = False
        self.waiting = False

    def loop(self) -> None:
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the commands' processes reap themselves
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        while not self.stopping:
            left = self.idle - (time.monotonic() - self.last)
            if left <= 0:
                return
            self.waiting = True
            try:
                ready, _, _ = select.select([self.listener], [], [], min(left, 60.0))
            except _Stopped:
                return
            finally:
                self.waiting = False
            if not ready:
                continue
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            self.last = time.monotonic()
            with conn:
                self._handle(conn)

    def _stop(self, _signum: int, _frame: object) -> None:
        self.stopping = True
        if self.waiting:  # else the command being handed over is finished first
            raise _Stopped

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(READ_TIMEOUT)
        _, uid, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
        if uid != os.getuid():
            return  # another user: not a word
        try:
            request, fds = receive(conn)
        except (OSError, ValueError):
            return
        try:
            op = request.get("op")
            if op == "status":
                send(conn, self.status())
            elif op == "stop":
                send(conn, {"stopped": os.getpid()})
                self.stopping = True
            elif op == "run" and len(fds) == 3:
                self._run(conn, request, fds)
        except OSError:
            pass
        finally:
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)

    def status(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "started": self.started.isoformat(timespec="seconds"),
            "served": self.served,
            "idle_minutes": float(f"{self.idle / 60:g}"),
            "current": fingerprint() == self.loaded,
            "code": str(ROOT),
            "python": sys.executable,
        }

    def _run(self, conn: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
        if request.get("interpreter") != self.interpreter:
            conn.sendall(b"other\n")  # a Python started otherwise: the launcher runs it
            return
        if request.get("fingerprint") != self.loaded:
            conn.sendall(b"stale\n")
            if fingerprint() != self.loaded:
                self.stopping = True  # the code changed under it: make way for a fresh start
            return
        child = os.fork()
        if child:
            self.served += 1
            return
        code = 1
        try:
            code = _command(conn, self.listener, request, fds)
        finally:
            os._exit(code)


def _command(
    conn: socket.socket, listener: socket.socket, request: dict[str, Any], fds: list[int]
) -> int:
    """In the forked copy: become the caller's process, run its command, report its status."""
    listener.close()
    os.setsid()  # no terminal of its own: /dev/tty is not the preloaded process's
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    conn.settimeout(None)
    conn.sendall(f"pid {os.getpid()}\n".encode())
    said = b""
    while len(said) < 3 and (more := conn.recv(3 - len(said))):
        said += more
    if said != b"go\n":
        return 1  # the launcher gave up waiting and will run the command itself
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    _streams(request["streams"])
    try:
        os.umask(int(request["umask"]))
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in request["env"].items()})
        time.tzset()
        os.chdir(request["cwd"])
    except OSError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        sys.stderr.flush()
        _report(conn, 1)
        return 1
    code = _main([str(a) for a in request["argv"]])
    _report(conn, code)
    return code


def _streams(encodings: list[list[str]]) -> None:
    """Standard streams over the caller's descriptors, buffered as Python would have made
    them for that process (line by line on a terminal; stderr always)."""
    (in_enc, in_err), (out_enc, out_err), (err_enc, err_err) = encodings
    sys.stdin = _text(0, in_enc, in_err)
    sys.stdout = _text(1, out_enc, out_err, line_buffering=os.isatty(1))
    sys.stderr = _text(2, err_enc, err_err, line_buffering=True)


def _text(fd: int, encoding: str, errors: str, *, line_buffering: bool = False) -> io.TextIOWrapper:
    raw = io.FileIO(fd, "rb" if fd == 0 else "wb", closefd=False)
    buffered = io.BufferedReader(raw) if fd == 0 else io.BufferedWriter(raw)
    return io.TextIOWrapper(
        buffered, encoding=encoding, errors=errors, line_buffering=line_buffering
    )


def _main(argv: list[str]) -> int:
    """``cchc.cli.main(argv)`` with what Python does around a script: its exit status, the
    traceback of an exception nobody caught, the other threads waited for, exit functions."""
    from cchc import render
    from cchc.cli import main

    render.reset_consoles()
    sys.argv = ["cchc", *argv]
    code = 0
    try:
        main(argv)
    except SystemExit as exc:
        code = _status(exc.code)
    except KeyboardInterrupt:
        traceback.print_exc()
        code = 128 + signal.SIGINT
    except BaseException:
        traceback.print_exc()
        code = 1
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    with contextlib.suppress(Exception):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    return code


def _status(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    with contextlib.suppress(Exception):
        sys.stderr.write(f"{value}\n")
    return 1


def _report(conn: socket.socket, code: int) -> None:
    with contextlib.suppress(OSError):
        conn.sendall(f"exit {code}\n".encode())


# --- the operator's side (cchc preload start|stop|status) ---------------------------------


def ask(folder: Path, op: str) -> dict[str, Any] | None:
    """The preloaded process's answer to ``status`` or ``stop``; None when none runs."""
    if not private(folder):
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(READ_TIMEOUT)
        try:
            sock.connect(str(socket_path(folder)))
            send(sock, {"op": op})
            answer, fds = receive(sock)
        except (OSError, ValueError):
            return None
        for fd in fds:
            os.close(fd)
        return answer


def start(folder: Path, idle_minutes: float, *, timeout: float = 120.0) -> dict[str, Any]:
    """Start the preloaded process, detached, and wait until it takes commands; its status.
    Raises PreloadError (with the reason) when it could not start."""
    running = ask(folder, "status")
    if running is not None:
        return running | {"already": True}
    import subprocess

    _prepare(folder)
    read, write = os.pipe()
    log = folder / (socket_path(folder).stem + ".log")
    with open(log, "ab") as err:
        launcher = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cchc.preload",
                "--dir",
                str(folder),
                "--idle-minutes",
                str(idle_minutes),
                "--ready-fd",
                str(write),
                "--detach",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            pass_fds=(write,),
            start_new_session=True,
            cwd="/",
            env=_clean_env(),
        )
    os.close(write)
    launcher.wait()  # it forks the preloaded process off and returns at once
    line = _read_line(read, timeout)
    if line.startswith(f"error {RUNNING}"):
        running = ask(folder, "status")
        if running is not None:
            return running | {"already": True}
    if not line.startswith("ready "):
        raise PreloadError(line.removeprefix("error ").strip() or f"no answer; see {log}")
    answer = ask(folder, "status")
    if answer is None:
        raise PreloadError(f"no answer; see {log}")
    return answer | {"already": False}


def _clean_env() -> dict[str, str]:
    """The preloaded process's own environment: nothing of the caller's settings (each
    command brings its own), so nothing can be read from them before a fork."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}


def _read_line(fd: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    data = b""
    try:
        while b"\n" not in data:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                break
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
    finally:
        os.close(fd)
    return data.decode(errors="replace").split("\n", 1)[0]


@contextlib.contextmanager
def running(folder: Path, idle_minutes: float = 10.0) -> Iterator[dict[str, Any]]:
    """A preloaded process for the time of a ``with`` block (tests, benchmarks)."""
    status = start(folder, idle_minutes)
    try:
        yield status
    finally:
        ask(folder, "stop")


def _cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m cchc.preload")
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--idle-minutes", type=float, default=30.0)
    parser.add_argument("--ready-fd", type=int, default=None)
    parser.add_argument("--detach", action="store_true", help="run on in a process of its own")
    args = parser.parse_args()
    if args.detach and os.fork():
        os._exit(0)
    serve(args.dir, args.idle_minutes * 60, args.ready_fd)


if __name__ == "__main__":
    _cli()
