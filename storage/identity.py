"""Accounts, sessions, API tokens, failed sign-ins and invitations in the database.

Secrets arrive here already hashed (``application.identity`` hashes them); nothing in this
module ever sees a password or a token as the user typed it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from domain.clock import DEFAULT_TIMEZONE, local_today
from models import (
    Account,
    ApiToken,
    Assignment,
    Officer,
    PasswordInvitation,
    SignInChallenge,
    SignInFailure,
    WebSession,
)
from storage.plans import timezone_of_unit


def get_account(email: str, *, session: Session) -> Account | None:
    return session.exec(select(Account).where(Account.email == email)).first()


def ensure_account(email: str, *, session: Session, now: dt.datetime) -> Account:
    """The account of ``email``, created (without a password) when there is none yet."""
    row = get_account(email, session=session)
    if row is None:
        row = Account(email=email, created_at=now, changed_at=now)
        session.add(row)
        session.flush()
    return row


def officers_named(email: str, *, session: Session) -> list[Officer]:
    """Every unit's officer record with this email, oldest first."""
    return list(
        session.exec(select(Officer).where(Officer.email == email).order_by(col(Officer.id)))
    )


def officer_in_post(email: str, *, session: Session, now: dt.datetime) -> Officer | None:
    """The first officer record with this email that holds a position today (in its unit's
    time zone), or a province role (``province_role``: the province's CCHC staff, an
    appraiser), or None: an officer who holds neither any more may not sign in. One statement
    for the officers of a unit's plan: each record with its unit's time zone and its
    assignments' dates; a second only for someone who holds no position (a province officer)."""
    rows = session.execute(
        sa_select(
            Officer, timezone_of_unit(Officer.unit_id), col(Assignment.start), col(Assignment.end)
        )
        .outerjoin(Assignment, col(Assignment.officer_id) == Officer.id)
        .where(col(Officer.email) == email)
        .order_by(col(Officer.id))
    ).all()
    for officer, zone, start, end in rows:
        today = local_today(now, zone or DEFAULT_TIMEZONE)
        if start is not None and start <= today and (end is None or end >= today):
            found: Officer = officer
            return found
    records = {o.id: (o, z) for o, z, _, _ in rows}  # an officer comes once per assignment
    return _in_province_role(list(records.values()), session=session, now=now)


def _in_province_role(
    officers: Sequence[tuple[Officer, str | None]], *, session: Session, now: dt.datetime
) -> Officer | None:
    from models import ProvinceRole

    for officer, zone in officers:
        today = local_today(now, zone or DEFAULT_TIMEZONE)
        running = session.exec(
            select(ProvinceRole.id)
            .where(
                ProvinceRole.officer_id == officer.id,
                col(ProvinceRole.start) <= today,
                or_(col(ProvinceRole.end).is_(None), col(ProvinceRole.end) >= today),
            )
            .limit(1)
        ).first()
        if running is not None:
            return officer
    return None


# --- sessions ------------------------------------------------------------------------------


def session_by_hash(token_hash: str, *, session: Session) -> WebSession | None:
    return session.exec(select(WebSession).where(WebSession.token_hash == token_hash)).first()


def session_with_account(token_hash: str, *, session: Session) -> tuple[WebSession, Account] | None:
    """The session hashed ``token_hash`` and its account, read together (every page asks)."""
    found = session.exec(
        select(WebSession, Account)
        .join(Account, col(Account.id) == col(WebSession.account_id))
        .where(WebSession.token_hash == token_hash)
    ).first()
    return (found[0], found[1]) if found is not None else None


def end_sessions(
    account_id: int, *, session: Session, now: dt.datetime, keep: str | None = None
) -> int:
    """End every open session of the account but the one hashed ``keep``; how many ended."""
    query = update(WebSession).where(
        col(WebSession.account_id) == account_id, col(WebSession.ended_at).is_(None)
    )
    if keep is not None:
        query = query.where(col(WebSession.token_hash) != keep)
    result = session.execute(query.values(ended_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


# --- throttling ----------------------------------------------------------------------------


KEEP_FAILURES = dt.timedelta(days=1)


def add_failure(email: str, address: str, *, session: Session, now: dt.datetime) -> None:
    """Count a failed sign-in; failures older than a day (long past any throttling, and in
    the audit log anyway) are removed."""
    session.execute(delete(SignInFailure).where(col(SignInFailure.at) < now - KEEP_FAILURES))
    session.add(SignInFailure(email=email, address=address, at=now))
    session.flush()


def recent_failures(
    *, session: Session, email: str, address: str, since: dt.datetime
) -> tuple[list[dt.datetime], list[dt.datetime]]:
    """The times of failed sign-ins since ``since``: (for this email, from this address)."""
    rows = session.exec(
        select(SignInFailure).where(
            col(SignInFailure.at) >= since,
            or_(col(SignInFailure.email) == email, col(SignInFailure.address) == address),
        )
    ).all()
    by_email = sorted(r.at for r in rows if r.email == email)
    by_address = sorted(r.at for r in rows if address and r.address == address)
    return by_email, by_address


# --- API tokens ----------------------------------------------------------------------------


def token_by_hash(token_hash: str, *, session: Session) -> ApiToken | None:
    return session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash)).first()


def token_named(account_id: int, name: str, *, session: Session) -> ApiToken | None:
    return session.exec(
        select(ApiToken).where(ApiToken.account_id == account_id, ApiToken.name == name)
    ).first()


def tokens_of(
    *, session: Session, account_id: int | None = None
) -> Sequence[tuple[ApiToken, Account]]:
    """Tokens with their accounts, by email then name; every account's when ``account_id``
    is None."""
    query = select(ApiToken, Account).where(ApiToken.account_id == Account.id)
    if account_id is not None:
        query = query.where(ApiToken.account_id == account_id)
    rows = session.exec(query.order_by(col(Account.email), col(ApiToken.name))).all()
    return [(token, account) for token, account in rows]


# --- invitations ---------------------------------------------------------------------------


def withdraw_invitations(account_id: int, *, session: Session, now: dt.datetime) -> None:
    """Let the account's unused invitations expire now: only the newest link works."""
    session.execute(
        update(PasswordInvitation)
        .where(
            col(PasswordInvitation.account_id) == account_id,
            col(PasswordInvitation.used_at).is_(None),
            col(PasswordInvitation.expires_at) > now,
        )
        .values(expires_at=now)
    )


def invitation_by_hash(token_hash: str, *, session: Session) -> PasswordInvitation | None:
    return session.exec(
        select(PasswordInvitation).where(PasswordInvitation.token_hash == token_hash)
    ).first()


def open_sessions(account_id: int, *, session: Session) -> list[WebSession]:
    """The account's sessions not ended, the most recently used first."""
    query = (
        select(WebSession)
        .where(col(WebSession.account_id) == account_id, col(WebSession.ended_at).is_(None))
        .order_by(col(WebSession.last_seen_at).desc(), col(WebSession.id).desc())
    )
    return list(session.exec(query).all())


# --- the second step of a sign-in (TOTP) ----------------------------------------------------


def add_challenge(
    account_id: int,
    token_hash: str,
    *,
    session: Session,
    now: dt.datetime,
    expires_at: dt.datetime,
    address: str,
) -> SignInChallenge:
    """A pending second step for the account; steps that ended more than a day ago are
    removed (their outcome is in the audit log)."""
    session.execute(
        delete(SignInChallenge).where(col(SignInChallenge.expires_at) < now - KEEP_FAILURES)
    )
    row = SignInChallenge(
        account_id=account_id,
        token_hash=token_hash,
        created_at=now,
        expires_at=expires_at,
        address=address,
    )
    session.add(row)
    session.flush()
    return row


def challenge_by_hash(token_hash: str, *, session: Session) -> SignInChallenge | None:
    return session.exec(
        select(SignInChallenge).where(SignInChallenge.token_hash == token_hash)
    ).first()


def withdraw_challenges(account_id: int, *, session: Session, now: dt.datetime) -> None:
    """End the account's pending second steps (its two-step sign-in changed)."""
    session.execute(
        update(SignInChallenge)
        .where(
            col(SignInChallenge.account_id) == account_id,
            col(SignInChallenge.used_at).is_(None),
            col(SignInChallenge.expires_at) > now,
        )
        .values(expires_at=now)
    )
