"""Tiến độ in a real browser (headless Chromium): the CCHC officer opens it from the
navigation, sees the bars and who owes what, clicks "Nhắc ngay" on a line and sees the
confirmation; a second click the same day says it was already done — on a desktop screen and
on a phone (390×844). ``CCHC_SCREENSHOTS=docs/img`` keeps ``tien-do.png`` (desktop) and
``tien-do-phone.png``."""

from __future__ import annotations

from pathlib import Path

import pytest

from application.settings import Settings
from tests.web.browser import VIEWPORTS, browser_page, shot, sign_in
from tests.web.conftest import NHUNG, local

MONDAY = local(2020, 6, 15, 9)


@pytest.fixture
def app(ward, engine, db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.web.apps import web_app

    settings = Settings(home=tmp_path / "home", database_url=db_url, lang="vi")
    return web_app(settings, engine=engine, now=lambda: MONDAY)


def _shot(page, screen: str) -> None:  # type: ignore[no-untyped-def]
    shot(page, "tien-do.png" if screen == "desktop" else f"tien-do-{screen}.png")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_the_cchc_officer_reminds_an_officer_from_the_progress_page(
    server: str,
    screen: str,
) -> None:
    with browser_page(VIEWPORTS[screen]) as (page, errors):
        sign_in(page, server, NHUNG)
        page.click("nav a[href='/tien-do']")
        page.wait_for_url(server + "/tien-do")
        assert page.locator("h1").inner_text() == "Tiến độ"
        assert page.locator("meter").count() >= 10
        assert page.locator("meter").first.is_visible()
        row = page.locator("#owed li", has_text="T.A9")
        assert "Huỳnh Tấn Phát" in row.inner_text()
        _shot(page, screen)
        row.locator("button", has_text="Nhắc ngay").click()
        page.wait_for_url("**/tien-do?**")
        status = page.locator("[role=status]")
        assert "Đã gửi lời nhắc nhiệm vụ T.A9 kỳ năm 2020" in status.inner_text()
        page.locator("#owed li", has_text="T.A9").locator("button").click()
        page.wait_for_load_state()
        assert "đã được nhắc ngay hôm nay" in page.locator("[role=alert]").inner_text()
        if screen == "phone":  # nothing wider than the phone's screen
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"]
        assert not [e for e in errors if "Content Security Policy" in e], errors
