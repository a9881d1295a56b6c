"""Tự đánh giá in a real browser (headless Chromium), on a desktop screen and on a phone
(390×844): the CCHC officer Nhung opens an area, scores two items with their reasons and sees
them saved; the chairman downloads the submission pack (a ZIP), submits with his password
and sees the snapshot's hash; an edit after that is refused (409). ``CCHC_SCREENSHOTS=docs/img``
keeps ``tu-danh-gia.png``, ``tu-danh-gia-nop.png``, ``tu-danh-gia-da-nop.png`` (desktop) and
their ``-phone`` versions."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from application.access import Identity
from application.uow import UnitOfWork
from tests.web.browser import VIEWPORTS, browser_page, shot, sign_in
from tests.web.conftest import NHUNG, NOW, PASSWORD

HUNG = "hung.nv@phuhuu.gov.vn"  # the chairman of the demo roster


@pytest.fixture(autouse=True)
def framework(roster, session, bundled_framework, engine) -> None:  # type: ignore[no-untyped-def]
    """The bundled PAR framework the plan names is stored; the chairman has a password."""
    from application.identity import set_password
    from storage.frameworks import load_framework

    load_framework(bundled_framework, session=session, actor="test", now=NOW)
    session.commit()
    set_password(
        UnitOfWork(engine), Identity.operator("test"), email=HUNG, password=PASSWORD, now=NOW
    )


def _shot(page, name: str, screen: str) -> None:  # type: ignore[no-untyped-def]
    shot(page, f"{name}.png" if screen == "desktop" else f"{name}-{screen}.png")


def _score(page, item: str, points: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    line = page.locator(f"li[id='muc-{item}']")
    line.locator("details.par-edit > summary").click()
    form = line.locator("form[action$='/diem']")
    form.locator("input[name=diem]").fill(points)
    form.locator("input[name=ly_do]").fill(reason)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/tu-danh-gia\?.*ghi=" + re.escape(item) + ".*"))
    assert f"Đã ghi tiêu chí {item}." in page.locator("[role=status]").inner_text()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_the_officer_scores_and_the_chairman_exports_and_submits(
    server: str, screen: str, tmp_path: Path
) -> None:
    with browser_page(VIEWPORTS[screen]) as (page, errors):
        sign_in(page, server, NHUNG)
        page.goto(server + "/tu-danh-gia")
        assert page.locator("h1").inner_text() == "Tự đánh giá"
        page.locator("#linh-vuc-A1 > summary").click()
        assert page.locator("li[id='muc-1.1.2']").is_visible()
        _score(page, "1.1.2", "0,5", "Chưa bố trí đủ kinh phí")
        _score(page, "1.1.3", "1", "Phụ lục phân công đầy đủ")
        line = page.locator("li[id='muc-1.1.3']")
        assert "Phụ lục phân công đầy đủ" in line.inner_text()
        assert line.locator(".par-self").inner_text() == "1"
        _shot(page, "tu-danh-gia", screen)
        page.locator("form.signout button").click()
        page.wait_for_url("**/dang-nhap**")

        sign_in(page, server, HUNG)
        page.goto(server + "/tu-danh-gia")
        with page.expect_download() as info:
            page.locator("a[href^='/tu-danh-gia/ho-so.zip']").click()
        download = info.value
        assert download.suggested_filename.endswith(".zip")
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        names = zipfile.ZipFile(io.BytesIO(saved.read_bytes())).namelist()
        assert any(n.endswith(".xlsx") for n in names), names

        page.locator("a[href^='/tu-danh-gia/nop']").click()
        page.wait_for_url("**/tu-danh-gia/nop**")
        assert "được chụp lại và khóa" in page.locator("main").inner_text()
        _shot(page, "tu-danh-gia-nop", screen)
        page.fill("input[name=password]", PASSWORD)
        page.locator("#nop button[type=submit]").click()
        page.wait_for_url("**/tu-danh-gia?**nop=1**")
        sha = page.locator("#par-hash").inner_text()
        assert re.fullmatch(r"[0-9a-f]{64}", sha)
        assert sha in page.locator("[role=status]").inner_text()
        assert page.locator("form[action$='/diem']").count() == 0
        _shot(page, "tu-danh-gia-da-nop", screen)

        token = page.locator("form.signout input[name=csrf_token]").input_value()
        refused = page.request.post(
            server + "/tu-danh-gia/1.1.2/diem",
            form={"csrf_token": token, "nam": "2020", "diem": "1", "ly_do": "sau khi nộp"},
        )
        assert refused.status == 409
        assert "đã nộp và bị khóa" in refused.text()
        if screen == "phone":  # nothing wider than the phone's screen
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"]
        assert not [e for e in errors if "Content Security Policy" in e], errors
