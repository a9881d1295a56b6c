"""The province's appraisal cycle in a real browser (headless Chromium), each officer in turn
through the pages: Phú Hữu's chairman submits the self-assessment → the city's CCHC staff
opens round 1 → the area-3 appraiser scores an item and comments → the staff closes round 1
(five working days to explain) → Phú Hữu's CCHC officer reads the comment and explains, with a
document → the staff opens round 2 → the appraiser gives the final score → the staff closes
round 2 and publishes → the ranking shows Phú Hữu's rank and its XLSX downloads. The other
ward and the other items are scored by the council through the same use case, to keep the
journey short. At the end the pages are read on a phone (390×844): nothing wider than the
screen. ``CCHC_SCREENSHOTS=docs/img`` keeps ``tham-dinh*.png`` and ``xep-hang*.png``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.appraisal_setup import (
    AREA3,
    CLOSE1,
    CLOSE2,
    EXPLAIN,
    HUNG,
    PUBLISH,
    ROUND1,
    ROUND2,
    STAFF,
    SUBMITTED,
    W2_CHAIR,
    YEAR,
    Clock,
    build_province,
    score_rest,
    settings_of,
)
from tests.web.browser import VIEWPORTS, browser_page, shot, sign_in
from tests.web.conftest import NHUNG, PASSWORD

WARD = "/tinh/tham-dinh/phu-huu/2020"


@pytest.fixture
def clock() -> Clock:
    return Clock(SUBMITTED)


@pytest.fixture
def province(ward, engine, session, load, bundled_framework, tmp_path: Path):  # type: ignore[no-untyped-def]
    return build_province(engine, session, load, bundled_framework, tmp_path / "home")


@pytest.fixture
def app(province, engine, db_url: str, tmp_path: Path, clock: Clock):  # type: ignore[no-untyped-def]
    from tests.web.apps import web_app

    return web_app(settings_of(db_url, tmp_path / "home"), engine=engine, now=clock)


def _as(page, server: str, email: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in afresh; the province's staff and appraisers land on the appraisal board."""
    page.context.clear_cookies()
    lands = "/tinh/tham-dinh" if email in (STAFF, AREA3) else "/"
    sign_in(page, server, email, lands=lands)


def _step(page, server: str, step: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    """The staff's button for every unit ready (``open``, ``close``, ``publish``)."""
    page.goto(server + "/tinh/tham-dinh?nam=2020")
    page.locator(f"#tat-ca-{step}").click()
    page.wait_for_url(re.compile(r".*/tinh/tham-dinh\?.*ghi=" + step + ".*"))
    assert "phu-huu, w2" in page.locator("[role=status]").inner_text()
    assert expected in page.locator("#unit-phu-huu").inner_text()


def _score(page, server: str, points: str, comment: str) -> None:  # type: ignore[no-untyped-def]
    line = page.locator("li[id='muc-3.1.1']")
    form = line.locator("form.score-form")
    form.locator("input[name=diem]").fill(points)
    form.locator("textarea[name=nhan_xet]").fill(comment)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*ghi=diem.*"))
    assert "Đã lưu điểm tiêu chí 3.1.1." in page.locator("[role=status]").inner_text()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_full_appraisal_cycle_in_the_browser(  # type: ignore[no-untyped-def]
    server: str, province, clock: Clock, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from application import assessment as par
    from application.access import Identity

    par.submit(province, Identity.officer(W2_CHAIR), SUBMITTED, unit="w2", year=YEAR)
    with browser_page(VIEWPORTS["desktop"]) as (page, errors):
        # the ward's chairman submits the self-assessment, giving his password again
        _as(page, server, HUNG)
        page.goto(server + "/tu-danh-gia/nop?nam=2020")
        page.fill("input[name=password]", PASSWORD)
        page.locator("#nop button[type=submit]").click()
        page.wait_for_url("**/tu-danh-gia?**nop=1**")

        # the city's staff opens round 1 for both wards
        clock.at = ROUND1
        _as(page, server, STAFF)
        page.locator("nav a[href='/tinh/tham-dinh']").click()
        page.wait_for_url("**/tinh/tham-dinh")
        assert "đã nộp, chờ thẩm định" in page.locator("#unit-phu-huu").inner_text()
        shot(page, "tham-dinh.png")
        _step(page, server, "open", "đang thẩm định vòng 1")

        # the area-3 appraiser scores 3.1.1 with a comment (the council scores the rest)
        score_rest(province, ROUND1, skip=[("phu-huu", "3.1.1")])
        _as(page, server, AREA3)
        page.goto(server + "/tinh/tham-dinh")
        mine = page.locator("#unit-phu-huu td.mine a")
        assert "còn 1/" in mine.inner_text()
        mine.click()
        page.wait_for_url("**" + WARD)
        assert page.locator("li[id='muc-1.1.1'] form.score-form").count() == 0
        document = page.locator("li[id='muc-3.1.1'] .par-docs a").first
        assert document.inner_text() == "so-theo-doi.pdf"
        _score(page, server, "0,5", "Thiếu sổ theo dõi việc tiếp nhận hồ sơ")
        shot(page, "tham-dinh-don-vi.png")

        # the staff closes round 1: the ward has five working days to explain
        clock.at = CLOSE1
        _as(page, server, STAFF)
        _step(page, server, "close", "đơn vị đang giải trình")
        assert "22/01/2021" in page.locator("#unit-phu-huu").inner_text()

        # the ward's CCHC officer reads the comment and explains, pointing at its document
        clock.at = EXPLAIN
        _as(page, server, NHUNG)
        page.locator("nav a[href='/tinh/tham-dinh']").click()
        page.wait_for_url("**" + WARD)
        line = page.locator("li[id='muc-3.1.1']")
        assert "Thiếu sổ theo dõi việc tiếp nhận hồ sơ" in line.locator(".comment1").inner_text()
        form = line.locator("form.explain-form")
        form.locator("textarea[name=giai_trinh]").fill("Đã có sổ theo dõi điện tử (đính kèm)")
        form.locator("input[name=tai_lieu]").first.check()
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r".*ghi=giai-trinh.*"))
        assert "Đã có sổ theo dõi điện tử" in line.locator(".reply").inner_text()
        shot(page, "tham-dinh-giai-trinh.png")

        # round 2: the appraiser's final score
        clock.at = ROUND2
        _as(page, server, STAFF)
        _step(page, server, "open", "đang thẩm định vòng 2")
        _as(page, server, AREA3)
        page.goto(server + WARD)
        assert "Đã có sổ theo dõi điện tử" in page.locator("li[id='muc-3.1.1'] .reply").inner_text()
        _score(page, server, "1", "Chấp nhận giải trình")

        # the staff closes round 2 and publishes; the ranking and its workbook
        clock.at = CLOSE2
        _as(page, server, STAFF)
        _step(page, server, "close", "đã thẩm định xong")
        clock.at = PUBLISH
        _as(page, server, STAFF)
        _step(page, server, "publish", "đã công bố")
        page.locator("nav a[href='/tinh/xep-hang']").click()
        page.wait_for_url("**/tinh/xep-hang")
        row = page.locator("#unit-phu-huu").inner_text()
        assert row.split()[0] in ("1", "2") and "đã công bố" in row
        rank = row.split()[0]
        shot(page, "xep-hang.png")
        with page.expect_download() as info:
            page.locator("#tai-xlsx").click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.name == "xep-hang-cchc-tp-hcm-2020.xlsx"
        sheet = load_workbook(saved).active
        assert sheet is not None
        by_code = {sheet.cell(r, 2).value: sheet.cell(r, 1).value for r in range(3, 5)}
        assert by_code["phu-huu"] == int(rank)

        # the ward sees its own result and place; on a phone nothing is wider than the screen
        _as(page, server, NHUNG)
        page.set_viewport_size(VIEWPORTS["phone"])
        page.goto(server + "/tinh/xep-hang")
        assert page.locator("#hang").inner_text() == f"{rank}/2"
        shot(page, "xep-hang-don-vi-phone.png")
        for path in (WARD, "/tinh/xep-hang"):
            page.goto(server + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"], path
        _as(page, server, STAFF)
        for path in ("/tinh/tham-dinh", "/tinh/xep-hang", WARD):
            page.goto(server + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"], path
        assert not [e for e in errors if "Content Security Policy" in e], errors
