"""Nhật ký and Hộp thư đi in a real browser (headless Chromium): the CCHC officer opens the
log, filters it by action (the refused attempts, marked), runs "Kiểm tra toàn vẹn", opens the
outbox and sends a dead letter again — on a desktop screen and on a phone (390×844).
``CCHC_SCREENSHOTS=docs/img`` keeps ``nhat-ky.png`` and ``hop-thu-di.png`` (desktop) and
their ``-phone`` twins."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from models import OutboxMessage
from tests.web.browser import VIEWPORTS, browser_page, shot, sign_in
from tests.web.conftest import NHUNG, NOW, PHAT


def _shot(page, name: str, screen: str) -> None:  # type: ignore[no-untyped-def]
    shot(page, f"{name}.png" if screen == "desktop" else f"{name}-{screen}.png")


@pytest.fixture
def dead_letter(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        for status, subject in (("sent", "Giao việc T.A9"), ("pending", "Tổng hợp hằng ngày")):
            session.add(
                OutboxMessage(
                    key=f"browser-{status}",
                    kind="reminder" if status == "sent" else "digest",
                    recipient=PHAT,
                    recipient_name="Huỳnh Tấn Phát",
                    subject=subject,
                    body="…",
                    status=status,
                    attempts=1 if status == "sent" else 0,
                    created_at=NOW,
                )
            )
        row = OutboxMessage(
            key="browser-dead",
            kind="reminder",
            recipient=PHAT,
            recipient_name="Huỳnh Tấn Phát",
            subject="Nhắc việc: T.A9 đến hạn 10/06/2020",
            body="Xin nhắc nhiệm vụ T.A9.",
            status="dead",
            attempts=8,
            last_error="550 5.1.1 mailbox unavailable",
            created_at=NOW,
        )
        session.add(row)
        session.commit()
        return row.id or 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_the_cchc_officer_checks_the_log_and_sends_a_dead_letter_again(
    server: str, screen: str, dead_letter: int
) -> None:
    with browser_page(VIEWPORTS[screen]) as (page, errors):
        sign_in(page, server, PHAT)
        page.goto(server + "/tien-do")  # refused: remembered in the log
        page.click("form.signout button")
        page.wait_for_url("**/dang-nhap**")
        sign_in(page, server, NHUNG)
        page.goto(server + "/quan-tri/nhat-ky")
        assert page.locator("h1").inner_text() == "Nhật ký"
        assert page.locator(".audit-entry").count() > 1
        page.fill("form.filters input[name=thao-tac]", "refused")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**/quan-tri/nhat-ky?**thao-tac=refused**")
        refused = page.locator(".audit-entry.refused")
        assert refused.count() >= 1
        assert page.locator(".audit-entry").count() == refused.count()
        first = refused.first.inner_text()
        assert "BỊ TỪ CHỐI" in first.upper() and "Huỳnh Tấn Phát" in first
        page.click("form.verify button")
        page.wait_for_load_state()
        assert "Nhật ký toàn vẹn" in page.locator("[role=status]").inner_text()
        # the filter is kept: still only the refused attempts
        assert page.locator("form.filters input[name=thao-tac]").input_value() == "refused"
        assert page.locator(".audit-entry").count() == page.locator(".audit-entry.refused").count()
        _shot(page, "nhat-ky", screen)
        if screen == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"]
        page.click("main a[href='/quan-tri/hop-thu-di']")
        page.wait_for_url(server + "/quan-tri/hop-thu-di")
        page.click("nav.tabs a[href='/quan-tri/hop-thu-di?trang-thai=dead']")
        page.wait_for_url("**trang-thai=dead")
        row = page.locator(".message", has_text="T.A9 đến hạn")
        assert "550 5.1.1 mailbox unavailable" in row.inner_text()
        assert "Huỳnh Tấn Phát" in row.inner_text()
        page.goto(server + "/quan-tri/hop-thu-di")
        _shot(page, "hop-thu-di", screen)
        if screen == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"]
        page.locator(".message.outbox-dead", has_text="T.A9 đến hạn").locator(
            "button", has_text="Gửi lại"
        ).click()
        page.wait_for_url("**da-gui-lai=**")
        status = page.locator("[role=status]").inner_text()
        assert f"Đã đưa thư số {dead_letter} trở lại hàng đợi" in status
        again = page.locator(".message", has_text="T.A9 đến hạn")
        assert "chờ gửi" in again.inner_text() and again.locator("button").count() == 0
        assert not [e for e in errors if "Content Security Policy" in e], errors
