"""The first journey in a real browser (headless Chromium through Playwright): an officer signs
in, sees their task, opens it and submits it — on a desktop screen and on a phone (390×844).

The browser is Debian's ``/usr/bin/chromium`` (Playwright cannot download its own here). When it
or the ``playwright`` package is missing the test is skipped, except with ``CI`` set, where it
fails. ``CCHC_SCREENSHOTS=docs/img`` keeps the pages' screenshots there (``web-*.png``).
"""

from __future__ import annotations

import pytest

from tests.web.browser import VIEWPORTS, browser_page, shot
from tests.web.conftest import NHUNG, PASSWORD


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    shot(page, f"web-{name}.png")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_an_officer_signs_in_opens_their_task_and_submits(server: str, screen: str) -> None:
    with browser_page(VIEWPORTS[screen]) as (page, errors):
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
