"""What the browser journeys share: Debian's Chromium through Playwright, the two screens, a
page that records the console's errors, signing in through the form, and screenshots.

The browser is ``/usr/bin/chromium`` (``CCHC_CHROMIUM``; Playwright cannot download its own
here). When it or the ``playwright`` package is missing a journey is skipped, except with
``CI`` set, where it fails. ``CCHC_SCREENSHOTS=docs/img`` keeps the screenshots there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import PASSWORD

CHROMIUM = os.environ.get("CCHC_CHROMIUM", "/usr/bin/chromium")
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def browser_or_skip() -> None:
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


@contextmanager
def browser_page(viewport: dict[str, int]) -> Iterator[tuple[Any, list[str]]]:
    """A new page of a headless Chromium at ``viewport``, and the list the console's errors
    are written to as the page runs."""
    browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        try:
            context = browser.new_context(viewport=viewport, locale="vi-VN")
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            yield page, errors
        finally:
            browser.close()


def sign_in(page: Any, server: str, email: str, password: str = PASSWORD, lands: str = "/") -> None:
    """Sign in through the form; the browser lands on ``lands``: Việc của tôi for a unit's
    officer, the province's pages for the province's staff and the units above."""
    page.goto(server + "/dang-nhap")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form[action='/dang-nhap'] button[type=submit]")
    page.wait_for_url(server + lands)


def shot(page: Any, file_name: str) -> None:
    """The whole page as ``file_name`` in ``CCHC_SCREENSHOTS``, when that is set."""
    folder = os.environ.get("CCHC_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / file_name), full_page=True)
