"""``cchc web`` serves the pages and the API from the installation the environment names."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path


def test_cchc_web_serves_healthz_and_the_sign_in_page(tmp_path: Path) -> None:
    import httpx2

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CCHC_HOME": str(tmp_path / "home")}
    env.pop("CCHC_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cchc.cli", "web", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx2.get(base + "/healthz", timeout=2)
                break
            except httpx2.TransportError:
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "cchc web did not start"
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        page = httpx2.get(base + "/dang-nhap", timeout=5)
        assert page.status_code == 200 and "Đăng nhập" in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert httpx2.get(base + "/api/v1/me", timeout=5).status_code == 401
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=15)
    assert f"http://localhost:{port}" in out
