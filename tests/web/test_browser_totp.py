"""Two-step sign-in in a real browser (headless Chromium through Playwright): the chairman turns
it on from Hồ sơ cá nhân, reading the secret from the page into an authenticator (pyotp here),
signs out, and signs in again with the password and then the code.

Uses the browser and server of ``test_browser`` (skipped without Chromium, failing under CI)
and the movable clock of ``test_totp``."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest

from tests.web.browser import browser_page, shot, sign_in
from tests.web.conftest import NOW, PASSWORD
from tests.web.test_totp import HUNG, Clock, app, clock  # noqa: F401


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_chairman_turns_on_two_step_sign_in_and_signs_in_with_a_code(
    server: str,
    clock: Clock,  # noqa: F811
) -> None:
    with browser_page({"width": 1280, "height": 900}) as (page, errors):
        sign_in(page, server, HUNG)

        page.goto(server + "/ho-so")
        section = page.locator("#xac-thuc-hai-buoc")
        assert "Xác thực hai bước" in section.inner_text()
        section.locator("button[type=submit]").click()
        page.wait_for_url(server + "/ho-so#xac-thuc-hai-buoc")
        secret = section.locator("[data-totp-secret]").inner_text().strip()
        qr = section.locator("img[src$='ma-qr.svg']")
        assert qr.is_visible()
        assert page.evaluate("(img) => img.naturalWidth", qr.element_handle()) > 0
        shot(page, "web-totp-enrol.png")
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
        assert not [c for c in page.context.cookies() if c["name"] == "cchc_session"]
        shot(page, "web-totp-code.png")
        page.fill("input[name=code]", authenticator.at(clock.now))
        page.click("form[action='/dang-nhap/ma-xac-thuc'] button[type=submit]")
        page.wait_for_url(server + "/")
        assert page.locator("h1").inner_text() == "Việc của tôi"
        assert [c for c in page.context.cookies() if c["name"] == "cchc_session"]
        assert not [c for c in page.context.cookies() if c["name"] == "cchc_second_step"]
        assert not [e for e in errors if "Content Security Policy" in e], errors
