"""The preloaded process (``cchc preload``): a command handed to it does exactly what it does
on its own (output, errors, exit status, standard input, working directory, environment,
Ctrl-C), a command it did not start is run by the launcher, and nothing is run twice."""

from __future__ import annotations

import os
import pty
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cchc import launch, preload
from plans import HERE, PLAN_2020

ANH = "anh.btn@phuhuu.gov.vn"
AT = ("--now", "2020-06-30T08:00")


@pytest.fixture
def folder(preloaded_folder: Path) -> Path:
    """The session's preloaded process (``tests/conftest.py``)."""
    return preloaded_folder


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(folder: Path, cli) -> Run:  # type: ignore[no-untyped-def]
    """``cchc ARGS`` as a process (the installed script's launcher), through the preloaded
    process (``preloaded=True``) or on its own, in a ward with its plan and officers."""
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0

    def go(
        *args: str,
        preloaded: bool,
        input: str | None = None,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        environ = os.environ | {"CCHC_PRELOAD_DIR": str(folder)} | (env or {})
        if not preloaded:
            environ["CCHC_PRELOAD"] = "off"
        return subprocess.run(
            [sys.executable, "-m", "cchc", *args],
            input=input,
            capture_output=True,
            text=True,
            env=environ,
            cwd=cwd,
            check=False,
            timeout=120,
        )

    return go


def served(folder: Path) -> int:
    status = preload.ask(folder, "status")
    assert status is not None, "the preloaded process is not running"
    return int(status["served"])


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("tasks", *AT), {}),
        (("completeness", "--by", "area", "--year", "2020", *AT), {}),
        (("tasks", "--mine", "--as", ANH, *AT), {}),
        (("tasks", *AT), {"CCHC_LANG": "en", "COLUMNS": "150"}),
        (("tasks", "--unit", "nowhere", *AT), {}),  # an error: message and exit status
        (("tasks", "--now", "2020-13-45"), {}),  # a usage error
        (("who", "II.9.1", "--json"), {}),
        (("--help",), {}),
    ],
)
def test_a_command_says_and_ends_the_same_through_the_preloaded_process(
    run: Run, folder: Path, args: tuple[str, ...], env: dict[str, str]
) -> None:
    alone = run(*args, preloaded=False, env=env)
    before = served(folder)
    through = run(*args, preloaded=True, env=env)
    assert served(folder) == before + 1  # it did go through the preloaded process
    assert (through.returncode, through.stdout, through.stderr) == (
        alone.returncode,
        alone.stdout,
        alone.stderr,
    )
    assert "Traceback" not in through.stderr


def test_standard_input_working_directory_and_umask_are_the_callers(
    run: Run, folder: Path, tmp_path: Path
) -> None:
    from tests.acceptance.test_user_cli import signed_in

    code = run("user", "password", ANH, preloaded=True, input="mật khẩu của Ánh\n")
    assert code.returncode == 0, code.stderr
    assert signed_in(ANH, "mật khẩu của Ánh")

    here = tmp_path / "here"
    here.mkdir()
    (here / "plan.yaml").write_text(PLAN_2020.read_text(encoding="utf-8"), encoding="utf-8")
    checked = run("plan", "validate", "plan.yaml", preloaded=True, cwd=here)
    assert checked.returncode == 0, checked.stderr
    assert "hợp lệ" in checked.stdout
    missing = run("plan", "validate", "nothing.yaml", preloaded=True, cwd=here)
    assert missing.returncode != 0
    assert "nothing.yaml" in missing.stdout + missing.stderr

    old = os.umask(0o077)
    try:
        made = run("matrix", "--xlsx", str(here / "matrix.xlsx"), preloaded=True)
    finally:
        os.umask(old)
    assert made.returncode == 0, made.stderr
    assert (here / "matrix.xlsx").stat().st_mode & 0o077 == 0


def test_a_password_typed_at_a_terminal_is_not_echoed(run: Run, folder: Path) -> None:
    """At a terminal the password is asked twice without echo: the command's process has no
    terminal of its own, so it asks on the caller's."""
    from tests.acceptance.test_user_cli import signed_in

    secret = "mật khẩu gõ tay"
    before = served(folder)
    master, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cchc", "user", "password", ANH],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=os.environ | {"CCHC_PRELOAD_DIR": str(folder)},
    )
    os.close(terminal)
    seen = b""

    def read_until(text: str) -> None:
        nonlocal seen
        deadline = time.monotonic() + 60
        while text.encode() not in seen and time.monotonic() < deadline:
            if select.select([master], [], [], 0.5)[0]:
                try:
                    seen += os.read(master, 4096)
                except OSError:
                    break

    try:
        read_until("Mật khẩu mới: ")
        os.write(master, (secret + "\n").encode())
        read_until("Nhập lại mật khẩu mới: ")
        os.write(master, (secret + "\n").encode())
        assert proc.wait(timeout=60) == 0
        read_until("\n\n")  # whatever is left
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    assert "Nhập lại mật khẩu mới: " in seen.decode()
    assert secret not in seen.decode(errors="replace")
    assert signed_in(ANH, secret)
    assert served(folder) == before + 1


def test_ctrl_c_reaches_the_command(run: Run, folder: Path) -> None:
    environ = os.environ | {"CCHC_PRELOAD_DIR": str(folder)}
    before = served(folder)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cchc", "serve"],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while served(folder) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(2)  # the runner starts its jobs
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "stopped" in out.splitlines()[-1]


def test_a_hand_over_the_launcher_gave_up_on_runs_nothing(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The launcher waits for the command to start; if it gives up first, the command is its
    to run, and the preloaded process must not run it too."""
    home = tmp_path / "never"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(30)
    sock.connect(str(launch.socket_path(folder)))
    request = {
        "op": "run",
        "fingerprint": launch.fingerprint(),
        "interpreter": launch.interpreter(),
        "argv": ["plan", "load", str(PLAN_2020)],
        "cwd": str(tmp_path),
        "env": dict(os.environ) | {"CCHC_HOME": str(home)},
        "umask": 0o022,
        "streams": [["utf-8", "strict"]] * 3,
    }
    with open(os.devnull, "rb") as null_in, open(os.devnull, "wb") as null_out:
        launch.send(sock, request, [null_in.fileno(), null_out.fileno(), null_out.fileno()])
    with sock:
        assert sock.recv(64).startswith(b"pid ")
    # the launcher gave up (closed before saying "go")
    time.sleep(2.5)  # a plan load, had it started, would have made the home by now
    assert not home.exists()
    assert preload.ask(folder, "status") is not None


def test_other_code_another_python_or_a_folder_others_can_open_is_not_used(
    run: Run, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCHC_PRELOAD_DIR", str(folder))
    monkeypatch.setattr(launch, "fingerprint", lambda root=launch.ROOT: "other code")
    assert launch.hand_over(["--help"]) is None
    # the code on disk has not changed: the preloaded process keeps running for its own
    assert preload.ask(folder, "status") is not None

    before = served(folder)
    optimised = subprocess.run(  # python -O: not the Python the preloaded process runs
        [sys.executable, "-O", "-m", "cchc", "tasks", *AT],
        env=os.environ | {"CCHC_PRELOAD_DIR": str(folder)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert optimised.returncode == 0, optimised.stderr
    assert served(folder) == before
    folder.chmod(0o755)
    try:
        assert launch.hand_over(["--help"]) is None
        assert preload.ask(folder, "status") is None
        done = run("tasks", *AT, preloaded=True)
        assert done.returncode == 0, done.stderr
    finally:
        folder.chmod(0o700)
    assert served(folder) == before


def test_the_operator_starts_looks_at_and_stops_it(run: Run) -> None:
    with tempfile.TemporaryDirectory(prefix="cchc-pre-") as tmp:
        own = {"CCHC_PRELOAD_DIR": str(Path(tmp) / "run")}
        none = run("preload", "status", preloaded=True, env=own)
        assert none.returncode == 0
        assert "Không có tiến trình nạp sẵn" in none.stdout
        started = run("preload", "start", "--idle-minutes", "5", preloaded=True, env=own)
        assert started.returncode == 0, started.stderr
        assert "Đã bật tiến trình nạp sẵn" in started.stdout
        again = run("preload", "start", "--lang", "en", preloaded=True, env=own)
        assert "already running" in again.stdout
        status = run("preload", "status", "--lang", "en", preloaded=True, env=own)
        assert "stops after 5 minutes" in status.stdout
        stopped = run("preload", "stop", preloaded=True, env=own)
        assert stopped.returncode == 0
        assert "Đã dừng" in stopped.stdout
        assert preload.ask(Path(tmp) / "run", "status") is None
        # SIGTERM (a shutdown) stops it at once, its socket gone
        assert run("preload", "start", preloaded=True, env=own).returncode == 0
        status = preload.ask(Path(tmp) / "run", "status")
        assert status is not None
        os.kill(status["pid"], signal.SIGTERM)
        deadline = time.monotonic() + 5
        while launch.socket_path(Path(tmp) / "run").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not launch.socket_path(Path(tmp) / "run").exists()
        assert preload.ask(Path(tmp) / "run", "status") is None
        bad = run("preload", "start", "--idle-minutes", "0", preloaded=True, env=own)
        assert bad.returncode == 2
        assert "Traceback" not in bad.stderr
        relative = run("preload", "start", preloaded=True, env={"CCHC_PRELOAD_DIR": "run"})
        assert relative.returncode == 1
        assert "CCHC_PRELOAD_DIR=run" in relative.stderr
        assert "Traceback" not in relative.stderr
