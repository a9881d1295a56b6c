"""The web pages as an officer uses them: sign in and out, my work, one occurrence, upload,
submit, review — and the security around them (sessions, CSRF, escaping, headers)."""

from __future__ import annotations

from cchc.replay import minimal_pdf
from tests.web.conftest import MAI, NHUNG, PHAT, csrf_of

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy")


def assert_secure(response) -> None:  # type: ignore[no-untyped-def]
    for name in SECURITY_HEADERS:
        assert name in response.headers, (response.request.url, name)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_every_response_carries_the_security_headers(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    for path in ("/healthz", "/dang-nhap", "/", "/api/v1/me", "/static/app.css", "/nope"):
        assert_secure(client.get(path))
    assert_secure(sign_in(NHUNG))
    assert_secure(client.get("/"))


def test_healthz_answers_without_identity(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_pages_send_a_stranger_to_sign_in_and_the_api_answers_401(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/nhiem-vu/T.A3/2020")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/dang-nhap")
    api = client.get("/api/v1/tasks")
    assert api.status_code == 401
    assert "error" in api.json()


def test_an_officer_signs_in_sees_only_their_tasks_and_signs_out(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    response = sign_in(NHUNG)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "cchc_session=" in c)
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain http here: no CCHC_BASE_URL with https
    page = client.get("/")
    assert page.status_code == 200
    assert "Việc của tôi" in page.text
    assert "T.A3" in page.text and "T.LATE" in page.text
    assert "T.A9" not in page.text  # Phát's
    assert "Phạm Thị Hồng Nhung" in page.text
    assert "/nhiem-vu/T.A3/2020" in page.text
    old = client.cookies.get("cchc_session")
    out = client.post("/dang-xuat", data={"csrf_token": csrf_of(page.text)})
    assert out.status_code == 303
    client.cookies.set("cchc_session", old)  # the old cookie no longer opens anything
    assert client.get("/").status_code == 303


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    wrong = sign_in(NHUNG, "not-the-password-1")
    unknown = sign_in("nobody@phuhuu.gov.vn", "not-the-password-1")
    assert wrong.status_code == unknown.status_code == 401
    assert "cchc_session" not in wrong.headers.get("set-cookie", "")
    message = wrong.text.split('role="alert"')[1].split("</")[0]
    assert message == unknown.text.split('role="alert"')[1].split("</")[0]


def test_session_fixation_a_new_session_id_at_every_sign_in(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    client.cookies.set("cchc_session", "chosen-by-an-attacker", domain="testserver.local")
    sign_in(NHUNG)
    first = client.cookies.get("cchc_session")
    assert first and first != "chosen-by-an-attacker"
    sign_in(NHUNG)
    assert client.cookies.get("cchc_session") != first


def test_a_post_without_the_csrf_token_is_refused(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    form = client.get("/dang-nhap")
    refused = client.post("/dang-nhap", data={"email": NHUNG, "password": "x" * 12})
    assert refused.status_code == 403
    sign_in(NHUNG)
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post("/nhiem-vu/T.A3/2020/submit", data={**data, "reason": "x"})
        assert response.status_code == 403
    assert client.post("/dang-xuat").status_code == 403
    assert client.get("/").status_code == 200  # still signed in: the sign-out was refused
    headers = {"X-CSRF-Token": csrf_of(client.get("/").text)}
    ok = client.post("/nhiem-vu/T.A3/2020/submit", data={"reason": "Chưa có"}, headers=headers)
    assert ok.status_code == 303
    assert form.status_code == 200


def test_an_officer_cannot_act_on_another_officers_task(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    token = csrf_of(client.get("/").text)
    page = client.post("/nhiem-vu/T.A9/2020/submit", data={"csrf_token": token, "reason": "x"})
    assert page.status_code == 403
    alert = page.text.split('role="alert"')[1].split("</p>")[0]
    assert "T.A9" in alert  # the refusal names the task, the rule and who may
    api = client.post(
        "/api/v1/occurrences/T.A9/2020/submit",
        json={"reason": "x"},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 403
    assert api.json()["error"]
    shown = client.get("/api/v1/occurrences/T.A9/2020")
    assert shown.json()["status"] == "open"


def test_an_officer_uploads_submits_and_the_approver_returns_with_a_reason(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    page = client.get("/nhiem-vu/T.A3/2020")
    assert page.status_code == 200
    assert "Hình ảnh niêm yết TTHC" in page.text  # a required document
    token = csrf_of(page.text)
    uploaded = client.post(
        "/nhiem-vu/T.A3/2020/tai-lieu",
        data={
            "csrf_token": token,
            "requirement": "1",
            "doc_number": "12/BC-UBND",
            "issuer": "UBND phường Phú Hữu",
            "summary": "Ảnh niêm yết",
        },
        files=[
            ("files", ("anh-1.pdf", minimal_pdf("one"), "application/pdf")),
            ("files", ("anh-2.pdf", minimal_pdf("two"), "application/pdf")),
        ],
    )
    assert uploaded.status_code == 303, uploaded.text
    page = client.get("/nhiem-vu/T.A3/2020")
    assert "anh-1.pdf" in page.text and "anh-2.pdf" in page.text
    submitted = client.post(
        "/nhiem-vu/T.A3/2020/submit",
        data={"csrf_token": token, "reason": "Hai tài liệu còn lại nộp sau"},
    )
    assert submitted.status_code == 303
    client.post("/dang-xuat", data={"csrf_token": token})

    sign_in(MAI)
    mine = client.get("/")
    assert "T.A3" in mine.text  # waiting for my approval
    token = csrf_of(mine.text)
    returned = client.post(
        "/nhiem-vu/T.A3/2020/return",
        data={"csrf_token": token, "reason": "<script>alert('x')</script> thiếu báo cáo"},
    )
    assert returned.status_code == 303
    client.post("/dang-xuat", data={"csrf_token": token})

    sign_in(NHUNG)
    page = client.get("/nhiem-vu/T.A3/2020")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(" in page.text
    assert "T.A3" in client.get("/").text


def test_the_page_is_in_english_for_an_officer_who_prefers_it(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session, select

    from models import Officer

    with Session(engine) as s:
        officer = s.exec(select(Officer).where(Officer.email == PHAT)).one()
        officer.lang = "en"
        s.add(officer)
        s.commit()
    sign_in(PHAT)
    page = client.get("/")
    assert "My work" in page.text and "T.A9" in page.text
    assert "Việc của tôi" not in page.text
    assert client.get("/api/v1/occurrences/T.A3/2020/nope").status_code == 404


def test_five_failures_lock_the_account_and_the_page_says_so(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        assert sign_in(NHUNG, "not-the-password-1").status_code == 401
    locked = sign_in(NHUNG)  # even the right password, for fifteen minutes
    assert locked.status_code == 429
    assert 'role="alert"' in locked.text
    assert "cchc_session" not in locked.headers.get("set-cookie", "")
    assert client.get("/").status_code == 303


def test_the_session_cookie_is_secure_when_the_public_address_is_https(
    ward, engine, db_url: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from application.settings import Settings
    from tests.web.conftest import NOW, PASSWORD
    from web.app import create_app

    settings = Settings(
        home=tmp_path / "h", database_url=db_url, base_url="https://cchc.phuhuu.gov.vn"
    )
    app = create_app(settings, engine=engine, now=lambda: NOW)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        form = client.get("/dang-nhap")
        signed = client.post(
            "/dang-nhap",
            data={"email": NHUNG, "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        )
    cookie = next(c for c in signed.headers.get_list("set-cookie") if "cchc_session=" in c)
    assert "secure" in cookie.lower()


def test_html_in_an_officers_name_is_shown_as_text(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session, select

    from models import Officer

    with Session(engine) as s:
        officer = s.exec(select(Officer).where(Officer.email == NHUNG)).one()
        officer.name = "Nhung <img src=x onerror=alert(1)>"
        s.add(officer)
        s.commit()
    sign_in(NHUNG)
    for path in ("/", "/nhiem-vu/T.A3/2020"):
        text = client.get(path).text
        assert "<img src=x" not in text
        assert "Nhung &lt;img src=x onerror=alert(1)&gt;" in text


def test_only_the_chairman_sees_the_waive_form_and_waives_with_a_reason(
    client, sign_in, engine
) -> None:  # type: ignore[no-untyped-def]
    from application.access import Identity
    from application.identity import set_password
    from application.uow import UnitOfWork
    from tests.web.conftest import NOW, PASSWORD

    hung = "hung.nv@phuhuu.gov.vn"  # the chairman
    set_password(
        UnitOfWork(engine), Identity.operator("test"), email=hung, password=PASSWORD, now=NOW
    )
    sign_in(NHUNG)
    assert "/nhiem-vu/T.A3/2020/waive" not in client.get("/nhiem-vu/T.A3/2020").text
    token = csrf_of(client.get("/").text)
    refused = client.post("/nhiem-vu/T.A3/2020/waive", data={"csrf_token": token, "reason": "x"})
    assert refused.status_code == 403
    client.post("/dang-xuat", data={"csrf_token": token})

    sign_in(hung)
    page = client.get("/nhiem-vu/T.A3/2020")
    assert 'action="/nhiem-vu/T.A3/2020/waive"' in page.text
    waived = client.post(
        "/nhiem-vu/T.A3/2020/waive",
        data={"csrf_token": csrf_of(page.text), "reason": "Không phát sinh trong kỳ"},
    )
    assert waived.status_code == 303, waived.text
    after = client.get("/nhiem-vu/T.A3/2020").text
    assert "Không phát sinh trong kỳ" in after
    assert 'action="/nhiem-vu/T.A3/2020/waive"' not in after


def test_the_forms_offered_are_the_ones_the_policy_allows(client, sign_in, ward) -> None:  # type: ignore[no-untyped-def]
    """A support position may add documents (the one-stop desk supports T.A3) but not submit;
    the lead may do both; the approver neither, before a submission."""
    from application.access import Identity
    from application.identity import set_password
    from tests.web.conftest import NOW, PASSWORD

    anh = "anh.btn@phuhuu.gov.vn"
    set_password(ward, Identity.operator("test"), email=anh, password=PASSWORD, now=NOW)
    seen = {}
    for email in (anh, NHUNG, MAI):
        client.cookies.clear()
        sign_in(email)
        html = client.get("/nhiem-vu/T.A3/2020").text
        seen[email] = ("/tai-lieu" in html, 'action="/nhiem-vu/T.A3/2020/submit"' in html)
    assert seen == {anh: (True, False), NHUNG: (True, True), MAI: (False, False)}
