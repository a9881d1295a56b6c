"""The pages an officer prints — Chỉ tiêu with its charts and Tự đánh giá — on A4 portrait in a
real browser (headless Chromium, print media): nothing is cut at the right edge (no chart, table
or line wider than the printable width), a chart is never split across two sheets, the
navigation and the forms are not printed, and every area of the self-assessment is printed
open. ``page.pdf`` then prints each page as A4."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import VIEWPORTS, browser_page, sign_in
from tests.web.conftest import NHUNG
from tests.web.test_browser_assessment import framework  # noqa: F401  (autouse: PAR stored)
from tests.web.test_indicators_pages import GOOD, export

# A4 is 210 mm wide; app.css prints it with 12 mm margins left and right: 186 mm at 96 px/inch.
PRINTABLE_WIDTH = round((210 - 2 * 12) / 25.4 * 96)
PRINTABLE_HEIGHT = round((297 - 2 * 15) / 25.4 * 96)  # and 15 mm top and bottom

WHAT_OVERFLOWS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll("main *")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && (box.right > width + 0.5 || box.left < -0.5)) {
      wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.className && el.className.baseVal === undefined ? "." + el.className : "")
        + " " + Math.round(box.left) + ".." + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, width: width, wide: wide.slice(0, 10)};
}"""


def _printed(page: Any) -> dict[str, Any]:
    """Lay the page out as it prints on A4 portrait; what sticks out of the printable width."""
    page.emulate_media(media="print")
    page.set_viewport_size({"width": PRINTABLE_WIDTH, "height": PRINTABLE_HEIGHT})
    laid_out: dict[str, Any] = page.evaluate(WHAT_OVERFLOWS)
    return laid_out


def _assert_fits_and_prints(page: Any) -> None:
    laid_out = _printed(page)
    assert laid_out["wide"] == [], laid_out
    assert laid_out["scroll"] <= laid_out["width"], laid_out
    for selector in ("svg.chart", "table"):
        for box in page.locator(selector).all():
            if box.is_visible():
                assert box.evaluate("e => e.scrollWidth <= e.clientWidth || e.tagName == 'svg'")
    assert not page.locator("header.top, nav").first.is_visible()  # the navigation is not printed
    assert not page.locator("main form").filter(visible=True).count()
    pdf = page.pdf(format="A4", print_background=False, prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_targets_and_the_self_assessment_print_on_a4_without_cuts(
    server: str, tmp_path: Path
) -> None:
    good = tmp_path / "xuat-quy-2.csv"
    good.write_bytes(export(GOOD))
    with browser_page(VIEWPORTS["desktop"]) as (page, _errors):
        sign_in(page, server, NHUNG)
        page.goto(server + "/chi-tieu")
        form = page.locator("form[action='/chi-tieu/ho-so-mot-cua']")
        form.locator("input[type=file]").set_input_files(str(good))
        form.locator("button[type=submit]").click()
        page.wait_for_url("**/chi-tieu?nhap=ho-so**")
        charts = page.locator("figure.kpi-chart")
        assert charts.count() >= 2 and page.locator("svg.chart").count() >= 2

        _assert_fits_and_prints(page)
        assert page.locator("#targets thead").is_visible()  # printed as a table, headings and all
        for chart in charts.all():  # each chart is kept whole on one sheet
            assert chart.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
            assert chart.bounding_box()["height"] < PRINTABLE_HEIGHT  # so it fits on one

        page.emulate_media(media="screen")
        page.set_viewport_size(VIEWPORTS["desktop"])
        page.goto(server + "/tu-danh-gia")
        assert page.locator("details.par-area:not([open])").count() >= 1  # folded on screen
        _assert_fits_and_prints(page)
        for area in page.locator("details.par-area").all():  # printed open, items and all
            assert area.locator(".par-item").first.is_visible()
        assert "Điểm thưởng" in page.locator("#cong-tru").inner_text()  # without its form


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_link_drawn_as_a_button_is_readable_on_a_card(server: str) -> None:
    """Hồ sơ lists the officer's other sessions, each with "Đăng xuất phiên này" drawn as a
    link (button.link) on the white card: its text is not white."""
    with browser_page(VIEWPORTS["desktop"]) as (page, _errors):
        sign_in(page, server, NHUNG)
        other = page.context.browser.new_context()
        try:
            sign_in(other.new_page(), server, NHUNG)  # a second session, elsewhere
        finally:
            other.close()
        page.goto(server + "/ho-so")
        button = page.locator("main button.link").first
        assert button.is_visible()
        color = button.evaluate("e => getComputedStyle(e).color")
        card = button.evaluate(
            "e => getComputedStyle(e.closest('.card') || document.body).backgroundColor"
        )
        assert color != card and color != "rgb(255, 255, 255)", (color, card)
