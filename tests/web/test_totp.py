"""Xác thực hai bước on the web: the chairman turns it on from Hồ sơ cá nhân, and from then on
signing in asks for the authenticator's code on a second page (``/dang-nhap/ma-xac-thuc``)
before any session exists. The pages' clock can be moved (``clock``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyotp
import pytest

from application.access import Identity
from application.settings import Settings
from application.uow import UnitOfWork
from tests.web.conftest import MAI, NOW, PASSWORD, csrf_of

HUNG = "hung.nv@phuhuu.gov.vn"  # the chairman
CODE_PAGE = "/dang-nhap/ma-xac-thuc"
SECTION = "/ho-so/xac-thuc-hai-buoc"
SECRET = re.compile(r'data-totp-secret="([A-Z2-7]+)"')


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(ward: UnitOfWork, engine, db_url: str, tmp_path: Path, clock: Clock):  # type: ignore[no-untyped-def]
    """The pages on a clock the test moves; the chairman Hùng has a password too."""
    from application.identity import set_password
    from tests.web.apps import web_app

    set_password(UnitOfWork(engine), Identity.operator("test"), email=HUNG, password=PASSWORD,
                 now=NOW)  # fmt: skip
    settings = Settings(home=tmp_path / "home", database_url=db_url, lang="vi")
    return web_app(settings, engine=engine, now=clock)


def _enable(client) -> pyotp.TOTP:  # type: ignore[no-untyped-def]
    """Turn two-step sign-in on from the profile page; the authenticator app it set up."""
    profile = client.get("/ho-so")
    assert "Xác thực hai bước" in profile.text
    begun = client.post(SECTION, data={"csrf_token": csrf_of(profile.text)})
    assert begun.status_code == 303
    shown = client.get("/ho-so").text
    found = SECRET.search(shown)
    assert found, "the secret is shown while the enrolment waits for its first code"
    assert "otpauth://totp/" in shown and f'src="{SECTION}/ma-qr.svg"' in shown
    app = pyotp.TOTP(found.group(1))
    confirmed = client.post(
        SECTION + "/xac-nhan", data={"csrf_token": csrf_of(shown), "code": app.at(NOW)}
    )
    assert confirmed.status_code == 303
    after = client.get("/ho-so").text
    assert not SECRET.search(after) and found.group(1) not in after  # never shown again
    assert f'action="{SECTION}/tat"' in after
    return app


def _sign_out(client) -> None:  # type: ignore[no-untyped-def]
    csrf = csrf_of(client.get("/ho-so").text)
    assert client.post("/dang-xuat", data={"csrf_token": csrf}).status_code == 303
    client.cookies.clear()


def _code(client, code: str):  # type: ignore[no-untyped-def]
    form = client.get(CODE_PAGE)
    return client.post(CODE_PAGE, data={"csrf_token": csrf_of(form.text), "code": code})


def test_after_enabling_signing_in_needs_the_code(client, sign_in, clock) -> None:  # type: ignore[no-untyped-def]
    sign_in(HUNG)
    app = _enable(client)
    _sign_out(client)
    clock.now = NOW + dt.timedelta(minutes=10)
    password = sign_in(HUNG)
    assert password.status_code == 303 and password.headers["location"].startswith(CODE_PAGE)
    assert "cchc_session" not in password.cookies  # no session before the code
    assert client.get("/").status_code == 303  # still a stranger
    form = client.get(CODE_PAGE)
    assert form.status_code == 200 and 'name="code"' in form.text
    assert 'autocomplete="one-time-code"' in form.text
    done = _code(client, app.at(clock.now))
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert done.cookies.get("cchc_session")
    assert client.get("/").status_code == 200


def test_a_wrong_or_reused_code_is_refused(client, sign_in, clock) -> None:  # type: ignore[no-untyped-def]
    sign_in(HUNG)
    app = _enable(client)
    _sign_out(client)
    clock.now = NOW + dt.timedelta(minutes=10)
    sign_in(HUNG)
    code = app.at(clock.now)
    wrong = _code(client, "000000" if code != "000000" else "111111")
    assert wrong.status_code == 401 and 'role="alert"' in wrong.text
    assert "Mã xác thực không đúng" in wrong.text
    assert client.get("/").status_code == 303
    assert _code(client, code).status_code == 303  # the step is still there for the right one
    _sign_out(client)
    clock.now += dt.timedelta(seconds=10)  # the same 30 seconds: the same code
    sign_in(HUNG)
    reused = _code(client, code)
    assert reused.status_code == 401 and "đã được dùng" in reused.text


def test_five_wrong_codes_refuse_further_attempts(client, sign_in, clock) -> None:  # type: ignore[no-untyped-def]
    sign_in(HUNG)
    app = _enable(client)
    _sign_out(client)
    clock.now = NOW + dt.timedelta(minutes=10)
    sign_in(HUNG)
    wrong = "000000" if app.at(clock.now) != "000000" else "111111"
    for _ in range(5):
        assert _code(client, wrong).status_code == 401
    throttled = _code(client, app.at(clock.now))
    assert throttled.status_code == 429 and "15" in throttled.text
    assert client.get("/").status_code == 303


def test_the_pending_step_expires(client, sign_in, clock) -> None:  # type: ignore[no-untyped-def]
    sign_in(HUNG)
    app = _enable(client)
    _sign_out(client)
    clock.now = NOW + dt.timedelta(minutes=10)
    sign_in(HUNG)
    form = client.get(CODE_PAGE)
    clock.now += dt.timedelta(minutes=6)
    late = client.post(
        CODE_PAGE, data={"csrf_token": csrf_of(form.text), "code": app.at(clock.now)}
    )
    assert late.status_code == 401 and "hết hạn" in late.text
    assert 'action="/dang-nhap"' in late.text  # back to the password
    assert client.get("/").status_code == 303


def test_the_qr_code_is_an_svg_without_script(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(HUNG)
    assert client.get(SECTION + "/ma-qr.svg").status_code == 404  # nothing to enrol yet
    csrf = csrf_of(client.get("/ho-so").text)
    client.post(SECTION, data={"csrf_token": csrf})
    svg = client.get(SECTION + "/ma-qr.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in svg.text and "<script" not in svg.text.lower()
    assert "no-store" in svg.headers["cache-control"]


def test_an_officer_without_administrative_rights_cannot_enable_it(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(MAI)  # a vice-chairman: no administrative rights
    profile = client.get("/ho-so")
    assert f'action="{SECTION}"' not in profile.text
    refused = client.post(SECTION, data={"csrf_token": csrf_of(profile.text)})
    assert refused.status_code == 403
    assert "quản trị" in refused.text and "Chủ tịch" in refused.text


def test_forms_without_csrf_change_nothing(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(HUNG)
    assert client.post(SECTION).status_code == 403
    assert not SECRET.search(client.get("/ho-so").text)
    form = client.get(CODE_PAGE)
    assert form.status_code == 200
    assert client.post(CODE_PAGE, data={"code": "123456"}).status_code == 403


def test_turning_it_off_needs_the_password_and_a_code(client, sign_in, clock) -> None:  # type: ignore[no-untyped-def]
    sign_in(HUNG)
    app = _enable(client)
    clock.now = NOW + dt.timedelta(minutes=10)
    csrf = csrf_of(client.get("/ho-so").text)
    wrong = client.post(
        SECTION + "/tat", data={"csrf_token": csrf, "password": "sai", "code": app.at(clock.now)}
    )
    assert wrong.status_code in (401, 422) and 'role="alert"' in wrong.text
    off = client.post(
        SECTION + "/tat",
        data={"csrf_token": csrf, "password": PASSWORD, "code": app.at(clock.now)},
    )
    assert off.status_code == 303
    _sign_out(client)
    assert sign_in(HUNG).headers["location"] == "/"  # the password alone signs in again


def test_the_operator_clears_it(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    from application.totp import reset_totp

    sign_in(HUNG)
    _enable(client)
    _sign_out(client)
    assert sign_in(HUNG).headers["location"].startswith(CODE_PAGE)
    client.cookies.clear()
    reset_totp(UnitOfWork(engine), Identity.operator("root"), email=HUNG, now=NOW)
    assert sign_in(HUNG).headers["location"] == "/"
