"""Signing in — "đăng nhập": passwords, browser sessions, API tokens and invitations.

Front ends (the web, the command line) call only these use cases. An officer signs in with
their email and password and gets a server-side session (a random id for the cookie, a CSRF
token for forms); scripts use an API token as a bearer token. An officer who holds no
position today in any unit cannot sign in, and an open session or token stops working the
day their last holding ends.

Secrets are never stored as given: passwords are Argon2 hashes, session ids, API tokens and
invitation tokens SHA-256 digests. Five failed sign-ins for one email, or from one address,
within fifteen minutes refuse further attempts for fifteen minutes. Every sign-in, failure,
sign-out, password change, invitation and token event is in the audit log — never a secret.

Managing an account is the policy's ``account.*`` actions: the operator for anyone, an
officer for their own password and tokens; only the operator invites.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from application.access import Gate, Identity, Refused
from application.uow import UnitOfWork
from domain.clock import DEFAULT_TIMEZONE, local_moment, local_today, require_aware
from domain.errors import CchcError, Conflict, NotFound
from domain.i18n import Lang, normalize_lang
from models import Account, ApiToken, Officer, PasswordInvitation, UnitRecord, WebSession
from responsibilities.policy import Subject
from storage import identity as store
from storage.audit import record
from storage.db import get_row
from storage.plans import unit_timezone

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlmodel import Session

    from application.totp import TotpState

MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # longer input is refused before hashing: no cheap denial of service
FAILURES = 5  # failed sign-ins …
WINDOW = dt.timedelta(minutes=15)  # … within this long …
LOCK = dt.timedelta(minutes=15)  # … refuse further attempts for this long
IDLE_MINUTES = 60  # a session unused this long has ended (CCHC_SESSION_IDLE_MINUTES)
# how finely a session's last use is kept: its idle expiry moves on at most once this often
SEEN_GRANULARITY = dt.timedelta(seconds=30)
INVITATION_VALID = dt.timedelta(hours=72)
SECOND_STEP_VALID = dt.timedelta(minutes=5)  # a correct password waits this long for its code
TOKEN_PREFIX = "cchc_"
SHOWN_PREFIX = 12  # characters of a token its owner sees in a list
MAX_TOKEN_NAME = 64
MAX_ADDRESS = 64
MAX_USER_AGENT = 255
MAX_EMAIL = 254


# --- errors -----------------------------------------------------------------------------------


class IdentityError(CchcError):
    """Không đăng nhập được. Cannot sign in."""

    key = "identity.error"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: Lang = "vi") -> str:
        from application.messages import t

        return t(self.key, lang, **self.params)


class SignInRefused(IdentityError):
    """Wrong email or password, or no position held now: one message for all, so it tells
    nobody which emails have accounts."""

    key = "identity.sign_in_refused"


class SignInThrottled(IdentityError):
    """Too many failed sign-ins; ``retry_at`` (aware UTC) is when to try again."""

    key = "identity.sign_in_throttled"

    def __init__(self, *, retry_at: dt.datetime, now: dt.datetime) -> None:
        self.retry_at = retry_at
        minutes = max(1, -(-int((retry_at - now).total_seconds()) // 60))
        super().__init__(minutes=minutes)


class BadPassword(IdentityError):
    """A new password that breaks the rules (the key says which)."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        super().__init__(**params)


class WrongPassword(IdentityError):
    """The current password given to change it is not the account's."""

    key = "identity.current_password_wrong"


class InvitationInvalid(IdentityError):
    """An invitation link unknown, already used or expired."""

    key = "identity.invitation_invalid"


class NoSuchOfficer(IdentityError, NotFound):
    key = "identity.no_officer"


class NotInPost(IdentityError, Conflict):
    """The officer holds no position today: an account for them could not be used."""

    key = "identity.not_in_post"


class BadTokenName(IdentityError):
    key = "identity.bad_token_name"


class TokenExists(IdentityError, Conflict):
    key = "identity.token_exists"


class NoSuchToken(IdentityError, NotFound):
    key = "identity.token_not_found"


class NoSuchSession(IdentityError, NotFound):
    key = "identity.session_not_found"


class BaseUrlMissing(IdentityError):
    key = "identity.base_url_missing"


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in, and with what: a browser session (``session_token`` for the cookie,
    ``csrf_token`` for forms, ``expires_at`` when it ends unless used) or an API token (all
    three None)."""

    identity: Identity
    email: str
    name: str
    lang: str
    session_token: str | None
    csrf_token: str | None
    expires_at: dt.datetime | None
    # the unit where the officer holds the position that let them in (use cases about "my"
    # work take it instead of looking the officer up again)
    unit_id: int | None = None


@dataclass(frozen=True)
class SecondStep:
    """A correct password for an account with two-step sign-in — "bước xác thực thứ hai":
    no session yet; ``token`` (for a short-lived cookie) names the pending step until
    ``expires_at``, and only a correct TOTP code (``application.totp.sign_in_code``) opens
    the session."""

    token: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class Invited:
    """An invitation put into the outbox: to whom, and until when its link works (UTC and
    on the officer's unit's wall clock)."""

    email: str
    name: str
    expires_at: dt.datetime
    expires_local: dt.datetime
    sessions_ended: int = 0  # a sign-in reset ended this many open sessions

    def as_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "channel": "email",
            "expires_at": self.expires_at.isoformat(),
        }


@dataclass(frozen=True)
class TokenInfo:
    """An API token as its owner may see it again: never the token, only its first characters."""

    email: str
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "prefix": self.prefix,
            "created_at": self.created_at.isoformat(),
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


@dataclass(frozen=True)
class CreatedToken:
    """A new API token: ``token`` is shown this once and never again."""

    email: str
    name: str
    token: str
    prefix: str
    created_at: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "token": self.token,
            "prefix": self.prefix,
            "created_at": self.created_at.isoformat(),
        }


# --- secrets ----------------------------------------------------------------------------------


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _decoy() -> str:
    """A hash to check a password against when the email has none, so a wrong email takes
    as long to refuse as a wrong password."""
    return _hasher().hash(secrets.token_urlsafe(16))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _verify(stored: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    if len(password) > MAX_PASSWORD:
        return False
    try:
        return _hasher().verify(stored or _decoy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, email: str) -> tuple[str, dict[str, Any]] | None:
    """The rule a new password breaks, as (message key, parameters), or None. The one place
    the rules live: at least ``MIN_PASSWORD`` characters, at most ``MAX_PASSWORD``, and not
    the email (nor its part before the @)."""
    if len(password) < MIN_PASSWORD:
        return "identity.password_too_short", {"min": MIN_PASSWORD}
    if len(password) > MAX_PASSWORD:
        return "identity.password_too_long", {"max": MAX_PASSWORD}
    folded = password.strip().casefold()
    if folded in (email.casefold(), email.split("@", 1)[0].casefold()):
        return "identity.password_is_email", {}
    return None


def check_password(password: str, email: str) -> None:
    """``BadPassword`` explaining the rule when ``password`` breaks one."""
    problem = password_problem(password, email)
    if problem is not None:
        key, params = problem
        raise BadPassword(key, **params)


def _email(value: str) -> str:
    return value.strip().lower()[: MAX_EMAIL + 1]


# --- signing in -------------------------------------------------------------------------------


def _locked_until(times: list[dt.datetime], now: dt.datetime) -> dt.datetime | None:
    """When the refusal that ``times`` (failures, oldest first) earned ends, if it runs now."""
    if len(times) < FAILURES:
        return None
    last = times[-1]
    burst = [t for t in times if t > last - WINDOW]
    if len(burst) >= FAILURES and now < last + LOCK:
        return last + LOCK
    return None


def _throttled_until(
    session: Session, email: str, address: str, now: dt.datetime
) -> dt.datetime | None:
    by_email, by_address = store.recent_failures(
        session=session, email=email, address=address, since=now - WINDOW - LOCK
    )
    ends = [t for t in (_locked_until(by_email, now), _locked_until(by_address, now)) if t]
    return max(ends) if ends else None


def _signed_in(
    officer: Officer,
    *,
    token: str | None,
    csrf: str | None,
    expires_at: dt.datetime | None,
) -> SignedIn:
    return SignedIn(
        identity=Identity.officer(officer.email),
        email=officer.email,
        name=officer.name,
        lang=normalize_lang(officer.lang),
        session_token=token,
        csrf_token=csrf,
        expires_at=expires_at,
        unit_id=officer.unit_id,
    )


def _open_session(
    session: Session,
    account: Account,
    officer: Officer,
    *,
    address: str,
    user_agent: str,
    now: dt.datetime,
    idle_minutes: int,
) -> SignedIn:
    """A new session with a new random id (never one the browser brought: no fixation)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_digest(token),
            account_id=account.id or 0,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
            address=address[:MAX_ADDRESS],
            user_agent=user_agent[:MAX_USER_AGENT],
        )
    )
    session.flush()
    return _signed_in(
        officer, token=token, csrf=csrf, expires_at=now + dt.timedelta(minutes=idle_minutes)
    )


def _second_step(
    session: Session, account: Account, *, address: str, now: dt.datetime
) -> SecondStep:
    """A pending second step for ``account`` (its random id stored hashed), audited."""
    token = secrets.token_urlsafe(32)
    expires = now + SECOND_STEP_VALID
    store.add_challenge(account.id or 0, _digest(token), session=session, now=now,
                        expires_at=expires, address=address[:MAX_ADDRESS])  # fmt: skip
    _audit(session, account.email, now, "sign_in_second_step", account.email,
           {"address": address[:MAX_ADDRESS]})  # fmt: skip
    return SecondStep(token, expires)


def sign_in(
    uow: UnitOfWork,
    *,
    email: str,
    password: str,
    address: str,
    now: dt.datetime,
    user_agent: str = "",
    idle_minutes: int = IDLE_MINUTES,
) -> SignedIn | SecondStep:
    """Sign in with an email and a password: a new browser session — or, for an account with
    two-step sign-in, a ``SecondStep`` waiting for its TOTP code (no session yet).
    ``SignInRefused`` (one message for a wrong email, a wrong password or no position held
    now) or ``SignInThrottled``; each failure is counted and audited, and so is each sign-in."""
    require_aware(now)
    email = _email(email)
    address = address[:MAX_ADDRESS]
    with uow as session:
        until = _throttled_until(session, email, address, now)
        reason = "throttled"
        if until is None:
            account = store.get_account(email, session=session)
            stored = account.password_hash if account else None
            ok = _verify(stored, password)
            officer = store.officer_in_post(email, session=session, now=now) if ok else None
            if account is not None and officer is not None:
                if stored and _hasher().check_needs_rehash(stored):
                    account.password_hash = _hasher().hash(password)
                if account.totp_enabled_at is not None:
                    return _second_step(session, account, address=address, now=now)
                signed = _open_session(
                    session,
                    account,
                    officer,
                    address=address,
                    user_agent=user_agent,
                    now=now,
                    idle_minutes=idle_minutes,
                )
                _audit(session, email, now, "sign_in", email, {"address": address})
                return signed
            reason = "no_position" if ok else "password" if stored else _why_not(session, email)
            store.add_failure(email, address, session=session, now=now)
        _audit(session, email, now, "sign_in_failed", email, {"address": address, "why": reason})
    if until is not None:
        raise SignInThrottled(retry_at=until, now=now)
    raise SignInRefused()


def refuse_if_throttled(session: Session, email: str, now: dt.datetime) -> None:
    """``SignInThrottled`` while the account is locked by failed sign-ins or failed proofs."""
    until = _throttled_until(session, email, "", now)
    if until is not None:
        raise SignInThrottled(retry_at=until, now=now)


@contextmanager
def counting_failed_proofs(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, action: str
) -> Iterator[None]:
    """Around a signed-in officer's act that asks for their password (or code) again: a wrong
    one counts as a failed sign-in of the account (so the sign-in throttle stops guessing from a
    session left open), in a transaction of its own since the act's was rolled back; audited as
    ``reauthenticate_failed`` with the act it was for."""
    try:
        yield
    except WrongPassword:
        _count_failed_proof(uow, identity, now, action)
        raise
    except IdentityError as exc:
        if exc.key == "identity.totp_wrong_code":
            _count_failed_proof(uow, identity, now, action)
        raise


def _count_failed_proof(uow: UnitOfWork, identity: Identity, now: dt.datetime, action: str) -> None:
    with uow as session:
        store.add_failure(identity.name, "", session=session, now=now)
        _audit(session, identity.name, now, "reauthenticate_failed", identity.name, {"for": action})


def _why_not(session: Session, email: str) -> str:
    """Why an email without a password cannot sign in (for the audit log only)."""
    return "no_password" if store.officers_named(email, session=session) else "unknown_email"


def resume_session(
    uow: UnitOfWork, *, token: str, now: dt.datetime, idle_minutes: int = IDLE_MINUTES
) -> SignedIn | None:
    """The officer a session cookie signs in, or None: unknown, ended, unused for
    ``idle_minutes``, or the officer holds no position any more. Marks it used now (to the
    nearest ``SEEN_GRANULARITY``: expiry may come that much early, never late)."""
    require_aware(now)
    if not token:
        return None
    with uow as session:
        found = store.session_with_account(_digest(token), session=session)
        if found is None or found[0].ended_at is not None:
            return None
        row, account = found
        if now - row.last_seen_at > dt.timedelta(minutes=idle_minutes):
            row.ended_at = now
            return None
        officer = store.officer_in_post(account.email, session=session, now=now)
        if officer is None:
            return None
        if now - row.last_seen_at >= SEEN_GRANULARITY:
            row.last_seen_at = now  # a page a second writes nothing more than one a minute
        return _signed_in(
            officer,
            token=token,
            csrf=row.csrf_token,
            expires_at=now + dt.timedelta(minutes=idle_minutes),
        )


def sign_out(uow: UnitOfWork, *, token: str, now: dt.datetime) -> None:
    """End the session for good (its cookie no longer signs anyone in); audited."""
    require_aware(now)
    if not token:
        return
    with uow as session:
        row = store.session_by_hash(_digest(token), session=session)
        if row is None or row.ended_at is not None:
            return
        row.ended_at = now
        account = session.get(Account, row.account_id)
        email = account.email if account else ""
        _audit(session, email, now, "sign_out", email, {"address": row.address})


def bearer_identity(uow: UnitOfWork, *, token: str, now: dt.datetime) -> SignedIn | None:
    """The officer an API token (``Authorization: Bearer …``) acts as, or None: unknown,
    revoked, or the officer holds no position any more. Marks it used now (to the nearest
    ``SEEN_GRANULARITY``)."""
    require_aware(now)
    if not token.startswith(TOKEN_PREFIX):
        return None
    with uow as session:
        row = store.token_by_hash(_digest(token), session=session)
        if row is None or row.revoked_at is not None:
            return None
        account = session.get(Account, row.account_id)
        officer = (
            store.officer_in_post(account.email, session=session, now=now) if account else None
        )
        if officer is None:
            return None
        if row.last_used_at is None or now - row.last_used_at >= SEEN_GRANULARITY:
            row.last_used_at = now
        return _signed_in(officer, token=None, csrf=None, expires_at=None)


# --- managing accounts ------------------------------------------------------------------------


def _audit(
    session: Session,
    actor: str,
    now: dt.datetime,
    action: str,
    email: str,
    after: dict[str, Any] | None = None,
) -> None:
    record(
        session=session,
        actor=actor,
        now=now,
        action=action,
        entity="account",
        key=email,
        after=after,
    )


def _gate_unit(session: Session, identity: Identity, email: str | None, now: dt.datetime) -> int:
    """The unit whose holdings decide: the acting officer's (where they hold a position now,
    else where they are known), else the account's."""
    if identity.kind == "officer":
        mine = store.officer_in_post(identity.name, session=session, now=now)
        known = [mine] if mine else store.officers_named(identity.name, session=session)
        if known:
            return known[0].unit_id
    if email:
        theirs = store.officers_named(email, session=session)
        if theirs:
            return theirs[0].unit_id
    return 0


def _authorize(
    session: Session, identity: Identity, action: str, email: str | None, now: dt.datetime
) -> None:
    """The policy's word on ``action`` on ``email``'s account (every account's when None);
    ``Refused`` otherwise. ``NoSuchOfficer`` when no unit knows the email."""
    unit_id = _gate_unit(session, identity, email, now)
    gate = Gate.load(session, unit_id) if unit_id else Gate(0, [], {})
    timezone = unit_timezone(session=session, unit_id=unit_id) if unit_id else DEFAULT_TIMEZONE
    try:
        gate.check(
            identity,
            action,
            Subject(officer=email),
            on=local_today(now, timezone),
            entity="account",
            key=email or "",
        )
    except Refused as refusal:
        if not unit_id:
            refusal.unit_id = None  # no unit to file it under
        raise
    if email is not None and not store.officers_named(email, session=session):
        raise NoSuchOfficer(email=email)


def _store_password(account: Account, password: str, now: dt.datetime) -> None:
    account.password_hash = _hasher().hash(password)
    account.changed_at = now


def set_password(
    uow: UnitOfWork, identity: Identity, *, email: str, password: str, now: dt.datetime
) -> None:
    """Set an officer's password (``cchc user password``); ends their open sessions."""
    require_aware(now)
    email = _email(email)
    check_password(password, email)
    with uow as session:
        _authorize(session, identity, "account.password", email, now)
        account = store.ensure_account(email, session=session, now=now)
        _store_password(account, password, now)
        ended = store.end_sessions(account.id or 0, session=session, now=now)
        _audit(session, identity.audit_name, now, "password_set", email, {"sessions_ended": ended})


def change_password(
    uow: UnitOfWork,
    identity: Identity,
    *,
    current: str,
    new: str,
    now: dt.datetime,
    keep_session: str | None = None,
) -> None:
    """An officer changes their own password, giving the current one; every other session
    of theirs ends (``keep_session``: the one they are using, which stays)."""
    require_aware(now)
    email = identity.name
    with counting_failed_proofs(uow, identity, now, "account.password"), uow as session:
        _authorize(session, identity, "account.password", email, now)
        account = store.get_account(email, session=session)
        refuse_if_throttled(session, email, now)
        if account is None or not _verify(account.password_hash, current):
            raise WrongPassword()
        check_password(new, email)
        _store_password(account, new, now)
        keep = _digest(keep_session) if keep_session else None
        ended = store.end_sessions(account.id or 0, session=session, now=now, keep=keep)
        _audit(
            session, identity.audit_name, now, "password_changed", email, {"sessions_ended": ended}
        )


# --- API tokens -------------------------------------------------------------------------------


def _token_name(name: str) -> str:
    import unicodedata

    cleaned = name.strip()
    if (
        not cleaned
        or len(cleaned) > MAX_TOKEN_NAME
        or any(unicodedata.category(c).startswith("C") for c in cleaned)
    ):
        raise BadTokenName(name=name[:MAX_TOKEN_NAME], max=MAX_TOKEN_NAME)
    return cleaned


def create_token(
    uow: UnitOfWork, identity: Identity, *, email: str, name: str, now: dt.datetime
) -> CreatedToken:
    """A new API token for ``email`` (``cchc token create``): returned once, stored hashed.
    A name in use is ``TokenExists``; a revoked token's name may be given again."""
    require_aware(now)
    email, name = _email(email), _token_name(name)
    with uow as session:
        _authorize(session, identity, "account.token", email, now)
        account = store.ensure_account(email, session=session, now=now)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        prefix = token[:SHOWN_PREFIX]
        row = store.token_named(account.id or 0, name, session=session)
        if row is not None and row.revoked_at is None:
            raise TokenExists(email=email, name=name)
        if row is None:
            row = ApiToken(account_id=account.id or 0, name=name, token_hash="", prefix="")
            session.add(row)
        row.token_hash, row.prefix, row.created_at = _digest(token), prefix, now
        row.last_used_at = row.revoked_at = None
        session.flush()
        _audit(session, identity.audit_name, now, "token_created", email,
               {"name": name, "prefix": prefix})  # fmt: skip
        return CreatedToken(email, name, token, prefix, now)


def list_tokens(
    uow: UnitOfWork,
    identity: Identity,
    *,
    email: str | None,
    now: dt.datetime | None = None,
) -> list[TokenInfo]:
    """The tokens of ``email`` (``cchc token list``); without one, the acting officer's own,
    or every account's for the operator. Never the tokens themselves. ``now`` (the real clock
    when not given) is the day the policy looks at the acting officer's holdings."""
    now = require_aware(now) if now is not None else dt.datetime.now(dt.UTC)
    if email is None and identity.kind == "officer":
        email = identity.name
    email = _email(email) if email is not None else None
    with uow as session:
        _authorize(session, identity, "account.token", email, now)
        account_id: int | None = None
        if email is not None:
            account = store.get_account(email, session=session)
            if account is None:
                return []
            account_id = account.id
        return [
            TokenInfo(a.email, t.name, t.prefix, t.created_at, t.last_used_at, t.revoked_at)
            for t, a in store.tokens_of(session=session, account_id=account_id)
        ]


def revoke_token(
    uow: UnitOfWork, identity: Identity, *, email: str, name: str, now: dt.datetime
) -> None:
    """Revoke ``email``'s token ``name`` (``cchc token revoke``): it signs nobody in again."""
    require_aware(now)
    email, name = _email(email), name.strip()
    with uow as session:
        _authorize(session, identity, "account.token", email, now)
        account = store.get_account(email, session=session)
        row = store.token_named(account.id or 0, name, session=session) if account else None
        if row is None or row.revoked_at is not None:
            raise NoSuchToken(email=email, name=name)
        row.revoked_at = now
        _audit(session, identity.audit_name, now, "token_revoked", email,
               {"name": name, "prefix": row.prefix})  # fmt: skip


# --- invitations ------------------------------------------------------------------------------


def invite(
    uow: UnitOfWork, identity: Identity, *, email: str, base_url: str, now: dt.datetime
) -> Invited:
    """Email ``email`` a one-time link to set their password, valid 72 hours (``cchc user
    invite``), through the outbox. Only to an officer holding a position now (an
    administrator: only to an officer of their own unit)."""
    require_aware(now)
    email = _email(email)
    if not base_url:
        raise BaseUrlMissing()
    with uow as session:
        return _invite(session, identity, email=email, base_url=base_url, now=now)


def _invite(
    session: Session,
    identity: Identity,
    *,
    email: str,
    base_url: str,
    now: dt.datetime,
    audit: tuple[str, dict[str, Any]] = ("invited", {}),
) -> Invited:
    """The invitation of ``invite``, in ``session``; ``audit``: the audit action and what it
    adds to the entry."""
    from application.notices import Recipient, enqueue
    from domain.links import page_url, set_password_path
    from notifications.render import invitation_context, render
    from storage.calendar import load_calendar

    _authorize(session, identity, "account.invite", email, now)
    officer = store.officer_in_post(email, session=session, now=now)
    if officer is None:
        raise NotInPost(email=email)
    if identity.kind == "officer" and officer.unit_id != _gate_unit(session, identity, None, now):
        raise NoSuchOfficer(email=email)  # an administrator of another unit: not theirs
    account = store.ensure_account(email, session=session, now=now)
    store.withdraw_invitations(account.id or 0, session=session, now=now)
    token = secrets.token_urlsafe(32)
    expires = now + INVITATION_VALID
    row = PasswordInvitation(
        account_id=account.id or 0,
        token_hash=_digest(token),
        created_at=now,
        expires_at=expires,
    )
    session.add(row)
    session.flush()
    timezone = unit_timezone(session=session, unit_id=officer.unit_id)
    local_expiry = local_moment(expires, timezone)
    lang = normalize_lang(officer.lang)
    unit = session.get(UnitRecord, officer.unit_id)
    context = invitation_context(
        lang=lang,
        unit_name=unit.name if unit else "",
        recipient_name=officer.name,
        email=email,
        link=page_url(base_url, set_password_path(token)),
        expires_at=local_expiry,
    )
    # the link is a secret: by email only, never to a chat channel
    to = Recipient(email=email, name=officer.name, channels=("email",), lang=lang)
    enqueue(
        session,
        to=to,
        kind="invitation",
        key=f"invitation:{row.id}",
        rendered=render("invitation", context, lang),
        now=now,
        calendar=load_calendar(session=session, years=[local_expiry.year]),
        timezone=timezone,
        unit_id=officer.unit_id,
        urgent=True,
    )
    _audit(session, identity.audit_name, now, audit[0], email,
           {"expires_at": expires.isoformat(), **audit[1]})  # fmt: skip
    return Invited(email, officer.name, expires, local_expiry, audit[1].get("sessions_ended", 0))


def reset_sign_in(
    uow: UnitOfWork, identity: Identity, *, email: str, base_url: str, now: dt.datetime
) -> Invited:
    """Reset an officer's sign-in (the Cán bộ page's "Đặt lại đăng nhập": a lost password, a
    browser left signed in): every open session of theirs ends and a new invitation to set a
    password goes to their address, as ``invite`` (the policy's ``account.invite``). The
    password they have still signs in until they set a new one; two-step sign-in stays."""
    require_aware(now)
    email = _email(email)
    if not base_url:
        raise BaseUrlMissing()
    with uow as session:
        _authorize(session, identity, "account.invite", email, now)
        account = store.get_account(email, session=session)
        ended = store.end_sessions(account.id or 0, session=session, now=now) if account else 0
        return _invite(
            session,
            identity,
            email=email,
            base_url=base_url,
            now=now,
            audit=("sign_in_reset", {"sessions_ended": ended}),
        )


def redeem_invite(
    uow: UnitOfWork,
    *,
    token: str,
    password: str,
    now: dt.datetime,
    address: str = "",
    user_agent: str = "",
    idle_minutes: int = IDLE_MINUTES,
) -> SignedIn | SecondStep:
    """Set the password an invitation link is for, spend the link and sign in (the page
    ``/dat-mat-khau/{token}``) — with two-step sign-in on, only as far as the ``SecondStep``:
    the link does not replace the code. ``InvitationInvalid`` for a link unknown, used or
    expired; ``BadPassword`` (the link stays valid) for a password breaking the rules."""
    require_aware(now)
    with uow as session:
        row = store.invitation_by_hash(_digest(token), session=session) if token else None
        account = session.get(Account, row.account_id) if row else None
        if row is None or account is None or row.used_at is not None or now >= row.expires_at:
            raise InvitationInvalid()
        check_password(password, account.email)
        officer = store.officer_in_post(account.email, session=session, now=now)
        if officer is None:
            raise InvitationInvalid()
        _store_password(account, password, now)
        row.used_at = now
        store.withdraw_invitations(account.id or 0, session=session, now=now)
        ended = store.end_sessions(account.id or 0, session=session, now=now)
        _audit(session, account.email, now, "invitation_used", account.email,
               {"sessions_ended": ended, "address": address[:MAX_ADDRESS]})  # fmt: skip
        if account.totp_enabled_at is not None:
            return _second_step(session, account, address=address, now=now)
        signed = _open_session(
            session,
            account,
            officer,
            address=address[:MAX_ADDRESS],
            user_agent=user_agent,
            now=now,
            idle_minutes=idle_minutes,
        )
        _audit(session, account.email, now, "sign_in", account.email, {"address": address})
        return signed


# --- one's own sessions and settings ----------------------------------------------------------


@dataclass(frozen=True)
class SessionInfo:
    """One open browser session of an officer — "phiên đăng nhập" (times on the unit's wall
    clock; ``current``: the one asking)."""

    id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime
    address: str
    user_agent: str
    current: bool


@dataclass(frozen=True)
class Profile:
    """The signed-in officer's own page: their message preferences and open sessions."""

    email: str
    name: str
    unit: str
    lang: str
    digest: bool
    quiet: bool
    channels: tuple[str, ...]
    apprise_urls: tuple[str, ...]
    sessions: tuple[SessionInfo, ...]
    totp: TotpState | None = None


def own_officer(
    session: Session, identity: Identity, now: dt.datetime, action: str = "account.password"
) -> Officer:
    """The acting officer, allowed by the policy ``action`` on their own account."""
    email = identity.name
    _authorize(session, identity, action, email, now)
    officer = store.officer_in_post(email, session=session, now=now)
    if identity.kind != "officer" or officer is None:
        raise NotInPost(email=email)
    return officer


def _sessions(
    session: Session, officer: Officer, session_token: str | None
) -> tuple[SessionInfo, ...]:
    this = _digest(session_token) if session_token else None
    account = store.get_account(officer.email, session=session)
    rows = store.open_sessions(account.id or 0, session=session) if account else []
    timezone = unit_timezone(session=session, unit_id=officer.unit_id)
    return tuple(
        SessionInfo(
            r.id or 0,
            local_moment(r.created_at, timezone),
            local_moment(r.last_seen_at, timezone),
            r.address,
            r.user_agent,
            r.token_hash == this,
        )
        for r in rows
    )


def list_sessions(
    uow: UnitOfWork, identity: Identity, *, now: dt.datetime, session_token: str | None = None
) -> tuple[SessionInfo, ...]:
    """The acting officer's own open sessions, the most recently used first
    (``session_token``: the one they are using, marked current)."""
    require_aware(now)
    with uow as session:
        return _sessions(session, own_officer(session, identity, now), session_token)


def my_profile(
    uow: UnitOfWork, identity: Identity, *, now: dt.datetime, session_token: str | None = None
) -> Profile:
    """The acting officer's preferences, open sessions (``list_sessions``) and two-step
    sign-in (``application.totp.totp_state``)."""
    from application.totp import totp_state

    require_aware(now)
    with uow as session:
        officer = own_officer(session, identity, now)
        unit = session.get(UnitRecord, officer.unit_id)
        return Profile(
            email=officer.email,
            name=officer.name,
            unit=unit.code if unit else "",
            lang=normalize_lang(officer.lang),
            digest=officer.digest,
            quiet=officer.quiet,
            channels=tuple(officer.channels),
            apprise_urls=tuple(officer.apprise_urls),
            sessions=_sessions(session, officer, session_token),
            totp=totp_state(session, identity, officer, now),
        )


def end_session(uow: UnitOfWork, identity: Identity, *, session_id: int, now: dt.datetime) -> None:
    """End one of the acting officer's own open sessions (another browser they left signed
    in); someone else's, or one already ended, is ``NoSuchSession``. Audited."""
    require_aware(now)
    with uow as session:
        officer = own_officer(session, identity, now)
        account = store.get_account(officer.email, session=session)
        row = get_row(session, WebSession, session_id)
        if account is None or row is None or row.account_id != account.id or row.ended_at:
            raise NoSuchSession(id=session_id)
        row.ended_at = now
        _audit(session, identity.audit_name, now, "session_ended", officer.email,
               {"session": session_id, "address": row.address})  # fmt: skip
