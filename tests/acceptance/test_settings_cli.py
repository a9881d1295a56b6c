"""A bad setting stops the command line at once: one clear line per setting, exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cchc(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("CCHC_") or name == "CCHC_STRICT_MESSAGES"
    }
    environ.update(CCHC_HOME=str(tmp_path / "home"), COLUMNS="60", **env)
    return subprocess.run(
        [sys.executable, "-m", "cchc.cli", *args],
        capture_output=True,
        text=True,
        env=environ,
        check=False,
    )


def test_a_bad_setting_fails_even_help_with_one_clear_line(tmp_path: Path) -> None:
    proc = run_cchc(tmp_path, "--help", CCHC_EVIDENCE_MAX_MB="lots")
    assert proc.returncode == 1, proc.stdout
    assert "Error: CCHC_EVIDENCE_MAX_MB: 'lots'" in proc.stderr
    assert proc.stderr.strip() == "Error: CCHC_EVIDENCE_MAX_MB: 'lots' không phải là số"
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_a_bad_smtp_url_fails_any_command_before_it_runs(tmp_path: Path) -> None:
    proc = run_cchc(tmp_path, "outbox", "list", CCHC_SMTP_URL="http://x", CCHC_LANG="en")
    assert proc.returncode == 1, proc.stdout
    (line,) = proc.stderr.splitlines()  # one line, however narrow the terminal
    assert line == (
        "Error: CCHC_SMTP_URL: 'http://x' is not an SMTP server address "
        "(Hint: smtp://, smtp+starttls:// or smtps://[user:pass@]host[:port])"
    )
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "home").exists()  # nothing ran: no database was created


def test_every_bad_setting_is_printed(tmp_path: Path) -> None:
    proc = run_cchc(
        tmp_path,
        "--lang",
        "en",
        "plan",
        "list",
        CCHC_CHANNEL="pigeon",
        CCHC_OUTBOX_MAX_ATTEMPTS="0",
    )
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "Error: CCHC_CHANNEL: 'pigeon' is not a mail channel (Hint: file or console)",
        "Error: CCHC_OUTBOX_MAX_ATTEMPTS: '0' must be from 1 to 100",
    ]
