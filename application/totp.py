"""Two-step sign-in — "xác thực hai bước": a TOTP code (RFC 6238: six digits, a new one every
30 seconds, from an authenticator app) asked after the password, for accounts with
administrative rights.

Who may turn it on is the policy's ``account.totp``: an officer on their own account, if they
may administer (today the CCHC officer and the chairman). Enrolment is two steps: ``begin_totp``
makes a secret (shown to its owner with an ``otpauth://`` address for the app, until confirmed)
and ``confirm_totp`` turns it on once the app's code matches. From then on a correct password
only earns a ``SecondStep`` (``application.identity.sign_in``) and ``sign_in_code`` opens the
session for a code of the current time-step or the one before or after — never a code of a
time-step already used. Wrong codes count toward the sign-in throttle and are audited like
failed sign-ins. ``disable_totp`` needs the password and a current code; the operator clears
it for someone who lost their phone (``reset_totp``, ``cchc user totp-reset``).

The secret is sealed before it is stored: AES-GCM under a key derived from the installation's
audit key (which lives in a file beside the database, never in it), bound to the account's
email, so a dump of the database alone does not give it away. Restoring a database needs its
audit key anyway; without the right key, a sealed secret cannot be read
(``TotpUnreadable``: the operator clears it and the officer enrols again).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from application.access import Gate, Identity, Refused
from application.identity import (
    IDLE_MINUTES,
    MAX_ADDRESS,
    IdentityError,
    SignedIn,
    SignInThrottled,
    WrongPassword,
    _audit,
    _digest,
    _email,
    _open_session,
    _throttled_until,
    _verify,
    counting_failed_proofs,
    own_officer,
    refuse_if_throttled,
)
from application.plans import unit_plan
from application.uow import UnitOfWork
from domain.clock import local_moment, local_today, require_aware
from domain.errors import Conflict, LocalizedError
from models import Account, Officer, UnitRecord
from responsibilities.policy import Subject
from storage import identity as store
from storage.db import audit_key_of
from storage.plans import unit_timezone

if TYPE_CHECKING:
    from sqlmodel import Session

ISSUER = "cchc"
STEP_SECONDS = 30
DIGITS = 6
WINDOW_STEPS = 1  # a code of the step before or after is accepted too (clocks drift)
SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends
NONCE_BYTES = 12
SEAL_INFO = b"cchc:totp-secret:v1"


# --- errors -----------------------------------------------------------------------------------


class WrongCode(IdentityError):
    """The code is not the authenticator's for now, or was used already."""

    key = "identity.totp_wrong_code"


class SecondStepExpired(IdentityError):
    """The pending second step is unknown, spent or past its five minutes."""

    key = "identity.totp_step_expired"


class TotpAlreadyOn(IdentityError, Conflict):
    key = "identity.totp_already_on"


class TotpNotPending(IdentityError, Conflict):
    """Nothing to confirm: enrolment was not begun (or is already confirmed)."""

    key = "identity.totp_not_pending"


class TotpNotOn(IdentityError, Conflict):
    key = "identity.totp_not_on"


class TotpUnreadable(IdentityError, Conflict):
    """The sealed secret does not open with this installation's key (another audit key)."""

    key = "identity.totp_unreadable"


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TotpEnrolment:
    """A secret waiting for its first code: ``secret`` (base32, to type into the app) and
    ``uri`` (``otpauth://``, for a QR code)."""

    secret: str
    uri: str


@dataclass(frozen=True)
class TotpState:
    """The officer's two-step sign-in as their profile shows it: on since ``enabled_at``
    (the unit's wall clock), an enrolment waiting for its first code (``pending``), or
    neither; ``may_enable``: the policy lets them turn it on."""

    enabled_at: dt.datetime | None
    pending: TotpEnrolment | None
    may_enable: bool

    @property
    def enabled(self) -> bool:
        return self.enabled_at is not None


# --- the secret, sealed -----------------------------------------------------------------------


def _seal_key(session: Session) -> bytes:
    audit_key = audit_key_of(session.get_bind())
    if audit_key is None:
        raise LocalizedError("error.audit_key_missing")
    return hmac.new(audit_key, SEAL_INFO, hashlib.sha256).digest()


def _seal(session: Session, email: str, secret: bytes) -> str:
    """``secret`` encrypted and authenticated for ``email``: 64 characters (base64url of
    nonce, ciphertext and tag)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(_seal_key(session)).encrypt(nonce, secret, email.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")


def _unseal(session: Session, account: Account) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    text = account.totp_secret or ""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return AESGCM(_seal_key(session)).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], account.email.encode()
        )
    except (InvalidTag, ValueError):
        raise TotpUnreadable(email=account.email) from None


def _base32(secret: bytes) -> str:
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def _enrolment(secret: bytes, email: str, unit_name: str) -> TotpEnrolment:
    import pyotp

    text = _base32(secret)
    label = f"{email} ({unit_name})" if unit_name else email
    return TotpEnrolment(text, pyotp.TOTP(text).provisioning_uri(name=label, issuer_name=ISSUER))


# --- codes ------------------------------------------------------------------------------------


def _step(now: dt.datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def _matching_step(secret: bytes, code: str, now: dt.datetime) -> int | None:
    """The time-step (now's, or one either side) whose code ``code`` is, or None."""
    import pyotp

    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    otp = pyotp.TOTP(_base32(secret), digits=DIGITS, interval=STEP_SECONDS)
    found = None
    for step in range(_step(now) - WINDOW_STEPS, _step(now) + WINDOW_STEPS + 1):
        if hmac.compare_digest(otp.generate_otp(step), code):
            found = step  # no early exit: every candidate takes as long
    return found


def _accept(session: Session, account: Account, code: str, now: dt.datetime) -> str | None:
    """Accept ``code`` for the account (its step is remembered: never accepted again);
    None when accepted, else why not (``totp_code``, ``totp_reused``)."""
    step = _matching_step(_unseal(session, account), code, now)
    if step is None:
        return "totp_code"
    if account.totp_last_step is not None and step <= account.totp_last_step:
        return "totp_reused"
    account.totp_last_step = step
    return None


# --- who may ----------------------------------------------------------------------------------


def _check(session: Session, identity: Identity, officer: Officer, now: dt.datetime) -> None:
    """The policy's ``account.totp`` on the officer's own account, with the unit's plan for
    the positions' titles; ``Refused`` otherwise."""
    unit_id = officer.unit_id
    gate = Gate.load(session, unit_id, unit_plan(session, unit_id))
    gate.check(
        identity,
        "account.totp",
        Subject(officer=officer.email),
        on=local_today(now, unit_timezone(session=session, unit_id=unit_id)),
        entity="account",
        key=officer.email,
    )


def _mine(session: Session, identity: Identity, now: dt.datetime) -> tuple[Officer, Account]:
    """The acting officer in post and their account; ``NotInPost`` when they hold nothing."""
    officer = own_officer(session, identity, now)
    return officer, store.ensure_account(officer.email, session=session, now=now)


def totp_state(
    session: Session, identity: Identity, officer: Officer, now: dt.datetime
) -> TotpState:
    """The officer's two-step sign-in for their profile page (in ``my_profile``'s unit of
    work): the pending secret is shown only to its owner, and only until confirmed."""
    account = store.get_account(officer.email, session=session)
    try:
        _check(session, identity, officer, now)
        may = True
    except Refused:
        may = False
    if account is None or not account.totp_secret:
        return TotpState(None, None, may)
    if account.totp_enabled_at is not None:
        timezone = unit_timezone(session=session, unit_id=officer.unit_id)
        return TotpState(local_moment(account.totp_enabled_at, timezone), None, may)
    try:
        secret = _unseal(session, account)
    except TotpUnreadable:
        return TotpState(None, None, may)
    return TotpState(None, _enrolment(secret, officer.email, _unit_name(session, officer)), may)


def _unit_name(session: Session, officer: Officer) -> str:
    unit = session.get(UnitRecord, officer.unit_id)
    return unit.name if unit else ""


# --- use cases --------------------------------------------------------------------------------


def begin_totp(uow: UnitOfWork, identity: Identity, *, now: dt.datetime) -> TotpEnrolment:
    """A new secret for the acting officer's own account, waiting for its first code
    (``confirm_totp``); a pending one is replaced. ``TotpAlreadyOn`` when it is on."""
    require_aware(now)
    with uow as session:
        officer, account = _mine(session, identity, now)
        _check(session, identity, officer, now)
        if account.totp_enabled_at is not None:
            raise TotpAlreadyOn(email=officer.email)
        secret = secrets.token_bytes(SECRET_BYTES)
        account.totp_secret = _seal(session, officer.email, secret)
        account.totp_last_step = None
        _audit(session, identity.audit_name, now, "totp_begun", officer.email)
        return _enrolment(secret, officer.email, _unit_name(session, officer))


def confirm_totp(uow: UnitOfWork, identity: Identity, *, code: str, now: dt.datetime) -> None:
    """Turn two-step sign-in on with the app's first code (``WrongCode`` otherwise; the
    secret stays pending for another try). The code cannot sign in afterwards."""
    require_aware(now)
    with uow as session:
        officer, account = _mine(session, identity, now)
        _check(session, identity, officer, now)
        if account.totp_enabled_at is not None or not account.totp_secret:
            raise TotpNotPending(email=officer.email)
        why = _accept(session, account, code, now)
        if why is None:
            account.totp_enabled_at = now
            _audit(session, identity.audit_name, now, "totp_enabled", officer.email)
    if why is not None:
        raise WrongCode()


def disable_totp(
    uow: UnitOfWork, identity: Identity, *, password: str, code: str, now: dt.datetime
) -> None:
    """Turn the acting officer's two-step sign-in off: with the password and a current code
    (``WrongPassword``, ``WrongCode``). An enrolment not yet confirmed is simply dropped.
    Allowed to every officer on their own account (``account.password``): someone who was
    chairman keeps the means to turn it off."""
    require_aware(now)
    with counting_failed_proofs(uow, identity, now, "totp_disable"), uow as session:
        officer, account = _mine(session, identity, now)
        if not account.totp_secret:
            raise TotpNotOn(email=officer.email)
        why: str | None = None
        if account.totp_enabled_at is not None:
            refuse_if_throttled(session, account.email, now)
            if not _verify(account.password_hash, password):
                raise WrongPassword()
            why = _accept(session, account, code, now)
        if why is None:
            was_on = account.totp_enabled_at is not None
            _clear(session, account, now)
            action = "totp_disabled" if was_on else "totp_dropped"
            _audit(session, identity.audit_name, now, action, officer.email)
        else:
            raise WrongCode()


def _clear(session: Session, account: Account, now: dt.datetime) -> None:
    account.totp_secret = None
    account.totp_enabled_at = None
    account.totp_last_step = None
    store.withdraw_challenges(account.id or 0, session=session, now=now)


def reset_totp(uow: UnitOfWork, identity: Identity, *, email: str, now: dt.datetime) -> bool:
    """Clear ``email``'s two-step sign-in (``cchc user totp-reset``: the operator, for an
    officer who lost their phone): their password alone signs in again. Audited; whether
    there was anything to clear."""
    from application.identity import NoSuchOfficer

    require_aware(now)
    email = _email(email)
    with uow as session:
        theirs = store.officers_named(email, session=session)
        unit_id = theirs[0].unit_id if theirs else 0
        gate = Gate.load(session, unit_id) if unit_id else Gate(0, [], {})
        timezone = unit_timezone(session=session, unit_id=unit_id) if unit_id else None
        try:
            gate.check(
                identity,
                "account.totp_reset",
                Subject(officer=email),
                on=local_today(now, timezone) if timezone else now.date(),
                entity="account",
                key=email,
            )
        except Refused as refusal:
            if not unit_id:
                refusal.unit_id = None
            raise
        if not theirs:
            raise NoSuchOfficer(email=email)
        account = store.get_account(email, session=session)
        had = account is not None and bool(account.totp_secret)
        if account is not None:
            _clear(session, account, now)
        _audit(session, identity.audit_name, now, "totp_reset", email, {"was_on": had})
        return had


def sign_in_code(
    uow: UnitOfWork,
    *,
    token: str,
    code: str,
    address: str,
    now: dt.datetime,
    user_agent: str = "",
    idle_minutes: int = IDLE_MINUTES,
) -> SignedIn:
    """The second step of a sign-in: the pending step ``token`` names and a code of the
    account's authenticator open a new session (a new id: never the step's). ``WrongCode``
    (the step stays for another try; counted and audited like a wrong password),
    ``SignInThrottled`` after five failures, ``SecondStepExpired`` for a step unknown, spent
    or older than five minutes."""
    require_aware(now)
    address = address[:MAX_ADDRESS]
    why: str | None = None
    until: dt.datetime | None = None
    with uow as session:
        row = store.challenge_by_hash(_digest(token), session=session) if token else None
        account = session.get(Account, row.account_id) if row else None
        if (
            row is None
            or account is None
            or row.used_at is not None
            or now >= row.expires_at
            or account.totp_enabled_at is None
        ):
            raise SecondStepExpired()
        email = account.email
        until = _throttled_until(session, email, address, now)
        if until is None:
            officer = store.officer_in_post(email, session=session, now=now)
            if officer is None:
                raise SecondStepExpired()
            why = _accept(session, account, code, now)
            if why is None:
                row.used_at = now
                signed = _open_session(
                    session,
                    account,
                    officer,
                    address=address,
                    user_agent=user_agent,
                    now=now,
                    idle_minutes=idle_minutes,
                )
                _audit(session, email, now, "sign_in", email,
                       {"address": address, "second_step": "totp"})  # fmt: skip
                return signed
            store.add_failure(email, address, session=session, now=now)
        after: dict[str, Any] = {"address": address, "why": why or "throttled"}
        _audit(session, email, now, "sign_in_failed", email, after)
    if until is not None:
        raise SignInThrottled(retry_at=until, now=now)
    raise WrongCode()


def reauthenticate(
    session: Session, identity: Identity, *, password: str, code: str, now: dt.datetime
) -> None:
    """The signed-in officer proves again who they are before a grave act (submitting the
    self-assessment): their password, and the current code when their account has two-step
    sign-in on. ``WrongPassword`` / ``WrongCode`` otherwise (inside the caller's unit of
    work: nothing it did is kept)."""
    require_aware(now)
    _, account = _mine(session, identity, now)
    refuse_if_throttled(session, account.email, now)
    if not _verify(account.password_hash, password):
        raise WrongPassword()
    if account.totp_enabled_at is not None and _accept(session, account, code, now) is not None:
        raise WrongCode()
