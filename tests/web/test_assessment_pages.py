"""Tự đánh giá (/tu-danh-gia): the CCHC officer reads the tree and enters scores, reasons,
explanations, appraisal rounds, bonus and penalty (over a cap: refused, naming it); the pack
downloads as a ZIP; the chairman submits with his password again and sees the hash; an edit
after that is refused (409) until he reopens it. A plain officer is refused (403); every POST
needs the form's CSRF token; what people type is escaped."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from application.access import Identity
from application.uow import UnitOfWork
from tests.web.conftest import MAI, NHUNG, NOW, PASSWORD, PHAT, csrf_of

HUNG = "hung.nv@phuhuu.gov.vn"  # the chairman of the demo roster
PAGE = "/tu-danh-gia"


@pytest.fixture(autouse=True)
def framework(roster, session, bundled_framework) -> None:  # type: ignore[no-untyped-def]
    """The bundled PAR framework, which the plan names, is stored."""
    from storage.frameworks import load_framework

    load_framework(bundled_framework, session=session, actor="test", now=NOW)
    session.commit()


@pytest.fixture
def chairman(ward: UnitOfWork, engine) -> str:  # type: ignore[no-untyped-def]
    from application.identity import set_password

    set_password(
        UnitOfWork(engine), Identity.operator("test"), email=HUNG, password=PASSWORD, now=NOW
    )
    return HUNG


def _form(client, path: str = PAGE) -> str:  # type: ignore[no-untyped-def]
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _score(client, item: str, **fields: str):  # type: ignore[no-untyped-def]
    token = _form(client)
    return client.post(f"{PAGE}/{item}/diem", data={"csrf_token": token, "nam": "2020", **fields})


def test_the_cchc_officer_reads_the_framework_as_a_tree(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    page = client.get(PAGE)
    assert page.status_code == 200, page.text
    html = page.text
    assert "<h1>Tự đánh giá</h1>" in html
    assert 'id="linh-vuc-A1"' in html and "<details" in html
    assert 'id="muc-1.1.1"' in html and "Ban hành kế hoạch CCHC năm" in html
    text = _text(html)
    assert "Chỉ số, xếp loại" in text and "Tổng điểm" in text
    assert "Căn cứ gợi ý: chưa chọn mức" in text
    assert "Đang soạn: chưa nộp." in text
    assert "tối đa 2 điểm" in text  # the bonus's cap, shown before saving
    assert f'href="{PAGE}/ho-so.zip?nam=2020"' in html
    assert f'href="{PAGE}/nop' not in html  # submitting is the chairman's


def test_a_self_score_needs_its_reason_and_shows_on_the_page(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    refused = _score(client, "1.1.2", diem="1", ly_do="")
    assert refused.status_code == 422
    assert "lý do" in _text(refused.text).lower()
    done = _score(client, "1.1.2", diem="0,5", ly_do="Thiếu dự toán <b>kinh phí</b>")
    assert done.status_code == 303
    assert done.headers["location"].startswith(PAGE + "?")
    page = client.get(done.headers["location"].split("#")[0])
    assert "Đã ghi tiêu chí 1.1.2." in page.text
    item = page.text.split('id="muc-1.1.2"')[1].split("</li>")[0]
    assert "Thiếu dự toán &lt;b&gt;kinh phí&lt;/b&gt;" in item  # escaped
    assert "<b>kinh phí</b>" not in page.text
    assert 'class="par-self">0,5<' in item


def test_a_score_over_the_item_maximum_is_refused(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    refused = _score(client, "1.1.2", diem="3", ly_do="x")
    assert refused.status_code == 422
    assert "phải từ 0 đến 1" in _text(refused.text)
    bad = _score(client, "1.1.2", diem="mot", ly_do="x")
    assert bad.status_code == 422 and "không phải là số" in bad.text


def test_bonus_over_its_cap_is_refused_naming_the_cap(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    token = _form(client)
    over = client.post(
        PAGE + "/cong-tru",
        data={"csrf_token": token, "nam": "2020", "thuong": "5", "ly_do_thuong": "Sáng kiến"},
    )
    assert over.status_code == 422
    assert "vượt mức tối đa 2" in _text(over.text)
    page = client.get(PAGE)
    assert 'name="thuong" value="0"' in page.text  # nothing saved
    ok = client.post(
        PAGE + "/cong-tru",
        data={"csrf_token": token, "nam": "2020", "thuong": "1,5", "ly_do_thuong": "Sáng kiến"},
    )
    assert ok.status_code == 303
    assert 'name="thuong" value="1.5"' in client.get(PAGE).text


def test_explanation_and_appraisal_rounds_are_entered(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    token = _form(client)
    done = client.post(
        PAGE + "/1.1.3/giai-trinh",
        data={"csrf_token": token, "nam": "2020", "giai_trinh": "Kế hoạch số 12"},
    )
    assert done.status_code == 303
    appraised = client.post(
        PAGE + "/1.1.3/tham-dinh",
        data={"csrf_token": token, "nam": "2020", "vong_1": "0,5", "vong_2": "1"},
    )
    assert appraised.status_code == 303
    page = client.get(PAGE)
    item = page.text.split('id="muc-1.1.3"')[1].split("</li>")[0]
    assert "Giải trình: Kế hoạch số 12" in _text(item)
    assert 'name="vong_1" value="0.5"' in item and 'name="vong_2" value="1"' in item
    assert 'id="par-appraised"' in page.text


def test_the_pack_downloads_as_a_zip(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    pack = client.get(PAGE + "/ho-so.zip?nam=2020")
    assert pack.status_code == 200
    assert pack.headers["content-type"] == "application/zip"
    assert "attachment" in pack.headers["content-disposition"]
    names = zipfile.ZipFile(io.BytesIO(pack.content)).namelist()
    assert any(n.endswith(".xlsx") for n in names), names
    assert any(n.endswith(".docx") for n in names), names
    assert any("manifest" in n.lower() or "danh-muc" in n.lower() for n in names), names


def test_the_chairman_submits_with_his_password_and_an_edit_after_is_refused(  # type: ignore[no-untyped-def]
    client, sign_in, chairman
) -> None:
    sign_in(chairman)
    confirm = client.get(PAGE + "/nop?nam=2020")
    assert confirm.status_code == 200
    assert "được chụp lại và khóa" in confirm.text
    assert 'type="password" name="password"' in confirm.text
    token = csrf_of(confirm.text)
    wrong = client.post(
        PAGE + "/nop", data={"csrf_token": token, "nam": "2020", "password": "sai-mat-khau-123"}
    )
    assert wrong.status_code == 422
    assert "Đang soạn" not in wrong.text and 'type="password"' in wrong.text
    assert "Đang soạn: chưa nộp." in client.get(PAGE).text  # nothing frozen
    done = client.post(
        PAGE + "/nop", data={"csrf_token": token, "nam": "2020", "password": PASSWORD}
    )
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    sha = re.search(r'id="par-hash">([0-9a-f]{64})<', page.text)
    assert sha, page.text
    assert f"Mã băm: {sha.group(1)}" in page.text
    assert 'action="/tu-danh-gia/1.1.1/diem"' not in page.text  # no more forms
    again = _score(client, "1.1.2", diem="1", ly_do="sau khi nộp")
    assert again.status_code == 409
    assert "đã nộp và bị khóa" in _text(again.text)
    twice = client.post(
        PAGE + "/nop", data={"csrf_token": token, "nam": "2020", "password": PASSWORD}
    )
    assert twice.status_code == 409

    reopen = client.get(PAGE + "/mo-lai?nam=2020")
    assert reopen.status_code == 200
    no_reason = client.post(PAGE + "/mo-lai", data={"csrf_token": token, "nam": "2020"})
    assert no_reason.status_code == 422
    opened = client.post(
        PAGE + "/mo-lai", data={"csrf_token": token, "nam": "2020", "ly_do": "Sửa 1.1.2"}
    )
    assert opened.status_code == 303
    assert "Đã mở lại bản tự đánh giá năm 2020." in client.get(opened.headers["location"]).text
    assert _score(client, "1.1.2", diem="1", ly_do="sau khi mở lại").status_code == 303


def test_guessing_the_password_at_the_submit_form_is_stopped_as_at_sign_in(  # type: ignore[no-untyped-def]
    client, sign_in, chairman
) -> None:
    """A session left open must not let anyone guess the chairman's password: five wrong
    passwords at the submit form lock the account as five wrong sign-ins do."""
    sign_in(chairman)
    token = csrf_of(client.get(PAGE + "/nop?nam=2020").text)
    form = {"csrf_token": token, "nam": "2020"}
    for n in range(5):
        wrong = client.post(PAGE + "/nop", data={**form, "password": f"doan-mo-{n:04d}"})
        assert wrong.status_code == 422, (n, wrong.status_code)
    locked = client.post(PAGE + "/nop", data={**form, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Đang soạn: chưa nộp." in client.get(PAGE).text  # the right password, but not now
    client.post("/dang-xuat", data={"csrf_token": token})
    again = sign_in(chairman, PASSWORD)
    assert again.status_code == 429, "the sign-in form is locked for the account too"


def test_only_the_chairman_submits_or_reopens(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    token = _form(client)
    for path in ("/nop?nam=2020", "/mo-lai?nam=2020"):
        refused = client.get(PAGE + path)
        assert refused.status_code == 403, path
        assert "Chủ tịch" in refused.text
    refused = client.post(
        PAGE + "/nop", data={"csrf_token": token, "nam": "2020", "password": PASSWORD}
    )
    assert refused.status_code == 403


@pytest.mark.parametrize("who", [PHAT, MAI])
def test_a_plain_officer_is_refused(client, sign_in, who: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(who)
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE + "/ho-so.zip").status_code == 403
    token = csrf_of(client.get("/").text)
    refused = client.post(
        PAGE + "/1.1.2/diem", data={"csrf_token": token, "nam": "2020", "diem": "1", "ly_do": "x"}
    )
    assert refused.status_code == 403


def test_every_change_needs_the_csrf_token(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    for path, data in (
        ("/1.1.2/diem", {"diem": "1", "ly_do": "x"}),
        ("/1.1.2/giai-trinh", {"giai_trinh": "x"}),
        ("/1.1.2/tham-dinh", {"vong_1": "1"}),
        ("/cong-tru", {"thuong": "1"}),
        ("/nop", {"password": PASSWORD}),
        ("/mo-lai", {"ly_do": "x"}),
    ):
        response = client.post(PAGE + path, data={"nam": "2020", **data})
        assert response.status_code == 403, path
    assert "Đã ghi" not in client.get(PAGE).text


def test_with_two_step_sign_in_submitting_needs_the_code_too(  # type: ignore[no-untyped-def]
    client, sign_in, chairman, engine
) -> None:
    import datetime as dt

    import pyotp

    from application.totp import begin_totp, confirm_totp

    sign_in(chairman)  # signed in before two-step sign-in is on
    me = Identity.officer(chairman)
    secret = begin_totp(UnitOfWork(engine), me, now=NOW).secret
    earlier = NOW - dt.timedelta(seconds=30)
    confirm_totp(UnitOfWork(engine), me, code=pyotp.TOTP(secret).at(earlier), now=earlier)
    token = _form(client, PAGE + "/nop?nam=2020")
    form = {"csrf_token": token, "nam": "2020", "password": PASSWORD}
    without = client.post(PAGE + "/nop", data=form)
    assert without.status_code == 422
    assert "Mã xác thực không đúng" in without.text
    assert "Đang soạn: chưa nộp." in client.get(PAGE).text
    done = client.post(PAGE + "/nop", data={**form, "code": pyotp.TOTP(secret).at(NOW)})
    assert done.status_code == 303
    assert 'id="par-hash"' in client.get(done.headers["location"]).text
