"""The ``cchc`` script: hands the command to the preloaded process when one runs, else runs it.

Importing the command line and what a command reads (SQLAlchemy, SQLModel and the tables,
pydantic, typer, rich) costs a process about a second on a small machine, more than the
command itself. ``cchc preload start`` keeps one process with all of it imported
(``cchc.preload``); this launcher, which imports only the standard library, gives it the
command line, the working directory, the environment, the umask and its own standard
streams (the file descriptors themselves, over a Unix socket), and the preloaded process
forks a copy that runs the command as this process would have, on this terminal. The
launcher waits for the exit status and exits with it; Ctrl-C and other signals are passed on.

The command runs here instead, with nothing sent anywhere, when no preloaded process answers,
when ``CCHC_PRELOAD=off``, for ``cchc preload …`` itself, and when the code on disk is not the
code the preloaded process loaded (it then stops itself). Once the preloaded process has
started a command, the command is never run a second time here, whatever happens to it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import stat
import struct
import sys
from pathlib import Path
from typing import Any

from cchc.argv import command_name, hoist_global_options, value_of

ROOT = Path(__file__).resolve().parent.parent
# The project's packages (pyproject's list): their files decide whether a preloaded
# process still runs the code on disk.
PACKAGES = (
    "domain",
    "responsibilities",
    "models",
    "storage",
    "application",
    "cchc",
    "plans",
    "flows",
    "notifications",
    "web",
)
OFF = ("off", "0", "no", "false")
WAIT_FOR_START = 20.0  # seconds the launcher waits for the preloaded process to start a command
HEADER = struct.Struct("!I")
MAX_MESSAGE = 4 << 20  # bytes: a command line and an environment, with room to spare


def directory() -> Path:
    """Where the preloaded process's socket lives: ``CCHC_PRELOAD_DIR``, else
    ``$XDG_RUNTIME_DIR/cchc``, else ``/tmp/cchc-<uid>``."""
    given = os.environ.get("CCHC_PRELOAD_DIR")
    if given:
        return Path(given)  # used only when absolute (see ``private``)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return Path(runtime) / "cchc"
    return Path("/tmp") / f"cchc-{os.getuid()}"


def socket_path(folder: Path | None = None) -> Path:
    """The socket of the preloaded process for this installation (this code, this Python and
    its environment's packages): each installation has its own."""
    key = hashlib.sha256(f"{ROOT}\0{sys.prefix}\0{sys.executable}".encode()).hexdigest()
    return (folder or directory()) / f"preload-{key[:12]}.sock"


def private(folder: Path) -> bool:
    """The folder is this user's alone (owned by them, no access for others, not a link):
    nobody else can put a socket there to be handed this user's commands."""
    if not folder.is_absolute():
        return False
    try:
        info = os.lstat(folder)
    except (OSError, ValueError):
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def fingerprint(root: Path = ROOT) -> str:
    """The code on disk: the number, sizes and modification times of the packages' files (a
    few milliseconds). It changes when a file is edited, added or removed, or on an upgrade."""
    count = size = newest = 0
    pending = [root / name for name in PACKAGES]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    pending.append(Path(entry.path))
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            count += 1
            size += info.st_size
            newest = max(newest, info.st_mtime_ns)
    return f"{count}-{size}-{newest}"


def interpreter() -> dict[str, Any]:
    """How this Python was started, beyond the code: its flags (``-O``, ``-X dev`` …), warning
    options and ``PYTHON…`` variables. A command is handed over only to a preloaded process
    started the same way, as they act before any of the command's code runs."""
    return {
        "flags": list(sys.flags),
        "warnoptions": list(sys.warnoptions),
        "xoptions": {str(k): str(v) for k, v in sys._xoptions.items()},
        "env": {k: v for k, v in os.environ.items() if k.startswith("PYTHON")},
    }


def send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    """One message: its length, then JSON; ``fds`` go with the first bytes."""
    body = json.dumps(message).encode()
    if fds:
        socket.send_fds(sock, [HEADER.pack(len(body))], fds)
    else:
        sock.sendall(HEADER.pack(len(body)))
    sock.sendall(body)


def receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """One message as ``send`` sends it, and the descriptors that came with it (closed
    again when the message is not whole or not an object)."""
    data, fds, _, _ = socket.recv_fds(conn, HEADER.size, 3)
    try:
        while len(data) < HEADER.size:
            more = conn.recv(HEADER.size - len(data))
            if not more:
                raise ValueError("short header")
            data += more
        (length,) = HEADER.unpack(data)
        if length > MAX_MESSAGE:
            raise ValueError("request too large")
        body = b""
        while len(body) < length:
            more = conn.recv(min(65536, length - len(body)))
            if not more:
                raise ValueError("short request")
            body += more
        request = json.loads(body)
        if not isinstance(request, dict):
            raise ValueError("not an object")
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    return request, list(fds)


def _exit_code(line: str) -> int | None:
    parts = line.split()
    if len(parts) == 2 and parts[0] == "exit" and parts[1].isdigit():
        return int(parts[1]) & 0xFF
    return None


class _Lines:
    """The lines the preloaded process writes back, read as they come."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def next(self) -> str | None:
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode(errors="replace")


def hand_over(argv: list[str]) -> int | None:
    """Run ``cchc ARGV`` in the preloaded process; its exit status, or None when no
    preloaded process took it (then nothing of it has run)."""
    folder = directory()
    if not private(folder):
        return None
    path = socket_path(folder)
    streams = (sys.stdin, sys.stdout, sys.stderr)
    if any(s is None for s in streams):
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(WAIT_FOR_START)
        sock.connect(str(path))
        request = {
            "op": "run",
            "fingerprint": fingerprint(),
            "interpreter": interpreter(),
            "argv": argv,
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "umask": _umask(),
            "streams": [[s.encoding, s.errors] for s in streams],
        }
        send(sock, request, [s.fileno() for s in streams])
        lines = _Lines(sock)
        first = lines.next()
        if first is None or not first.startswith("pid "):
            return None  # stale, started otherwise, or gone: nothing was started
        pid = int(first.split()[1])
        sock.sendall(b"go\n")  # from here on the command is the preloaded process's
    except (OSError, ValueError, IndexError):
        sock.close()
        return None
    return _wait(sock, lines, pid)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _wait(sock: socket.socket, lines: _Lines, pid: int) -> int:
    """Wait for the command's exit status, passing Ctrl-C and the like on to it."""
    forwarded: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        forwarded.append(signum)
        with contextlib.suppress(OSError):
            os.kill(pid, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    sock.settimeout(None)
    try:
        while True:
            line = lines.next()
            if line is None:
                break
            code = _exit_code(line)
            if code is not None:
                return code
    except OSError:
        pass
    finally:
        sock.close()
    if forwarded:
        return 128 + forwarded[-1]
    _say_lost()
    return 1


def _say_lost() -> None:
    from cchc.messages import t
    from domain.i18n import normalize_lang

    lang = value_of(hoist_global_options(sys.argv[1:]), "--lang") or os.environ.get("CCHC_LANG")
    sys.stderr.write("Error: " + t("cli.preload_lost", normalize_lang(lang)) + "\n")


def routed(argv: list[str]) -> bool:
    """Whether ``cchc ARGV`` goes to the preloaded process when one runs."""
    if os.environ.get("CCHC_PRELOAD", "").strip().lower() in OFF:
        return False
    return command_name(hoist_global_options(argv)) != "preload"


def main() -> None:
    argv = sys.argv[1:]
    if routed(argv):
        code = hand_over(argv)
        if code is not None:
            sys.stdout.flush()
            raise SystemExit(code)
    from cchc.cli import main as run

    run(argv)
