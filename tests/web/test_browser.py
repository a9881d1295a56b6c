"""The first journey in a real browser (headless Chromium through Playwright): an officer signs
in, sees their task, opens it and submits it — on a desktop screen and on a phone (390×844).

The browser is Debian's ``/usr/bin/chromium`` (Playwright cannot download its own here). When it
or the ``playwright`` package is missing the test is skipped, except with ``CI`` set, where it
fails. ``CCHC_SCREENSHOTS=docs/img`` keeps the pages' screenshots there (``web-*.png``).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import NHUNG, PASSWORD

CHROMIUM = os.environ.get("CCHC_CHROMIUM", "/usr/bin/chromium")
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _browser_or_skip() -> None:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing.append(CHROMIUM)
    if missing:
        why = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(why + " (CI is set: install them, e.g. apt-get install chromium)")
        pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The application served by uvicorn on a free loopback port, for the browser."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("CCHC_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"web-{name}.png"), full_page=True)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_an_officer_signs_in_opens_their_task_and_submits(server: str, screen: str) -> None:
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        try:
            context = browser.new_context(viewport=VIEWPORTS[screen], locale="vi-VN")
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(server + "/")
            assert page.url.endswith("/dang-nhap")
            _shot(page, f"sign-in-{screen}")
            page.fill("input[name=email]", NHUNG)
            page.fill("input[name=password]", PASSWORD)
            page.click("form[action='/dang-nhap'] button[type=submit]")
            page.wait_for_url(server + "/")
            assert page.locator("h1").inner_text() == "Việc của tôi"
            task = page.locator("a[href='/nhiem-vu/T.A3/2020']")
            assert task.is_visible()
            _shot(page, f"my-work-{screen}")
            task.click()
            page.wait_for_url(server + "/nhiem-vu/T.A3/2020")
            assert "chưa thực hiện" in page.locator(".facts").inner_text()
            page.fill("form[action$='/submit'] textarea[name=reason]", "Tài liệu sẽ bổ sung sau")
            _shot(page, f"occurrence-{screen}")
            page.click("form[action$='/submit'] button[type=submit]")
            page.wait_for_url(server + "/nhiem-vu/T.A3/2020")
            assert "đã nộp" in page.locator(".facts").inner_text()
            assert "Tài liệu sẽ bổ sung sau" in page.locator(".history").inner_text()
            if screen == "phone":  # nothing wider than the phone's screen
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= VIEWPORTS["phone"]["width"]
            assert not [e for e in errors if "Content Security Policy" in e], errors
        finally:
            browser.close()
