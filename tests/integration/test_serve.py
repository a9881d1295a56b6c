"""``cchc serve``: one runner per database, catch-up at start, clean stop on SIGTERM."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from plans import HERE, PLAN_2020


def _cchc(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cchc.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _wait_for(path: Path, text: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = path.read_text(encoding="utf-8") if path.exists() else ""
        if text in content:
            return content
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not seen in {path} within {timeout} s:\n{content}")


@pytest.fixture
def ward(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "CCHC_HOME": str(tmp_path / "home"),
        "CCHC_CHANNEL": "file",
    }
    env.pop("CCHC_DATABASE_URL", None)
    env.pop("CCHC_USER", None)  # the operator
    assert _cchc(env, "plan", "load", str(PLAN_2020)).returncode == 0
    assert _cchc(env, "officer", "import", str(HERE / "demo-roster.csv")).returncode == 0
    return env


def _start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "cchc.cli", "serve"], env=env, stdout=handle, stderr=handle
        )


def test_serve_catches_up_refuses_a_second_runner_and_stops_on_sigterm(
    ward: dict[str, str], tmp_path: Path
) -> None:
    first_log = tmp_path / "first.log"
    first = _start(ward, first_log)
    try:
        # the wall clock is long past 2020: the start-up catch-up materialises the year and sends
        # each person one message listing their open occurrences, not every missed step
        log = _wait_for(first_log, "job deliver:")
        assert "job materialise:" in log and "job remind:" in log

        second = _cchc(ward, "serve")
        assert second.returncode == 1
        assert any(line.startswith("Error:") for line in second.stderr.splitlines())
        assert "serve" in second.stderr.split("Error:", 1)[1]

        outbox = Path(ward["CCHC_HOME"]) / "outbox"
        messages = sorted(outbox.glob("*.eml"))
        assert messages
        tasks = _cchc(ward, "tasks", "--json", "--status", "open")
        import json

        from domain.periods import period_label

        open_occurrences = json.loads(tasks.stdout)["tasks"]
        assert len(open_occurrences) == 146
        mails = [
            email.message_from_bytes(m.read_bytes(), policy=email.policy.default) for m in messages
        ]
        recipients = [str(mail["To"]) for mail in mails]
        assert len(set(recipients)) == len(recipients) <= 12  # one message per person
        bodies = "\n".join(mail.get_body(("plain",)).get_content() for mail in mails)
        for occ in open_occurrences:
            assert f"{occ['task']} kỳ {period_label(occ['period'])}" in bodies, occ
    finally:
        first.send_signal(signal.SIGTERM)
        code = first.wait(timeout=30)
    assert code == 0
    assert "stopped" in first_log.read_text(encoding="utf-8")

    # a restart finds nothing new to send: every step due is already handled
    restart_log = tmp_path / "restart.log"
    again = _start(ward, restart_log)
    try:
        _wait_for(restart_log, "job deliver:")
    finally:
        again.send_signal(signal.SIGINT)
        assert again.wait(timeout=30) == 0
    assert sorted(outbox.glob("*.eml")) == messages
