"""Two-step sign-in in a real browser (headless Chromium through Playwright): the chairman turns
it on from Hồ sơ cá nhân, reading the secret from the page into an authenticator (pyotp here),
signs out, and signs in again with the password and then the code.

Uses the browser and server of ``test_browser`` (skipped without Chromium, failing under CI)
and the movable clock of ``test_totp``."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest

from tests.web.conftest import NOW, PASSWORD
from tests.web.test_browser import CHROMIUM, _browser_or_skip, _shot, server  # noqa: F401
from tests.web.test_totp import HUNG, Clock, app, clock  # noqa: F401


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_chairman_turns_on_two_step_sign_in_and_signs_in_with_a_code(
    server: str,  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(server + "/dang-nhap")
            page.fill("input[name=email]", HUNG)
            page.fill("input[name=password]", PASSWORD)
            page.click("form[action='/dang-nhap'] button[type=submit]")
            page.wait_for_url(server + "/")

            page.goto(server + "/ho-so")
            section = page.locator("#xac-thuc-hai-buoc")
            assert "Xác thực hai bước" in section.inner_text()
            section.locator("button[type=submit]").click()
            page.wait_for_url(server + "/ho-so#xac-thuc-hai-buoc")
            secret = section.locator("[data-totp-secret]").inner_text().strip()
            qr = section.locator("img[src$='ma-qr.svg']")
            assert qr.is_visible()
            assert page.evaluate("(img) => img.naturalWidth", qr.element_handle()) > 0
            _shot(page, "totp-enrol")
            authenticator = pyotp.TOTP(secret)
            section.locator("input[name=code]").fill(authenticator.at(clock.now))
            section.locator("form[action$='/xac-nhan'] button[type=submit]").click()
            page.wait_for_url(server + "/ho-so#xac-thuc-hai-buoc")
            assert "Đã bật" in page.locator("#xac-thuc-hai-buoc").inner_text()
            assert secret not in page.content()

            page.click("form[action='/dang-xuat'] button[type=submit]")
            page.wait_for_url(server + "/dang-nhap")
            clock.now = NOW + dt.timedelta(minutes=2)  # a later code than the confirming one
            page.fill("input[name=email]", HUNG)
            page.fill("input[name=password]", PASSWORD)
            page.click("form[action='/dang-nhap'] button[type=submit]")
            page.wait_for_url(server + "/dang-nhap/ma-xac-thuc**")
            assert page.locator("h1").inner_text() == "Nhập mã xác thực"
            assert not [c for c in context.cookies() if c["name"] == "cchc_session"]
            _shot(page, "totp-code")
            page.fill("input[name=code]", authenticator.at(clock.now))
            page.click("form[action='/dang-nhap/ma-xac-thuc'] button[type=submit]")
            page.wait_for_url(server + "/")
            assert page.locator("h1").inner_text() == "Việc của tôi"
            assert [c for c in context.cookies() if c["name"] == "cchc_session"]
            assert not [c for c in context.cookies() if c["name"] == "cchc_second_step"]
            assert not [e for e in errors if "Content Security Policy" in e], errors
        finally:
            browser.close()
