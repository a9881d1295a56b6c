"""Cán bộ in a real browser (headless Chromium): the chairman opens the page, sees who holds
each position today (the CCHC officer Nhung), appoints the office clerk Sơn acting CCHC
officer for her from today, and sees her two open occurrences move to him — on a desktop
screen and on a phone (390×844), nothing wider than the phone. ``CCHC_SCREENSHOTS=docs/img``
keeps ``can-bo.png``, ``can-bo-giao.png`` (desktop) and their ``-phone`` twins."""

from __future__ import annotations

import pytest

from tests.web.browser import VIEWPORTS, browser_page, shot, sign_in
from tests.web.conftest import NHUNG, NOW, PASSWORD

HUNG = "hung.nv@phuhuu.gov.vn"  # the chairman
SON = "son.dt@phuhuu.gov.vn"  # the office clerk


@pytest.fixture
def chairman(ward):  # type: ignore[no-untyped-def]
    from application.access import Identity
    from application.identity import set_password

    set_password(ward, Identity.operator("t"), email=HUNG, password=PASSWORD, now=NOW)


def _shot(page, name: str, screen: str) -> None:  # type: ignore[no-untyped-def]
    shot(page, f"{name}.png" if screen == "desktop" else f"{name}-{screen}.png")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_the_chairman_appoints_an_acting_cchc_officer_and_sees_the_work_move(
    chairman: None, server: str, screen: str
) -> None:
    with browser_page(VIEWPORTS[screen]) as (page, errors):
        sign_in(page, server, HUNG)
        page.goto(server + "/quan-tri/can-bo")
        assert page.locator("h1").inner_text() == "Cán bộ"
        today = page.locator("#hom-nay li", has_text="Công chức phụ trách công tác CCHC")
        assert "Phạm Thị Hồng Nhung" in today.inner_text()
        _shot(page, "can-bo", screen)

        form = page.locator("#giao form")
        form.locator("select[name=email]").select_option(SON)
        form.locator("select[name=position]").select_option("cchc_officer")
        form.locator("input[name=kind][value=acting]").check()
        form.locator("select[name=acting_for]").select_option(NHUNG)
        assert form.locator("input[name=start]").input_value() == "2020-06-08"
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()

        outcome = page.locator("#ket-qua")
        assert "Đã giao Đỗ Thanh Sơn giữ quyền" in outcome.inner_text()
        assert "2 việc đang mở đã chuyển sang người giữ mới" in outcome.inner_text()
        moved = outcome.locator("ul.moved li")
        assert moved.count() == 2
        assert all("Đỗ Thanh Sơn" in moved.nth(i).inner_text() for i in range(2))
        assert "T.A3" in outcome.inner_text() and "T.LATE" in outcome.inner_text()
        today = page.locator("#hom-nay li", has_text="Công chức phụ trách công tác CCHC")
        assert "Đỗ Thanh Sơn" in today.inner_text() and "quyền" in today.inner_text()
        _shot(page, "can-bo-giao", screen)
        # the moved work opens at its occurrence's page
        outcome.locator("a", has_text="T.A3").click()
        page.wait_for_url("**/nhiem-vu/T.A3/**")
        if screen == "phone":  # nothing wider than the phone's screen
            page.goto(server + "/quan-tri/can-bo")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"]
        assert not [e for e in errors if "Content Security Policy" in e], errors
