"""``cchc web`` and ``cchc serve --web`` serve the pages and the API from the installation the
environment names."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    "command",
    [
        ["web"],
        ["serve", "--web"],
        ["web", "--workers", "2"],
        ["serve", "--web", "--workers", "2"],
    ],
    ids=["web", "serve-web", "web-2-workers", "serve-web-2-workers"],
)
def test_the_command_serves_healthz_and_the_sign_in_page(
    tmp_path: Path, command: list[str]
) -> None:
    import httpx2

    port = _free_port()
    env = {**os.environ, "CCHC_HOME": str(tmp_path / "home"), "CCHC_CHANNEL": "file"}
    env.pop("CCHC_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cchc.cli", *command, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx2.get(base + "/healthz", timeout=2)
                break
            except httpx2.TransportError:
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "the web server did not start"
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        page = httpx2.get(base + "/dang-nhap", timeout=5)
        assert page.status_code == 200 and "Đăng nhập" in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert httpx2.get(base + "/api/v1/me", timeout=5).status_code == 401
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert f"http://localhost:{port}" in out
    if command[0] == "serve":
        assert proc.returncode == 0, err  # SIGTERM stops the jobs and the web server cleanly


@pytest.mark.parametrize("command", [["web"], ["serve", "--web"]], ids=["web", "serve-web"])
@pytest.mark.parametrize(
    "host, reason",
    [("999.1.1.1", "address"), ("", "address"), ("127.0.0.1", "in use")],
    ids=["unknown-host", "empty-host", "port-in-use"],
)
def test_an_address_it_cannot_listen_on_is_a_clear_error(
    tmp_path: Path, command: list[str], host: str, reason: str
) -> None:
    env = {**os.environ, "CCHC_HOME": str(tmp_path / "home"), "CCHC_CHANNEL": "file"}
    env.pop("CCHC_DATABASE_URL", None)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "cchc.cli", *command, "--host", host, "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert f"Không thể mở trang web tại '{host}' cổng {port}" in proc.stderr, proc.stderr
    assert "Gợi ý:" in proc.stderr
    assert "Trang web:" not in proc.stdout  # never announced as started
