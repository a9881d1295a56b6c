"""``cchc user totp-reset EMAIL``: the operator clears an officer's two-step sign-in (a lost
phone) — the password alone signs in again, and the audit log says who did it; an officer may
not, not even on their own account."""

from __future__ import annotations

import json

import pyotp
import pytest

from plans import HERE, PLAN_2020
from tests.acceptance.test_user_cli import run_with_input

HUNG = "hung.nv@phuhuu.gov.vn"  # the chairman
PASSWORD = "mật khẩu của chủ tịch"


@pytest.fixture
def ward(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    assert run_with_input(PASSWORD + "\n", "user", "password", HUNG)[0] == 0
    return cli


def _context():  # type: ignore[no-untyped-def]
    from application.settings import Settings
    from cchc.context import AppContext

    return AppContext(Settings.from_env(), "vi", None)


def _enrol() -> None:
    """Hùng turns two-step sign-in on (as on his profile page)."""
    from application.access import Identity
    from application.totp import begin_totp, confirm_totp

    ctx = _context()
    try:
        me = Identity.officer(HUNG)
        enrolment = begin_totp(ctx.uow(), me, now=ctx.now())
        confirm_totp(ctx.uow(), me, code=pyotp.TOTP(enrolment.secret).now(), now=ctx.now())
    finally:
        ctx.engine().dispose()


def _password_signs_in() -> bool:
    from application.identity import SignedIn, sign_in

    ctx = _context()
    try:
        got = sign_in(ctx.uow(), email=HUNG, password=PASSWORD, address="", now=ctx.now())
    finally:
        ctx.engine().dispose()
    return isinstance(got, SignedIn)


def test_the_operator_clears_two_step_sign_in(ward) -> None:  # type: ignore[no-untyped-def]
    _enrol()
    assert not _password_signs_in()  # a code is needed now
    code, out, err = ward("user", "totp-reset", HUNG)
    assert (code, err) == (0, "")
    assert HUNG in out and "xác thực hai bước" in out
    assert _password_signs_in()
    code, out, _ = ward("audit", "list", "--action", "totp_reset", "--json")
    assert code == 0 and HUNG in out
    entries = json.loads(out)
    assert entries and json.dumps(entries).count("totp_reset") >= 1
    code, out, _ = ward("user", "totp-reset", HUNG)  # nothing left to clear
    assert code == 0 and "không có gì thay đổi" in out


def test_an_officer_may_not_clear_it(ward) -> None:  # type: ignore[no-untyped-def]
    _enrol()
    code, _, err = ward("--as", HUNG, "user", "totp-reset", HUNG)
    assert code == 1 and "Không được phép" in err
    assert not _password_signs_in()
