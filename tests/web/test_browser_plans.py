"""Kế hoạch and Lịch làm việc in a real browser (headless Chromium), on a desktop screen and on
a phone (390×844): the CCHC officer uploads the revised plan, sees what loading it changes
(tasks added and archived, T.A3's deadline cancelled), confirms, and reads the new plan as its
table; then adds Saturday 20 June 2020 as a make-up working day and sees the deadlines it moves,
and the occurrence's page shows the new deadline. ``CCHC_SCREENSHOTS=docs/img`` keeps
``ke-hoach-xem-truoc.png``, ``ke-hoach.png``, ``lich-lam-viec.png`` (desktop) and their
``-phone`` versions."""

from __future__ import annotations

import pytest

from plans import HERE
from tests.web.browser import VIEWPORTS, browser_page, shot, sign_in
from tests.web.conftest import NHUNG


def _shot(page, name: str, screen: str) -> None:  # type: ignore[no-untyped-def]
    shot(page, f"{name}.png" if screen == "desktop" else f"{name}-{screen}.png")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_the_cchc_officer_revises_the_plan_and_adds_a_make_up_day(server: str, screen: str) -> None:
    with browser_page(VIEWPORTS[screen]) as (page, errors):
        sign_in(page, server, NHUNG)
        page.goto(server + "/quan-tri/ke-hoach")
        assert page.locator("h1").inner_text() == "Kế hoạch"
        assert page.locator("#plan-table tbody tr").count() >= 3
        page.set_input_files("input[name=file]", str(HERE / "phu-huu-2020.yaml"))
        page.click("#upload button[type=submit]")
        page.wait_for_url("**/quan-tri/ke-hoach/xem-truoc")
        preview = page.locator("#preview")
        assert "Xem trước khi nạp phu-huu-2020.yaml" in preview.inner_text()
        assert "lưu trữ 3" in preview.inner_text()
        cancelled = preview.locator("li.move-cancelled", has_text="T.A3")
        assert "huỷ (hạn cũ 10/06/2020)" in cancelled.inner_text()
        _shot(page, "ke-hoach-xem-truoc", screen)
        page.click("#preview button[type=submit]")
        page.wait_for_url("**/quan-tri/ke-hoach/nap")
        assert "Đã nạp kế hoạch" in page.locator("[role=status]").inner_text()
        table = page.locator("#plan-table")
        assert table.locator("tbody tr").count() > 20
        assert "Công chức phụ trách công tác CCHC" in table.inner_text()
        assert page.locator("#matrix td.cell", has_text="L").count() > 10
        if screen == "phone":  # wide tables scroll inside their card, the page does not
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"]
        page.goto(server + "/quan-tri/ke-hoach")
        _shot(page, "ke-hoach", screen)

        page.goto(server + "/quan-tri/lich-lam-viec?nam=2020")
        assert "Quốc khánh" in page.locator("#days").inner_text()
        assert page.locator(".calendar-month").count() == 12
        page.fill("input[name=ngay]", "2020-06-20")
        page.select_option("select[name=loai]", "working")
        page.fill("input[name=can_cu]", "Quyết định số 12/QĐ-UBND")
        page.click("#edit button[type=submit]")
        page.wait_for_load_state()
        assert "Ngày 20/06/2020 là ngày làm bù." in page.locator("[role=status]").inner_text()
        moved = page.locator("#changed li", has_text="II.4.2")
        assert "hạn từ 16/06/2020 thành 17/06/2020" in moved.inner_text()
        assert page.locator("td.day-make_up[data-date='2020-06-20']").count() == 1
        if screen == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"]
        _shot(page, "lich-lam-viec", screen)
        moved.locator("a").click()
        page.wait_for_url("**/nhiem-vu/II.4.2/2020-H1")
        assert "17/06/2020" in page.locator("main").inner_text()
        assert not [e for e in errors if "Content Security Policy" in e], errors
