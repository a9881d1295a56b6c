"""Signing in: passwords, sessions, throttling, and who may set a password — on SQLite and
PostgreSQL, through the use cases the web and the command line call."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlmodel import col, select

from application.access import Identity, Refused
from application.identity import (
    BadPassword,
    BadTokenName,
    BaseUrlMissing,
    InvitationInvalid,
    NoSuchOfficer,
    NoSuchToken,
    NotInPost,
    SignInRefused,
    SignInThrottled,
    TokenExists,
    WrongPassword,
    bearer_identity,
    change_password,
    create_token,
    invite,
    list_tokens,
    redeem_invite,
    resume_session,
    revoke_token,
    set_password,
    sign_in,
    sign_out,
)
from application.uow import UnitOfWork
from models import AuditEntry, OutboxMessage, SignInFailure
from storage.officers import add_officer, assign, end_assignment
from storage.units import get_unit

NOW = dt.datetime(2020, 4, 15, 8, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
ANH = ("Bùi Thị Ngọc Ánh", "anh.btn@phuhuu.gov.vn")
TAM = ("Võ Minh Tâm", "tam.vm@phuhuu.gov.vn")
CU = ("Trần Văn Cũ", "cu.tv@phuhuu.gov.vn")
PASSWORD = "mặt trời lên 2020"
OPERATOR = Identity.operator("root")


@pytest.fixture
def uow(engine) -> UnitOfWork:  # type: ignore[no-untyped-def]
    return UnitOfWork(engine)


@pytest.fixture
def ward(session, load, uow) -> int:  # type: ignore[no-untyped-def]
    """The ward with Ánh (one-stop desk) and Tâm (justice) in post and Cũ, whose holding
    ended last year; Ánh and Cũ have passwords."""
    load()
    unit_id = get_unit("phu-huu", session=session).id
    assert unit_id is not None
    for person, position, start, end in (
        (ANH, "one_stop", dt.date(2020, 1, 1), None),
        (TAM, "justice", dt.date(2020, 1, 1), None),
        (CU, "justice", dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
    ):
        add_officer(*person, session=session, unit_id=unit_id, actor="test", now=NOW)
        assign(person[1], position, start, end=end, session=session, unit_id=unit_id,
               actor="test", now=NOW)  # fmt: skip
    session.commit()
    for email in (ANH[1], CU[1]):
        set_password(uow, OPERATOR, email=email, password=PASSWORD, now=NOW)
    return unit_id


def _audit(session, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(
        session.exec(
            select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
        )
    )


def test_an_officer_signs_in_and_the_session_carries_them(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    signed = sign_in(uow, email=" Anh.BTN@phuhuu.gov.vn ", password=PASSWORD,
                     address="10.0.0.7", now=NOW)  # fmt: skip
    assert (signed.email, signed.name, signed.lang) == (ANH[1], ANH[0], "vi")
    assert signed.identity == Identity.officer(ANH[1])
    assert signed.session_token and signed.csrf_token
    assert signed.expires_at == NOW + 60 * MINUTE
    back = resume_session(uow, token=signed.session_token, now=NOW + 5 * MINUTE)
    assert back is not None and back.email == ANH[1]
    assert back.csrf_token == signed.csrf_token
    [entry] = _audit(session, "sign_in")
    assert (entry.actor, entry.key, entry.after) == (ANH[1], ANH[1], {"address": "10.0.0.7"})


def test_every_sign_in_gets_a_new_session_id(uow, ward) -> None:  # type: ignore[no-untyped-def]
    first = sign_in(uow, email=ANH[1], password=PASSWORD, address="a", now=NOW)
    second = sign_in(uow, email=ANH[1], password=PASSWORD, address="a", now=NOW)
    assert first.session_token != second.session_token
    assert first.csrf_token != second.csrf_token


@pytest.mark.parametrize(
    ("email", "password", "why"),
    [
        (ANH[1], "wrong password!", "password"),
        ("nobody@phuhuu.gov.vn", PASSWORD, "unknown_email"),
        (CU[1], PASSWORD, "no_position"),  # right password, but no position any more
        (TAM[1], PASSWORD, "no_password"),  # no password set yet
    ],
)
def test_a_refused_sign_in_says_the_same_thing_and_is_audited(  # type: ignore[no-untyped-def]
    uow, ward, session, email, password, why
) -> None:
    with pytest.raises(SignInRefused) as refused:
        sign_in(uow, email=email, password=password, address="10.0.0.9", now=NOW)
    assert refused.value.render("en") == SignInRefused().render("en")
    assert "mật khẩu" in refused.value.render("vi")
    [entry] = _audit(session, "sign_in_failed")
    assert entry.key == email and entry.after == {"address": "10.0.0.9", "why": why}


def test_five_failures_for_an_account_refuse_it_for_fifteen_minutes(uow, ward) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        with pytest.raises(SignInRefused):
            sign_in(
                uow, email=ANH[1], password="guess", address=f"10.0.0.{i}", now=NOW + i * MINUTE
            )
    # even the right password, from yet another address, is refused now
    last = NOW + 4 * MINUTE
    with pytest.raises(SignInThrottled) as throttled:
        sign_in(uow, email=ANH[1], password=PASSWORD, address="10.9.9.9", now=last + MINUTE)
    assert throttled.value.retry_at == last + 15 * MINUTE
    assert "14" in throttled.value.render("en") and "14" in throttled.value.render("vi")
    # another officer is not affected
    with pytest.raises(SignInRefused):
        sign_in(uow, email=TAM[1], password=PASSWORD, address="10.9.9.9", now=last + MINUTE)
    signed = sign_in(uow, email=ANH[1], password=PASSWORD, address="10.9.9.9",
                     now=last + 15 * MINUTE)  # fmt: skip
    assert signed.email == ANH[1]


def test_five_failures_from_an_address_refuse_it_whatever_the_email(uow, ward) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        with pytest.raises(SignInRefused):
            sign_in(uow, email=f"x{i}@phuhuu.gov.vn", password="guess", address="203.0.113.5",
                    now=NOW)  # fmt: skip
    with pytest.raises(SignInThrottled):
        sign_in(uow, email=ANH[1], password=PASSWORD, address="203.0.113.5", now=NOW)
    assert sign_in(uow, email=ANH[1], password=PASSWORD, address="203.0.113.6", now=NOW)


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(uow, ward) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        with pytest.raises(SignInRefused):
            sign_in(uow, email=ANH[1], password="guess", address="a", now=NOW + i * 4 * MINUTE)
    assert sign_in(uow, email=ANH[1], password=PASSWORD, address="a", now=NOW + 17 * MINUTE)


def test_a_session_ends_when_idle_when_signed_out_or_when_the_holding_ends(  # type: ignore[no-untyped-def]
    uow, ward, session
) -> None:
    token = sign_in(uow, email=ANH[1], password=PASSWORD, address="a", now=NOW).session_token
    assert token
    # each use keeps it alive for another hour
    assert resume_session(uow, token=token, now=NOW + 59 * MINUTE)
    assert resume_session(uow, token=token, now=NOW + 118 * MINUTE)
    assert resume_session(uow, token=token, now=NOW + 179 * MINUTE) is None
    assert resume_session(uow, token=token, now=NOW + 180 * MINUTE) is None  # ended for good

    token = sign_in(uow, email=ANH[1], password=PASSWORD, address="a", now=NOW).session_token
    assert token
    assert resume_session(uow, token=token, now=NOW, idle_minutes=5)
    assert resume_session(uow, token=token, now=NOW + 6 * MINUTE, idle_minutes=5) is None

    token = sign_in(uow, email=ANH[1], password=PASSWORD, address="a", now=NOW).session_token
    assert token
    sign_out(uow, token=token, now=NOW + MINUTE)
    assert resume_session(uow, token=token, now=NOW + 2 * MINUTE) is None
    assert [e.actor for e in _audit(session, "sign_out")] == [ANH[1]]

    token = sign_in(uow, email=ANH[1], password=PASSWORD, address="a", now=NOW).session_token
    assert token
    end_assignment(ANH[1], "one_stop", dt.date(2020, 4, 15), session=session, unit_id=ward,
                   actor="test", now=NOW)  # fmt: skip
    session.commit()
    assert resume_session(uow, token=token, now=NOW + MINUTE)  # still in post today
    assert resume_session(uow, token=token, now=NOW + dt.timedelta(hours=17)) is None
    assert resume_session(uow, token="made-up", now=NOW) is None
    assert resume_session(uow, token="", now=NOW) is None


def test_the_operator_sets_a_password_and_it_ends_the_open_sessions(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    token = sign_in(uow, email=ANH[1], password=PASSWORD, address="a", now=NOW).session_token
    assert token
    set_password(uow, OPERATOR, email=ANH[1], password="một mật khẩu mới", now=NOW + MINUTE)
    assert resume_session(uow, token=token, now=NOW + 2 * MINUTE) is None
    with pytest.raises(SignInRefused):
        sign_in(uow, email=ANH[1], password=PASSWORD, address="a", now=NOW + 2 * MINUTE)
    assert sign_in(uow, email=ANH[1], password="một mật khẩu mới", address="a",
                   now=NOW + 2 * MINUTE)  # fmt: skip
    entries = _audit(session, "password_set")
    assert [(e.actor, e.key) for e in entries][-1] == ("operator:root", ANH[1])
    assert entries[-1].after == {"sessions_ended": 1}


def test_nobody_but_the_operator_sets_someone_elses_password(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        set_password(uow, Identity.officer(TAM[1]), email=ANH[1], password="x" * 12, now=NOW)
    assert refused.value.decision.rule == "operator_or_self"
    assert "người vận hành" in refused.value.render("vi")
    [entry] = _audit(session, "refused")
    assert entry.after and entry.after["attempted"] == "account.password"
    # Tâm may set his own
    set_password(uow, Identity.officer(TAM[1]), email=TAM[1], password="x" * 12, now=NOW)
    assert sign_in(uow, email=TAM[1], password="x" * 12, address="a", now=NOW)


@pytest.mark.parametrize(
    ("password", "vi", "en"),
    [
        ("ngắn quá", "ít nhất 10", "at least 10"),
        ("ANH.BTN@phuhuu.gov.vn", "email", "email"),
        ("anh.btn   ", "email", "email"),
    ],
)
def test_a_password_that_breaks_a_rule_is_explained(uow, ward, password, vi, en) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadPassword) as bad:
        set_password(uow, OPERATOR, email=ANH[1], password=password, now=NOW)
    assert vi in bad.value.render("vi") and en in bad.value.render("en")
    assert "Gợi ý:" in bad.value.render("vi") and "Hint:" in bad.value.render("en")


def test_an_officer_changes_their_own_password_and_keeps_only_this_session(uow, ward) -> None:  # type: ignore[no-untyped-def]
    here = sign_in(uow, email=ANH[1], password=PASSWORD, address="a", now=NOW).session_token
    there = sign_in(uow, email=ANH[1], password=PASSWORD, address="b", now=NOW).session_token
    me = Identity.officer(ANH[1])
    with pytest.raises(WrongPassword):
        change_password(uow, me, current="not it at all", new="mật khẩu thứ hai", now=NOW)
    change_password(uow, me, current=PASSWORD, new="mật khẩu thứ hai", now=NOW,
                    keep_session=here)  # fmt: skip
    assert here and there
    assert resume_session(uow, token=here, now=NOW + MINUTE)
    assert resume_session(uow, token=there, now=NOW + MINUTE) is None
    assert sign_in(uow, email=ANH[1], password="mật khẩu thứ hai", address="a", now=NOW)


def test_no_secret_reaches_the_audit_log(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    signed = sign_in(uow, email=ANH[1], password=PASSWORD, address="a", now=NOW)
    with pytest.raises(SignInRefused):
        sign_in(uow, email=ANH[1], password="a wrong one", address="a", now=NOW)
    assert signed.session_token
    sign_out(uow, token=signed.session_token, now=NOW)
    session.expire_all()
    logged = json.dumps([e.model_dump(mode="json") for e in session.exec(select(AuditEntry))],
                        ensure_ascii=False)  # fmt: skip
    for secret in (PASSWORD, "a wrong one", signed.session_token, signed.csrf_token):
        assert secret and secret not in logged


# --- API tokens ---------------------------------------------------------------------------------


def test_an_api_token_is_shown_once_and_signs_its_officer_in(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    created = create_token(uow, OPERATOR, email=ANH[1], name="báo cáo tuần", now=NOW)
    assert created.token.startswith("cchc_") and len(created.token) > 40
    assert created.token.startswith(created.prefix) and len(created.prefix) == 12
    who = bearer_identity(uow, token=created.token, now=NOW + MINUTE)
    assert who is not None and who.identity == Identity.officer(ANH[1])
    assert (who.session_token, who.csrf_token, who.expires_at) == (None, None, None)
    assert bearer_identity(uow, token=created.token[:-1] + "x", now=NOW) is None
    assert bearer_identity(uow, token="", now=NOW) is None
    [info] = list_tokens(uow, OPERATOR, email=ANH[1])
    assert (info.email, info.name, info.prefix) == (ANH[1], "báo cáo tuần", created.prefix)
    assert info.last_used_at == NOW + MINUTE and info.active
    assert created.token not in repr(info.as_dict())
    [entry] = _audit(session, "token_created")
    assert entry.after == {"name": "báo cáo tuần", "prefix": created.prefix}
    assert created.token not in json.dumps(entry.model_dump(mode="json"))


def test_a_revoked_token_signs_nobody_in_and_its_name_can_be_reused(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    first = create_token(uow, OPERATOR, email=ANH[1], name="script", now=NOW)
    with pytest.raises(TokenExists):
        create_token(uow, OPERATOR, email=ANH[1], name="script", now=NOW)
    revoke_token(uow, OPERATOR, email=ANH[1], name="script", now=NOW + MINUTE)
    assert bearer_identity(uow, token=first.token, now=NOW + 2 * MINUTE) is None
    [info] = list_tokens(uow, OPERATOR, email=ANH[1])
    assert info.revoked_at == NOW + MINUTE and not info.active
    with pytest.raises(NoSuchToken):
        revoke_token(uow, OPERATOR, email=ANH[1], name="script", now=NOW + MINUTE)
    second = create_token(uow, OPERATOR, email=ANH[1], name="script", now=NOW + 3 * MINUTE)
    assert bearer_identity(uow, token=second.token, now=NOW + 4 * MINUTE)
    assert bearer_identity(uow, token=first.token, now=NOW + 4 * MINUTE) is None
    assert [e.action for e in _audit(session, "token_revoked")] == ["token_revoked"]


def test_a_token_stops_working_when_its_officer_leaves_every_position(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    created = create_token(uow, OPERATOR, email=ANH[1], name="script", now=NOW)
    end_assignment(ANH[1], "one_stop", dt.date(2020, 4, 15), session=session, unit_id=ward,
                   actor="test", now=NOW)  # fmt: skip
    session.commit()
    assert bearer_identity(uow, token=created.token, now=NOW + dt.timedelta(days=1)) is None


def test_officers_manage_their_own_tokens_only(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    tam, anh = Identity.officer(TAM[1]), Identity.officer(ANH[1])
    create_token(uow, tam, email=TAM[1], name="mine", now=NOW)
    create_token(uow, OPERATOR, email=ANH[1], name="hers", now=NOW)
    assert [i.name for i in list_tokens(uow, tam, email=TAM[1])] == ["mine"]
    assert [i.name for i in list_tokens(uow, tam, email=None)] == ["mine"]
    assert [(i.email, i.name) for i in list_tokens(uow, OPERATOR, email=None)] == [
        (ANH[1], "hers"),
        (TAM[1], "mine"),
    ]
    for attempt in (
        lambda: create_token(uow, tam, email=ANH[1], name="x", now=NOW),
        lambda: revoke_token(uow, tam, email=ANH[1], name="hers", now=NOW),
        lambda: list_tokens(uow, tam, email=ANH[1]),
        lambda: create_token(uow, anh, email=TAM[1], name="x", now=NOW),
    ):
        with pytest.raises(Refused):
            attempt()
    # the officer whose holding ended has none of it
    with pytest.raises(Refused) as refused:
        create_token(uow, Identity.officer(CU[1]), email=CU[1], name="x", now=NOW)
    assert refused.value.decision.rule == "no_position"


@pytest.mark.parametrize("name", ["", " ", "a\x00b", "x" * 65])
def test_a_token_needs_a_sensible_name(uow, ward, name) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadTokenName) as bad:
        create_token(uow, OPERATOR, email=ANH[1], name=name, now=NOW)
    assert "Gợi ý:" in bad.value.render("vi")


def test_tokens_and_passwords_are_for_officers_the_ward_knows(uow, ward) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NoSuchOfficer) as unknown:
        create_token(uow, OPERATOR, email="ghost@phuhuu.gov.vn", name="x", now=NOW)
    assert "ghost@phuhuu.gov.vn" in unknown.value.render("vi")
    with pytest.raises(NoSuchOfficer):
        set_password(uow, OPERATOR, email="ghost@phuhuu.gov.vn", password="y" * 12, now=NOW)


# --- invitations --------------------------------------------------------------------------------

BASE = "https://cchc.phuhuu.gov.vn/"


def _invitation_link(session) -> tuple[OutboxMessage, str]:  # type: ignore[no-untyped-def]
    session.expire_all()
    rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).all()
    row = rows[-1]
    found = re.search(r"https://cchc\.phuhuu\.gov\.vn/dat-mat-khau/([A-Za-z0-9_-]+)", row.body)
    assert found, row.body
    return row, found.group(1)


def test_an_invitation_emails_a_link_that_sets_the_password_once(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    invited = invite(uow, OPERATOR, email=TAM[1], base_url=BASE, now=NOW)
    assert (invited.email, invited.name) == (TAM[1], TAM[0])
    assert invited.expires_at == NOW + dt.timedelta(hours=72)
    assert invited.expires_local.hour == 15  # 08:00 UTC is 15:00 in Hà Nội
    row, token = _invitation_link(session)
    assert (row.recipient, row.channel, row.status) == (TAM[1], "email", "pending")
    assert row.next_attempt_at == NOW  # an invitation is not held back by quiet hours
    assert "15:00 Thứ Bảy, 18/04/2020" in row.body
    # a password breaking the rules does not spend the link
    with pytest.raises(BadPassword):
        redeem_invite(uow, token=token, password="short", now=NOW + MINUTE)
    signed = redeem_invite(uow, token=token, password="mật khẩu của Tâm", now=NOW + MINUTE)
    assert signed.email == TAM[1] and signed.session_token
    assert resume_session(uow, token=signed.session_token, now=NOW + 2 * MINUTE)
    assert sign_in(uow, email=TAM[1], password="mật khẩu của Tâm", address="a", now=NOW)
    with pytest.raises(InvitationInvalid):
        redeem_invite(uow, token=token, password="another password", now=NOW + 2 * MINUTE)
    logged = json.dumps([e.model_dump(mode="json") for e in session.exec(select(AuditEntry))])
    assert token not in logged
    assert [e.action for e in _audit(session, "invited")] == ["invited"]
    assert [e.action for e in _audit(session, "invitation_used")] == ["invitation_used"]


def test_only_the_newest_invitation_works(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    invite(uow, OPERATOR, email=TAM[1], base_url=BASE, now=NOW)
    _, first = _invitation_link(session)
    invite(uow, OPERATOR, email=TAM[1], base_url=BASE, now=NOW + MINUTE)
    _, second = _invitation_link(session)
    assert first != second
    with pytest.raises(InvitationInvalid):
        redeem_invite(uow, token=first, password="mật khẩu của Tâm", now=NOW + 2 * MINUTE)
    assert redeem_invite(uow, token=second, password="mật khẩu của Tâm", now=NOW + 2 * MINUTE)


def test_old_failures_are_forgotten_but_stay_in_the_audit_log(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        with pytest.raises(SignInRefused):
            sign_in(uow, email=ANH[1], password="guess", address="a", now=NOW + i * MINUTE)
    with pytest.raises(SignInRefused):
        sign_in(uow, email=TAM[1], password="guess", address="b", now=NOW + dt.timedelta(days=2))
    session.expire_all()
    assert [f.email for f in session.exec(select(SignInFailure))] == [TAM[1]]
    assert len(_audit(session, "sign_in_failed")) == 4


def test_an_invitation_expires_after_72_hours(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    invite(uow, OPERATOR, email=TAM[1], base_url=BASE, now=NOW)
    _, token = _invitation_link(session)
    late = NOW + dt.timedelta(hours=72, seconds=1)
    with pytest.raises(InvitationInvalid) as invalid:
        redeem_invite(uow, token=token, password="mật khẩu của Tâm", now=late)
    assert "72" in invalid.value.render("vi") and "Gợi ý:" in invalid.value.render("vi")
    with pytest.raises(InvitationInvalid):
        redeem_invite(uow, token="not-a-token", password="mật khẩu của Tâm", now=NOW)


def test_only_an_administrator_invites_and_only_officers_in_post(uow, ward) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        invite(uow, Identity.officer(ANH[1]), email=TAM[1], base_url=BASE, now=NOW)
    assert refused.value.decision.rule == "administrator"
    with pytest.raises(NotInPost):
        invite(uow, OPERATOR, email=CU[1], base_url=BASE, now=NOW)
    with pytest.raises(NoSuchOfficer):
        invite(uow, OPERATOR, email="ghost@phuhuu.gov.vn", base_url=BASE, now=NOW)
    with pytest.raises(BaseUrlMissing) as missing:
        invite(uow, OPERATOR, email=TAM[1], base_url="", now=NOW)
    assert "CCHC_BASE_URL" in missing.value.render("en")


def test_an_officer_lists_and_ends_only_their_own_sessions(uow, ward, session) -> None:  # type: ignore[no-untyped-def]
    from application.identity import NoSuchSession, end_session, list_sessions

    here = sign_in(uow, email=ANH[1], password=PASSWORD, address="10.0.0.7", now=NOW)
    there = sign_in(uow, email=ANH[1], password=PASSWORD, address="10.0.0.8", now=NOW + MINUTE)
    set_password(uow, OPERATOR, email=TAM[1], password=PASSWORD, now=NOW)
    tam = sign_in(uow, email=TAM[1], password=PASSWORD, address="10.0.0.9", now=NOW)
    anh = Identity.officer(ANH[1])
    mine = list_sessions(uow, anh, now=NOW + 2 * MINUTE, session_token=here.session_token)
    assert [(s.address, s.current) for s in mine] == [("10.0.0.8", False), ("10.0.0.7", True)]
    [tams] = list_sessions(uow, Identity.officer(TAM[1]), now=NOW)
    with pytest.raises(NoSuchSession):
        end_session(uow, anh, session_id=tams.id, now=NOW + 3 * MINUTE)
    assert resume_session(uow, token=tam.session_token or "", now=NOW + 4 * MINUTE)
    end_session(uow, anh, session_id=mine[0].id, now=NOW + 3 * MINUTE)
    assert resume_session(uow, token=there.session_token or "", now=NOW + 4 * MINUTE) is None
    assert resume_session(uow, token=here.session_token or "", now=NOW + 4 * MINUTE)
    [entry] = _audit(session, "session_ended")
    assert (entry.actor, entry.key) == (ANH[1], ANH[1])
