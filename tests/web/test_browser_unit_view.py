"""From the units side by side into one unit's own page, in a real browser (headless
Chromium): the district's CCHC officer opens ``/tinh/tien-do``, clicks Phú Hữu's "Tiến độ" and
reads the ward's progress read-only — the banner, the bars, who owes what, no button — then
goes back by the banner's link."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from application.access import Identity
from application.identity import set_password
from application.settings import Settings
from application.uow import UnitOfWork
from tests.web.browser import VIEWPORTS, browser_page, sign_in
from tests.web.conftest import NOW, PASSWORD, local
from tests.web.test_unit_view_pages import TUAN, _roster

MONDAY = local(2020, 6, 15, 9)


@pytest.fixture
def app(ward, engine, db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.web.apps import web_app

    with Session(engine) as session:
        _roster(session, "quan-9", f"Nguyễn Văn Tuấn,{TUAN},0909000099,cchc_officer,,01/01/2020,,,")
        session.commit()
    set_password(UnitOfWork(engine), Identity.operator("t"), email=TUAN, password=PASSWORD, now=NOW)
    settings = Settings(home=tmp_path / "home", database_url=db_url, lang="vi")
    return web_app(settings, engine=engine, now=lambda: MONDAY)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_district_officer_clicks_into_a_wards_progress(server: str) -> None:
    with browser_page(VIEWPORTS["desktop"]) as (page, errors):
        sign_in(page, server, TUAN, lands="/tinh/tien-do")
        page.goto(server + "/tinh/tien-do?nam=2020")
        page.locator("#unit-phu-huu .unit-links a", has_text="Tiến độ").click()
        page.wait_for_url("**/tien-do?don_vi=phu-huu&nam=2020")
        banner = page.locator("#viewing")
        assert "Đang xem đơn vị UBND phường Phú Hữu (chỉ đọc)" in banner.inner_text()
        assert page.locator("h1").inner_text() == "Tiến độ"
        assert page.locator("meter").count() >= 10
        assert "T.A9" in page.locator("#owed").inner_text()
        assert page.locator("main form").count() == 0
        assert page.locator("main button").count() == 0
        banner.locator("a", has_text="Về tiến độ các đơn vị").click()
        page.wait_for_url("**/tinh/tien-do?nam=2020")
        assert page.locator("#unit-phu-huu").is_visible()
        assert not [e for e in errors if "Content Security Policy" in e], errors
