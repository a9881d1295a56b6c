"""The approval journey in a real browser (headless Chromium through Playwright), on a desktop
screen and on a phone (390×844): the officer uploads two documents (through the drop zone's
script, with its progress bar) and submits; the approver opens Chờ duyệt, opens the task,
rejects one document with a reason and returns the occurrence with a reason; the officer sees
the reasons, adds a document and resubmits; the approver accepts.

``CCHC_SCREENSHOTS=docs/img`` keeps the queue's screenshot there (``cho-duyet.png``, and
``cho-duyet-phone.png`` at the phone's size; ``duyet-tai-lieu.png``: the occurrence page as the
approver reviews its documents). Skipped without the browser, except with ``CI``.
"""

from __future__ import annotations

import pytest

from cchc.replay import minimal_pdf
from tests.web.browser import VIEWPORTS, browser_page, shot, sign_in
from tests.web.conftest import MAI, NHUNG

OCC = "/nhiem-vu/T.A3/2020"


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    shot(page, f"{name}.png")


def _pdf(name: str, text: str) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": minimal_pdf(text)}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_an_approver_rejects_a_document_returns_and_accepts_the_resubmission(
    server: str, screen: str
) -> None:
    from playwright.sync_api import expect

    with browser_page(VIEWPORTS[screen]) as (page, errors):

        def sign_out() -> None:
            page.click("form.signout button[type=submit]")
            page.wait_for_url(server + "/dang-nhap")

        def upload(*files: dict[str, object]) -> None:
            form = page.locator("form[data-dropzone]")
            expect(form).to_have_class("upload dropzone")  # the script took over
            expect(form.locator(".drop-hint")).to_be_visible()
            form.locator("input[type=file]").set_input_files(list(files))  # type: ignore[arg-type]
            with page.expect_navigation():
                form.locator("button[type=submit]").click()

        # the officer uploads two documents and submits
        sign_in(page, server, NHUNG)
        page.goto(server + OCC)
        upload(_pdf("bao-cao.pdf", "report"), _pdf("danh-muc.pdf", "listing"))
        uploads = page.locator(".documents .uploads")
        expect(uploads).to_contain_text("bao-cao.pdf")
        expect(uploads).to_contain_text("danh-muc.pdf")
        page.fill("form[action$='/submit'] textarea[name=reason]", "Còn thiếu báo cáo quý")
        page.click("form[action$='/submit'] button[type=submit]")
        expect(page.locator(".facts")).to_contain_text("đã nộp")
        sign_out()

        # the approver opens Chờ duyệt, opens the task, rejects one document and returns it
        sign_in(page, server, MAI)
        badge = page.locator("nav a[href='/cho-duyet'] .badge")
        expect(badge).to_have_text("1")
        page.click("nav a[href='/cho-duyet']")
        page.wait_for_url(server + "/cho-duyet")
        row = page.locator(".queue .item")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Phạm Thị Hồng Nhung nộp")
        expect(row).to_contain_text("Tài liệu: 2 chờ duyệt")
        _shot(page, "cho-duyet" if screen == "desktop" else "cho-duyet-phone")
        row.locator(f"a[href='{OCC}']").click()
        page.wait_for_url(server + OCC)
        listing = page.locator(".upload", has_text="danh-muc.pdf")
        listing.locator("input[name=reason]").fill("Danh mục chưa có chữ ký")
        listing.locator("form.reject button").click()
        page.wait_for_url(server + OCC + "#tai-lieu-*")
        expect(page.locator(".upload", has_text="danh-muc.pdf")).to_contain_text(
            "Danh mục chưa có chữ ký"
        )
        page.fill("form[action$='/return'] textarea[name=reason]", "Bổ sung danh mục có chữ ký")
        if screen == "desktop":
            _shot(page, "duyet-tai-lieu")
        page.click("form[action$='/return'] button[type=submit]")
        expect(page.locator(".facts")).to_contain_text("bị trả lại")
        if screen == "phone":  # nothing wider than the phone's screen
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS["phone"]["width"]
        sign_out()

        # the officer sees the reasons, adds a document and resubmits
        sign_in(page, server, NHUNG)
        page.goto(server + OCC)
        expect(page.locator(".facts")).to_contain_text("Bổ sung danh mục có chữ ký")
        expect(page.locator(".upload", has_text="danh-muc.pdf")).to_contain_text(
            "Danh mục chưa có chữ ký"
        )
        upload(_pdf("danh-muc-ky.pdf", "signed listing"))
        expect(page.locator(".documents .uploads")).to_contain_text("danh-muc-ky.pdf")
        page.fill("form[action$='/submit'] textarea[name=reason]", "Đã bổ sung danh mục")
        page.click("form[action$='/submit'] button[type=submit]")
        expect(page.locator(".facts")).to_contain_text("đã nộp")
        sign_out()

        # the approver accepts
        sign_in(page, server, MAI)
        page.click("nav a[href='/cho-duyet']")
        page.wait_for_url(server + "/cho-duyet")
        page.locator(f".queue a[href='{OCC}']").click()
        page.wait_for_url(server + OCC)
        page.click("form[action$='/accept']:not([action^='/tai-lieu']) button")
        expect(page.locator(".facts")).to_contain_text("đã chấp nhận")
        page.click("nav a[href='/cho-duyet']")
        page.wait_for_url(server + "/cho-duyet")
        expect(page.locator(".empty")).to_contain_text("Không có kết quả nào chờ bạn duyệt.")
        expect(page.locator("nav .badge")).to_have_count(0)
        assert not [e for e in errors if "Content Security Policy" in e], errors
