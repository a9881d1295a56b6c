"""The units' KPIs ranked, in a real browser (headless Chromium): the city's CCHC staff opens
"Chỉ số" from the menu, reads the on-time ranking with its sparklines, clicks another KPI's
tab and downloads the workbook; on a phone (390 px) nothing is wider than the screen; no
Content-Security-Policy error anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.web.browser import VIEWPORTS, browser_page, shot, sign_in
from tests.web.test_province_kpis_page import app  # noqa: F401  (the fixture)
from tests.web.test_unit_view_pages import (
    STAFF,
    province,  # noqa: F401  (the fixture)
)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_city_staff_reads_the_kpis_clicks_a_tab_and_downloads(
    server: str, tmp_path: Path
) -> None:
    with browser_page(VIEWPORTS["desktop"]) as (page, errors):
        sign_in(page, server, STAFF, lands="/tinh/tham-dinh")
        page.locator("nav a[href='/tinh/chi-so']").click()
        page.wait_for_url("**/tinh/chi-so")
        assert page.locator("h2#xep-hang").inner_text() == "Tỷ lệ hồ sơ đúng hạn"
        first = page.locator("tbody tr").first
        assert first.get_attribute("id") == "unit-phu-huu"
        assert "75% (3/4)" in first.inner_text()
        spark = first.locator("svg.sparkline")
        assert spark.is_visible() and spark.bounding_box()["width"] > 50  # type: ignore[index]
        assert spark.get_attribute("aria-label").startswith("Theo tháng: tháng 1:")  # type: ignore[union-attr]
        shot(page, "chi-so.png")

        page.locator("#tab-online_rate").click()
        page.wait_for_url("**chi_so=online_rate**")
        assert page.locator("h2#xep-hang").inner_text().startswith("Tỷ lệ hồ sơ nộp trực tuyến")
        assert page.locator("#tab-online_rate").get_attribute("aria-current") == "page"
        page.locator("#ky a", has_text="Quý 2").click()
        page.wait_for_url("**quy=2**")
        assert "quý 2 năm 2020" in page.locator("h1").inner_text()

        with page.expect_download() as info:
            page.locator("#tai-xlsx").click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.name == "chi-so-tp-hcm-2020-q2.xlsx"
        book = load_workbook(saved)
        assert book.active is not None and book.active.title == "online_rate"
        sheet = book["on_time_rate"]
        assert [sheet.cell(r, 2).value for r in (3, 4)] == ["phu-huu", "an-phu"]

        page.set_viewport_size(VIEWPORTS["phone"])
        for path in ("/tinh/chi-so?nam=2020", "/tinh/chi-so?nam=2020&quy=2&chi_so=online_rate"):
            page.goto(server + path)
            assert page.locator("svg.sparkline").first.is_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"], (path, width)
        shot(page, "chi-so-phone.png")
        assert not [e for e in errors if "Content Security Policy" in e], errors
