"""Cán bộ (``/quan-tri/can-bo``): the CCHC officer (or the chairman) sees the officers and
their holdings over time and who holds each position today; appoints, makes acting, delegates
and ends holdings and sees the open occurrences that moved; adds an officer; uploads a roster
(all or nothing, the bad rows listed); invites an officer or resets their sign-in (through the
outbox). A plain officer is refused, every form needs the CSRF token, HTML typed in is text."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from models import OutboxMessage
from tests.web.conftest import MAI, NHUNG, PASSWORD, PHAT, csrf_of

PAGE = "/quan-tri/can-bo"
SON = "son.dt@phuhuu.gov.vn"  # the office clerk
HUNG = "hung.nv@phuhuu.gov.vn"  # the chairman


def _form(client) -> str:  # type: ignore[no-untyped-def]
    return csrf_of(client.get(PAGE).text)


def _post(client, path: str, **data):  # type: ignore[no-untyped-def]
    return client.post(PAGE + path, data={"csrf_token": _form(client), **data})


def _officer_of(engine, task: str) -> str | None:  # type: ignore[no-untyped-def]
    from models import Occurrence, Officer

    with Session(engine) as s:
        occ = s.exec(select(Occurrence).where(Occurrence.task_code == task)).one()
        found = s.get(Officer, occ.officer_id) if occ.officer_id else None
        return found.email if found else None


def test_the_cchc_officer_sees_officers_holdings_and_todays_holders(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    page = client.get(PAGE)
    assert page.status_code == 200, page.text
    html = page.text
    assert "<h1>Cán bộ</h1>" in html
    assert "Huỳnh Tấn Phát" in html and PHAT in html and "0909000007" in html
    today = html.split('id="hom-nay"')[1].split("</section>")[0]
    assert "Chủ tịch" in today and "Nguyễn Văn Hùng" in today
    assert "Trần Thị Mai" in today and "lĩnh vực 3, 6, 7" in today
    assert "01/01/2020 – nay" in html
    for action in ("/giao", "/ket-thuc", "/them", "/nhap", "/moi", "/dat-lai"):
        assert f'action="{PAGE}{action}"' in html, action
    assert "đã có mật khẩu" in html and "chưa có mật khẩu" in html


def test_appointing_an_acting_cchc_officer_moves_her_open_work(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    assert _officer_of(engine, "T.A3") == NHUNG
    done = _post(client, "/giao", email=SON, position="cchc_officer", kind="acting",
                 acting_for=NHUNG, start="2020-06-08", end="2020-06-30")  # fmt: skip
    assert done.status_code == 200, done.text
    outcome = done.text.split('id="ket-qua"')[1].split("</section>")[0]
    assert "Đã giao Đỗ Thanh Sơn giữ quyền Công chức" in outcome
    assert "08/06/2020 đến 30/06/2020" in outcome
    assert "2 việc đang mở đã chuyển sang người giữ mới" in outcome
    assert "T.A3" in outcome and "T.LATE" in outcome and "→ Đỗ Thanh Sơn" in outcome
    assert "thay Phạm Thị Hồng Nhung" in outcome
    assert _officer_of(engine, "T.A3") == SON
    # Sơn stands in for her from today: she administers nothing until he stops, and is told so
    assert "không còn giữ chức danh được quản trị danh sách cán bộ" in done.text
    assert 'id="can-bo"' not in done.text
    assert client.get(PAGE).status_code == 403


def test_the_chairman_appoints_an_acting_cchc_officer_and_sees_the_work_move(  # type: ignore[no-untyped-def]
    client, sign_in, ward, engine
) -> None:
    _chairman_signs_in(ward, sign_in)
    done = _post(client, "/giao", email=SON, position="cchc_officer", kind="acting",
                 acting_for=NHUNG, start="2020-06-08")  # fmt: skip
    assert done.status_code == 200, done.text
    assert "2 việc đang mở đã chuyển" in done.text and "→ Đỗ Thanh Sơn" in done.text
    assert _officer_of(engine, "T.LATE") == SON
    today = done.text.split('id="hom-nay"')[1].split("</section>")[0]
    assert "Đỗ Thanh Sơn" in today and "quyền" in today and "thay Phạm Thị Hồng Nhung" in today
    held = done.text.split('id="can-bo"')[1]
    assert "08/06/2020 – nay" in held
    # the same appointment again moves nothing
    again = _post(client, "/giao", email=SON, position="cchc_officer", kind="acting",
                  acting_for=NHUNG, start="2020-06-08")  # fmt: skip
    assert again.status_code == 200, again.text
    assert "Không có việc đang mở nào phải chuyển" in again.text
    # a holding ends on its last day, never before it began
    early = _post(client, "/ket-thuc", email=SON, position="cchc_officer", on="2020-06-07")
    assert early.status_code == 404 and 'role="alert"' in early.text
    ended = _post(client, "/ket-thuc", email=SON, position="cchc_officer", on="2020-06-08")
    assert ended.status_code == 200, ended.text
    assert "Đỗ Thanh Sơn thôi giữ chức danh Công chức" in ended.text
    assert "08/06/2020 – 08/06/2020" in ended.text.split('id="can-bo"')[1]


def _chairman_signs_in(ward, sign_in) -> None:  # type: ignore[no-untyped-def]
    from application.access import Identity
    from application.identity import set_password
    from tests.web.conftest import NOW

    set_password(ward, Identity.operator("t"), email=HUNG, password=PASSWORD, now=NOW)
    sign_in(HUNG)


def test_a_delegation_with_a_scope_and_an_appointment_from_a_later_date(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    done = _post(client, "/giao", email=MAI, position="chairman", kind="delegate",
                 acting_for=HUNG, start="2020-06-10", end="2020-06-12", scope=["3", "6"])  # fmt: skip
    assert done.status_code == 200, done.text
    assert "Đã ủy quyền Chủ tịch" in done.text and "Trần Thị Mai" in done.text
    held = done.text.split('id="can-bo"')[1]
    assert "ủy quyền" in held and "lĩnh vực 3, 6" in held and "10/06/2020 – 12/06/2020" in held


def test_ending_a_holding_leaves_its_work_without_a_holder(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    done = _post(client, "/ket-thuc", email=PHAT, position="culture_info", on="2020-06-07")
    assert done.status_code == 200, done.text
    assert "Huỳnh Tấn Phát thôi giữ chức danh" in done.text and "07/06/2020" in done.text
    assert "1 việc đang mở đã chuyển" in done.text and "T.A9" in done.text
    assert _officer_of(engine, "T.A9") is None


def test_a_bad_date_or_a_rule_broken_is_said_on_the_page(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    bad = _post(client, "/giao", email=SON, position="cchc_officer", start="31/02/2020")
    assert bad.status_code == 422
    assert "Ngày không hợp lệ" in bad.text and 'role="alert"' in bad.text
    # two chairmen at once
    twice = _post(client, "/giao", email=SON, position="chairman", start="2020-06-08")
    assert twice.status_code == 409, twice.text
    assert 'role="alert"' in twice.text
    # the form keeps what was chosen
    assert f'<option value="{SON}" selected>' in twice.text


def test_a_roster_with_bad_rows_imports_nothing_and_lists_them(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    header = "name,email,phone,position,scope,from,to,kind,acting_for\n"
    bad = (
        header
        + "Cán bộ Mới,moi@phuhuu.gov.vn,,justice,,01/06/2020,,,\n"
        + "Không Email,khong-phai-email,,justice,,01/06/2020,,,\n"
        + "Sai Chức,sai@phuhuu.gov.vn,,no_such_position,,01/06/2020,,,\n"
    )
    files = {"file": ("can-bo.csv", bad.encode(), "text/csv")}
    refused = client.post(PAGE + "/nhap", data={"csrf_token": _form(client)}, files=files)
    assert refused.status_code == 422, refused.text
    alert = refused.text.split('role="alert"')[1].split("</div>")[0]
    assert "can-bo.csv" in alert and "khong-phai-email" in alert and "no_such_position" in alert
    assert "Cán bộ Mới" not in client.get(PAGE).text  # all or nothing
    good = header + "Cán bộ Mới,moi@phuhuu.gov.vn,0909,justice,,01/06/2020,,,\n"
    files = {"file": ("can-bo.csv", good.encode(), "text/csv")}
    done = client.post(PAGE + "/nhap", data={"csrf_token": _form(client)}, files=files)
    assert done.status_code == 200, done.text
    assert "Đã nhập danh sách can-bo.csv: 1 dòng, 1 cán bộ mới" in done.text
    assert "Cán bộ Mới" in done.text


def test_a_spreadsheet_or_no_file_is_refused_with_a_hint(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    files = {"file": ("can-bo.xlsx", b"PK\x03\x04", "application/octet-stream")}
    xlsx = client.post(PAGE + "/nhap", data={"csrf_token": _form(client)}, files=files)
    assert xlsx.status_code == 422 and "CSV UTF-8" in xlsx.text and "Gợi ý:" in xlsx.text
    none = client.post(PAGE + "/nhap", data={"csrf_token": _form(client)})
    assert none.status_code == 422 and "Chưa chọn tệp" in none.text


def test_an_added_officers_name_is_text_not_html(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    name = '<script>alert("x")</script>'
    done = _post(client, "/them", name=name, email="moi@phuhuu.gov.vn", phone="")
    assert done.status_code == 200, done.text
    assert "<script>alert" not in done.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in done.text
    assert "Đã thêm cán bộ" in done.text


def test_the_cchc_officer_invites_an_officer_through_the_outbox(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    done = _post(client, "/moi", email=SON)
    assert done.status_code == 200, done.text
    assert "Đã gửi thư mời đặt mật khẩu cho Đỗ Thanh Sơn" in done.text
    with Session(engine) as s:
        sent = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).all()
    assert [(m.recipient, m.channel) for m in sent] == [(SON, "email")]
    assert "/dat-mat-khau/" in sent[0].body
    assert "/dat-mat-khau/" not in done.text  # the link is for the officer's eyes only


def test_resetting_sign_in_ends_the_officers_sessions(app, client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app, follow_redirects=False) as phat:
        form = phat.get("/dang-nhap")
        phat.post("/dang-nhap", data={"email": PHAT, "password": PASSWORD,
                                      "csrf_token": csrf_of(form.text)})  # fmt: skip
        assert phat.get("/").status_code == 200
        sign_in(NHUNG)
        done = _post(client, "/dat-lai", email=PHAT)
        assert done.status_code == 200, done.text
        assert "kết thúc 1 phiên đăng nhập" in done.text
        assert phat.get("/").status_code == 303  # signed out
    with Session(engine) as s:
        sent = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).all()
    assert [m.recipient for m in sent] == [PHAT]


@pytest.mark.parametrize(
    "path, data",
    [
        ("", None),
        ("/giao", {"email": SON, "position": "cchc_officer", "start": "2020-06-08"}),
        ("/ket-thuc", {"email": NHUNG, "position": "cchc_officer", "on": "2020-06-08"}),
        ("/them", {"name": "X", "email": "x@phuhuu.gov.vn"}),
        ("/moi", {"email": PHAT}),
        ("/dat-lai", {"email": NHUNG}),
    ],
)
def test_a_plain_officer_is_refused_and_nothing_changes(
    client, sign_in, engine, path, data
) -> None:  # type: ignore[no-untyped-def]
    sign_in(PHAT)
    csrf = csrf_of(client.get("/ho-so").text)
    if data is None:
        response = client.get(PAGE)
    else:
        response = client.post(PAGE + path, data={"csrf_token": csrf, **data})
    assert response.status_code == 403, response.text
    assert "Không được phép" in response.text
    assert _officer_of(engine, "T.A3") == NHUNG
    with Session(engine) as s:
        assert not s.exec(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).all()


@pytest.mark.parametrize("path", ["/giao", "/ket-thuc", "/them", "/nhap", "/moi", "/dat-lai"])
def test_every_form_needs_the_csrf_token(client, sign_in, engine, path: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    data = {"email": SON, "position": "cchc_officer", "kind": "acting", "acting_for": NHUNG,
            "start": "2020-06-08", "on": "2020-06-08", "name": "X"}  # fmt: skip
    response = client.post(PAGE + path, data=data)
    assert response.status_code == 403
    assert _officer_of(engine, "T.A3") == NHUNG
