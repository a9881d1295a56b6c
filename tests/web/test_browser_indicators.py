"""Chỉ tiêu in a real browser (headless Chromium): the CCHC officer uploads a one-stop export
with a bad row — the page lists the row, nothing is imported — fixes it and imports it (the
counts), then reads the targets and their charts — on a desktop screen and on a phone
(390×844). ``CCHC_SCREENSHOTS=docs/img`` keeps ``chi-tieu.png`` (desktop),
``chi-tieu-phone.png`` and ``chi-tieu-loi.png`` (the refused file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.browser import VIEWPORTS, browser_page, shot, sign_in
from tests.web.conftest import NHUNG
from tests.web.test_indicators_pages import BAD, GOOD, export


def _shot(page, screen: str, name: str) -> None:  # type: ignore[no-untyped-def]
    shot(page, f"{name}.png" if screen == "desktop" else f"{name}-{screen}.png")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_the_cchc_officer_imports_an_export_and_reads_the_targets(
    server: str, screen: str, tmp_path: Path
) -> None:
    bad = tmp_path / "xuat-quy-2.csv"
    bad.write_bytes(export(BAD))
    good = tmp_path / "xuat-quy-2-da-sua.csv"
    good.write_bytes(export(GOOD))
    with browser_page(VIEWPORTS[screen]) as (page, errors):
        sign_in(page, server, NHUNG)
        page.goto(server + "/chi-tieu")
        assert page.locator("h1").inner_text() == "Chỉ tiêu"
        assert "Đã nhập 0 hồ sơ một cửa." in page.locator("#dossier-count").inner_text()

        form = page.locator("form[action='/chi-tieu/ho-so-mot-cua']")
        form.locator("input[type=file]").set_input_files(str(bad))
        form.locator("button[type=submit]").click()
        problems = page.locator("#import-problems")
        problems.wait_for()
        assert "không nhập hồ sơ nào" in problems.inner_text()
        assert page.locator("#import-problems tr.bad-row").count() >= 1
        assert "kenh_nop" in page.locator("#import-problems table").inner_text()
        assert "Đã nhập 0 hồ sơ một cửa." in page.locator("#dossier-count").inner_text()
        if screen == "desktop":
            shot(page, "chi-tieu-loi.png")

        form = page.locator("form[action='/chi-tieu/ho-so-mot-cua']")
        form.locator("input[type=file]").set_input_files(str(good))
        form.locator("button[type=submit]").click()
        page.wait_for_url("**/chi-tieu?nhap=ho-so**")
        status = page.locator("[role=status]")
        assert "4 hồ sơ mới, 0 hồ sơ cập nhật" in status.inner_text()
        assert "Đã nhập 4 hồ sơ một cửa." in page.locator("#dossier-count").inner_text()

        row = page.locator("#target-T2\\.2a")
        assert "1/3" in row.inner_text() and "Không đạt" in row.inner_text()
        chart = page.locator("#chart-on_time_rate svg.chart").first
        assert chart.is_visible()
        assert page.locator("#chart-on_time_rate line.target").count() >= 1
        _shot(page, screen, "chi-tieu")
        if screen == "phone":  # nothing wider than the phone's screen but the scrolled tables
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"]
        assert not [e for e in errors if "Content Security Policy" in e], errors
