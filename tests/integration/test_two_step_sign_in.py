"""Two-step sign-in — "xác thực hai bước": a TOTP code after the password, for accounts with
administrative rights — on SQLite and PostgreSQL, through the use cases the web and the
command line call."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pyotp
import pytest
from sqlmodel import col, select

from application.access import Identity, Refused
from application.identity import (
    SecondStep,
    SignedIn,
    SignInRefused,
    SignInThrottled,
    WrongPassword,
    resume_session,
    set_password,
    sign_in,
)
from application.totp import (
    SecondStepExpired,
    TotpAlreadyOn,
    WrongCode,
    begin_totp,
    confirm_totp,
    disable_totp,
    reset_totp,
    sign_in_code,
)
from application.uow import UnitOfWork
from models import Account, AuditEntry
from storage.officers import add_officer, assign
from storage.units import get_unit

NOW = dt.datetime(2020, 4, 15, 8, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
STEP = dt.timedelta(seconds=30)
HUNG = ("Nguyễn Văn Hùng", "hung.nv@phuhuu.gov.vn")  # chairman
ANH = ("Bùi Thị Ngọc Ánh", "anh.btn@phuhuu.gov.vn")  # one-stop desk: no administrative rights
PASSWORD = "mặt trời lên 2020"
OPERATOR = Identity.operator("root")
ME = Identity.officer(HUNG[1])


@pytest.fixture
def uow(engine) -> UnitOfWork:  # type: ignore[no-untyped-def]
    return UnitOfWork(engine)


@pytest.fixture
def ward(session, load, uow) -> int:  # type: ignore[no-untyped-def]
    load()
    unit_id = get_unit("phu-huu", session=session).id
    assert unit_id is not None
    for person, position in ((HUNG, "chairman"), (ANH, "one_stop")):
        add_officer(*person, session=session, unit_id=unit_id, actor="test", now=NOW)
        assign(person[1], position, dt.date(2020, 1, 1), session=session, unit_id=unit_id,
               actor="test", now=NOW)  # fmt: skip
    session.commit()
    for email in (HUNG[1], ANH[1]):
        set_password(uow, OPERATOR, email=email, password=PASSWORD, now=NOW)
    return unit_id


def _audit(session, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    session.expire_all()
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
    return list(session.exec(query))


def _enrolled(uow: UnitOfWork, at: dt.datetime = NOW) -> pyotp.TOTP:
    """Hùng turns two-step sign-in on; his authenticator app."""
    enrolment = begin_totp(uow, ME, now=at)
    app = pyotp.TOTP(enrolment.secret)
    confirm_totp(uow, ME, code=app.at(at), now=at)
    return app


def _password(uow: UnitOfWork, at: dt.datetime, address: str = "10.0.0.7") -> SecondStep:
    step = sign_in(uow, email=HUNG[1], password=PASSWORD, address=address, now=at)
    assert isinstance(step, SecondStep)
    return step


def test_enrolment_shows_a_secret_and_an_otpauth_address(uow, ward) -> None:  # type: ignore[no-untyped-def]
    enrolment = begin_totp(uow, ME, now=NOW)
    assert len(enrolment.secret) >= 32 and enrolment.secret.isalnum()
    parsed = pyotp.parse_uri(enrolment.uri)
    assert parsed.secret == enrolment.secret
    assert parsed.issuer == "cchc"
    assert enrolment.uri.startswith("otpauth://totp/")
    label = unquote(enrolment.uri.split("?")[0])
    assert HUNG[1] in label and "Phú Hữu" in label  # whose account, of which unit
    # until confirmed, a password alone still signs in
    assert isinstance(sign_in(uow, email=HUNG[1], password=PASSWORD, address="a", now=NOW),
                      SignedIn)  # fmt: skip


def test_the_secret_is_not_in_the_database_as_given(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = begin_totp(uow, ME, now=NOW)
    session.expire_all()
    stored = session.exec(select(Account).where(Account.email == HUNG[1])).one().totp_secret
    assert stored and enrolment.secret not in stored
    # nor in the audit log
    session.expire_all()
    assert not [e for e in session.exec(select(AuditEntry)) if enrolment.secret in str(e.after)]


def test_after_confirming_a_password_alone_no_longer_signs_in(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    app = _enrolled(uow)
    assert [e.key for e in _audit(session, "totp_enabled")] == [HUNG[1]]
    later = NOW + 10 * MINUTE
    step = _password(uow, later)
    assert step.expires_at == later + 5 * MINUTE
    # the pending step is no session
    assert resume_session(uow, token=step.token, now=later) is None
    signed = sign_in_code(uow, token=step.token, code=app.at(later), address="10.0.0.7",
                          now=later)  # fmt: skip
    assert signed.email == HUNG[1] and signed.session_token and signed.session_token != step.token
    assert resume_session(uow, token=signed.session_token, now=later + MINUTE)
    # the step is spent
    with pytest.raises(SecondStepExpired):
        sign_in_code(uow, token=step.token, code=app.at(later + STEP), address="a", now=later)


def test_a_code_of_the_next_or_previous_step_is_accepted_not_two_away(uow, ward) -> None:  # type: ignore[no-untyped-def]
    app = _enrolled(uow)
    at = NOW + 10 * MINUTE
    step = _password(uow, at)
    with pytest.raises(WrongCode):
        sign_in_code(uow, token=step.token, code=app.at(at + 2 * STEP), address="a", now=at)
    assert sign_in_code(uow, token=step.token, code=app.at(at - STEP), address="a", now=at)


def test_a_wrong_code_is_refused_and_audited(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    app = _enrolled(uow)
    at = NOW + 10 * MINUTE
    step = _password(uow, at)
    wrong = "000000" if app.at(at) != "000000" else "111111"
    with pytest.raises(WrongCode) as refused:
        sign_in_code(uow, token=step.token, code=wrong, address="10.0.0.7", now=at)
    assert "mã" in refused.value.render("vi") and "code" in refused.value.render("en")
    [entry] = _audit(session, "sign_in_failed")
    assert entry.key == HUNG[1] and entry.after == {"address": "10.0.0.7", "why": "totp_code"}
    # the step is still there for another try
    assert sign_in_code(uow, token=step.token, code=app.at(at), address="10.0.0.7", now=at)


def test_a_code_is_accepted_once(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    app = _enrolled(uow)
    # the code that confirmed the enrolment does not sign in
    with pytest.raises(WrongCode):
        sign_in_code(uow, token=_password(uow, NOW).token, code=app.at(NOW), address="a",
                     now=NOW + STEP / 2)  # fmt: skip
    at = NOW + 10 * MINUTE
    code = app.at(at)
    assert sign_in_code(uow, token=_password(uow, at).token, code=code, address="a", now=at)
    again = _password(uow, at + STEP / 2)
    with pytest.raises(WrongCode):
        sign_in_code(uow, token=again.token, code=code, address="a", now=at + STEP / 2)
    assert _audit(session, "sign_in_failed")[-1].after == {"address": "a", "why": "totp_reused"}


def test_five_wrong_codes_refuse_further_attempts(uow, ward) -> None:  # type: ignore[no-untyped-def]
    app = _enrolled(uow)
    at = NOW + 10 * MINUTE
    step = _password(uow, at)
    wrong = "000000" if app.at(at) != "000000" else "111111"
    for i in range(5):
        with pytest.raises(WrongCode):
            sign_in_code(uow, token=step.token, code=wrong, address="10.0.0.7", now=at + i * STEP)
    last = at + 4 * STEP
    with pytest.raises(SignInThrottled) as throttled:
        sign_in_code(uow, token=step.token, code=app.at(last), address="10.0.0.7", now=last)
    assert throttled.value.retry_at == last + 15 * MINUTE
    # the password step is throttled too, for this account
    with pytest.raises(SignInThrottled):
        sign_in(uow, email=HUNG[1], password=PASSWORD, address="10.9.9.9", now=last + MINUTE)


def test_the_pending_step_expires_after_five_minutes(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    app = _enrolled(uow)
    at = NOW + 10 * MINUTE
    step = _password(uow, at)
    late = at + 5 * MINUTE + dt.timedelta(seconds=1)
    with pytest.raises(SecondStepExpired) as expired:
        sign_in_code(uow, token=step.token, code=app.at(late), address="a", now=late)
    assert "đăng nhập lại" in expired.value.render("vi")
    with pytest.raises(SecondStepExpired):
        sign_in_code(uow, token="made-up", code=app.at(at), address="a", now=at)


def test_an_officer_without_administrative_rights_cannot_turn_it_on(uow, ward) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        begin_totp(uow, Identity.officer(ANH[1]), now=NOW)
    assert refused.value.decision.rule == "totp_administrator"
    assert "Chủ tịch" in refused.value.render("vi")
    assert isinstance(sign_in(uow, email=ANH[1], password=PASSWORD, address="a", now=NOW),
                      SignedIn)  # fmt: skip


def test_confirming_needs_the_right_code_and_enrolling_twice_is_refused(uow, ward) -> None:  # type: ignore[no-untyped-def]
    enrolment = begin_totp(uow, ME, now=NOW)
    app = pyotp.TOTP(enrolment.secret)
    with pytest.raises(WrongCode):
        confirm_totp(uow, ME, code=app.at(NOW + 3 * STEP), now=NOW)
    confirm_totp(uow, ME, code=app.at(NOW), now=NOW)
    with pytest.raises(TotpAlreadyOn):
        begin_totp(uow, ME, now=NOW)


def test_turning_it_off_needs_the_password_and_a_current_code(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    app = _enrolled(uow)
    at = NOW + 10 * MINUTE
    with pytest.raises(WrongPassword):
        disable_totp(uow, ME, password="not it at all", code=app.at(at), now=at)
    with pytest.raises(WrongCode):
        disable_totp(uow, ME, password=PASSWORD, code=app.at(at + 3 * STEP), now=at)
    assert isinstance(_password(uow, at), SecondStep)
    disable_totp(uow, ME, password=PASSWORD, code=app.at(at), now=at)
    assert [e.key for e in _audit(session, "totp_disabled")] == [HUNG[1]]
    assert isinstance(sign_in(uow, email=HUNG[1], password=PASSWORD, address="a", now=at),
                      SignedIn)  # fmt: skip


def test_the_operator_clears_it_and_nobody_else(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    _enrolled(uow)
    with pytest.raises(Refused) as refused:
        reset_totp(uow, ME, email=HUNG[1], now=NOW)
    assert refused.value.decision.rule == "operator_only"
    with pytest.raises(SignInRefused):  # nothing to do with it: wrong password still refused
        sign_in(uow, email=HUNG[1], password="wrong!", address="a", now=NOW)
    reset_totp(uow, OPERATOR, email=HUNG[1].upper(), now=NOW)
    [entry] = _audit(session, "totp_reset")
    assert (entry.actor, entry.key) == ("operator:root", HUNG[1])
    assert isinstance(sign_in(uow, email=HUNG[1], password=PASSWORD, address="b", now=NOW),
                      SignedIn)  # fmt: skip
    # and he may turn it on again
    assert begin_totp(uow, ME, now=NOW).secret


def test_an_invitation_link_sets_the_password_but_does_not_replace_the_code(  # type: ignore[no-untyped-def]
    uow, ward, session
) -> None:
    from application.identity import invite, redeem_invite
    from tests.integration.test_identity import BASE, _invitation_link

    app = _enrolled(uow)
    invite(uow, OPERATOR, email=HUNG[1], base_url=BASE, now=NOW)
    _, link = _invitation_link(session)
    at = NOW + 10 * MINUTE
    step = redeem_invite(uow, token=link, password="mật khẩu mới của Hùng", now=at)
    assert isinstance(step, SecondStep)
    assert resume_session(uow, token=step.token, now=at) is None
    assert sign_in_code(uow, token=step.token, code=app.at(at), address="a", now=at)
