"""Accounts from the command line: the operator invites an officer (an email with a link to
set the password), sets a password from standard input, and creates, lists and revokes API
tokens; an officer (``--as``) manages their own tokens and no one else's."""

from __future__ import annotations

import json
import os
import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from plans import HERE, PLAN_2020
from tests.conftest import run_cli_process

ANH = "anh.btn@phuhuu.gov.vn"
TAM = "tam.vm@phuhuu.gov.vn"
BASE = "https://cchc.phuhuu.gov.vn"


@pytest.fixture
def ward(cli):  # type: ignore[no-untyped-def]
    assert cli("plan", "load", str(PLAN_2020))[0] == 0
    assert cli("officer", "import", str(HERE / "demo-roster.csv"))[0] == 0
    return cli


def run_with_input(text: str, *args: str) -> tuple[int, str, str]:
    """``cchc ARGS`` as its own process with ``text`` on standard input (a pipe, not a
    terminal, as a script gives it)."""
    return run_cli_process(list(args), input=text)


def signed_in(email: str, password: str) -> bool:
    """Whether ``email`` can sign in with ``password`` on the installation the CLI uses."""
    from application.identity import SignInRefused, sign_in
    from application.settings import Settings
    from cchc.context import AppContext

    ctx = AppContext(Settings.from_env(), "vi", None)
    try:
        sign_in(ctx.uow(), email=email, password=password, address="", now=ctx.now())
    except SignInRefused:
        return False
    finally:
        ctx.engine().dispose()
    return True


def bearer(token: str) -> str | None:
    from application.identity import bearer_identity
    from application.settings import Settings
    from cchc.context import AppContext

    ctx = AppContext(Settings.from_env(), "vi", None)
    try:
        who = bearer_identity(ctx.uow(), token=token, now=ctx.now())
    finally:
        ctx.engine().dispose()
    return who.email if who else None


def test_the_operator_sets_a_password_from_standard_input(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_with_input("mật khẩu của Ánh\n", "user", "password", ANH)
    assert (code, err) == (0, "")
    assert ANH in out and "mật khẩu của Ánh" not in out
    assert signed_in(ANH, "mật khẩu của Ánh")
    assert not signed_in(ANH, "mật khẩu của Ánh\n")
    code, out, _ = ward("audit", "list", "--action", "password_set", "--json")
    assert code == 0 and "mật khẩu" not in out and ANH in out


def test_a_password_that_breaks_a_rule_or_an_unknown_officer_is_an_error(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_with_input("ngắn\n", "user", "password", ANH)
    assert code == 1 and out == ""
    assert err.startswith("Error:") and "ít nhất 10 ký tự" in err and "Gợi ý:" in err
    code, _, err = run_with_input("đủ dài rồi đấy\n", "--lang", "en", "user", "password", "x@y.vn")
    assert code == 1 and "No officer has the email 'x@y.vn'" in err and "Traceback" not in err
    code, _, err = run_with_input("", "user", "password", ANH)
    assert code == 1 and "ít nhất 10 ký tự" in err


def test_an_officer_may_not_set_anothers_password(ward) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_with_input("mật khẩu của Ánh\n", "--as", TAM, "user", "password", ANH)
    assert code == 1 and "người vận hành" in err
    assert not signed_in(ANH, "mật khẩu của Ánh")


def test_an_invitation_goes_through_the_outbox_with_a_link_to_set_the_password(  # type: ignore[no-untyped-def]
    ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = ward("user", "invite", TAM)
    assert code == 1 and "CCHC_BASE_URL" in err
    monkeypatch.setenv("CCHC_BASE_URL", BASE + "/")
    code, out, err = ward("user", "invite", TAM)
    assert (code, err) == (0, "")
    assert TAM in out and "72" in out
    expiry = re.search(r"\d\d:\d\d \w+ \w*,? ?\d\d/\d\d/\d{4}", out)
    assert expiry, out
    code, out, err = ward("user", "invite", TAM, "--json")
    assert code == 0 and json.loads(out)["email"] == TAM
    assert ward("outbox", "deliver")[0] == 0
    files = sorted(Path(os.environ["CCHC_HOME"], "outbox").glob("*.eml"))
    assert len(files) == 2
    tokens = []
    for path in files:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert message["To"].addresses[0].addr_spec == TAM
        body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        found = re.search(BASE + r"/dat-mat-khau/([A-Za-z0-9_-]{40,})", body)
        assert found, body
        tokens.append(found.group(1))
    # the link sets the password (what the web's page does with it); only the newer one works
    from application.identity import InvitationInvalid, redeem_invite
    from application.settings import Settings
    from cchc.context import AppContext

    ctx = AppContext(Settings.from_env(), "vi", None)
    worked = []
    for token in tokens:
        try:
            signed = redeem_invite(
                ctx.uow(), token=token, password="mật khẩu Tâm đặt", now=ctx.now()
            )
        except InvitationInvalid:
            worked.append(False)
        else:
            worked.append(signed.email == TAM)
    ctx.engine().dispose()
    assert sorted(worked) == [False, True]
    assert signed_in(TAM, "mật khẩu Tâm đặt")


def test_tokens_are_printed_once_listed_without_the_secret_and_revoked(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, err = ward("token", "create", ANH, "--name", "báo cáo tuần")
    assert (code, err) == (0, "")
    token = re.search(r"cchc_[A-Za-z0-9_-]{40,}", out)
    assert token, out
    assert bearer(token.group(0)) == ANH
    code, out, _ = ward("token", "list", ANH)
    assert code == 0 and "báo cáo tuần" in out and token.group(0) not in out
    assert token.group(0)[:12] in out
    code, out, _ = ward("token", "list", "--json")
    [listed] = json.loads(out)["tokens"]
    assert (listed["email"], listed["name"], listed["revoked_at"]) == (ANH, "báo cáo tuần", None)
    code, _, err = ward("token", "create", ANH, "--name", "báo cáo tuần")
    assert code == 1 and "báo cáo tuần" in err and "cchc token revoke" in err
    code, out, err = ward("token", "revoke", ANH, "--name", "báo cáo tuần")
    assert (code, err) == (0, "")
    assert bearer(token.group(0)) is None
    code, out, _ = ward("token", "list", ANH, "--json")
    assert json.loads(out)["tokens"][0]["revoked_at"] is not None
    code, _, err = ward("token", "revoke", ANH, "--name", "báo cáo tuần")
    assert code == 1 and "cchc token list" in err


def test_an_officer_manages_only_their_own_tokens(ward) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ward("--as", TAM, "token", "create", TAM, "--name", "mine")
    assert code == 0 and "cchc_" in out
    code, _, err = ward("--as", TAM, "token", "create", ANH, "--name", "hers")
    assert code == 1 and "người vận hành" in err
    code, out, _ = ward("--as", TAM, "token", "list", "--json")
    assert [t["name"] for t in json.loads(out)["tokens"]] == ["mine"]
    code, _, err = ward("--as", TAM, "token", "list", ANH)
    assert code == 1


def test_a_token_name_is_required(ward) -> None:  # type: ignore[no-untyped-def]
    code, _, err = ward("token", "create", ANH)
    assert code == 2 and "--name" in err
