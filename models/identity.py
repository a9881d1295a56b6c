"""Who may sign in — "tài khoản": accounts, browser sessions, API tokens, failed sign-ins and
invitations to set a password.

An account is one per email across every unit (an officer of two units signs in once). No
secret is stored as given: passwords as Argon2 hashes, session ids, API tokens and invitation
tokens as SHA-256 digests (``*_hash``). A session's CSRF token is not a credential on its own
(it is useless without the session cookie) and is kept as issued so pages can repeat it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime


def _at(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Account(SQLModel, table=True):
    """One person's sign-in: their email, password hash (None until one is set) and an
    optional second step — "xác thực hai bước": a TOTP secret, sealed with a key derived from
    the installation's audit key (``application.totp``), in use once ``totp_enabled_at`` is
    set; ``totp_last_step`` is the time-step of the last code accepted (none is accepted
    twice)."""

    __tablename__ = "account"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    password_hash: str | None = Field(default=None, max_length=255)
    totp_secret: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime = _at()
    changed_at: dt.datetime = _at()
    totp_enabled_at: dt.datetime | None = _at(nullable=True)
    totp_last_step: int | None = Field(default=None)


class WebSession(SQLModel, table=True):
    """A signed-in browser — "phiên đăng nhập": the cookie holds a random id, stored hashed."""

    __tablename__ = "web_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: dt.datetime = _at()
    last_seen_at: dt.datetime = _at()
    ended_at: dt.datetime | None = _at(nullable=True)
    address: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=255)


class SignInChallenge(SQLModel, table=True):
    """A correct password waiting for its TOTP code — "bước xác thực thứ hai": the browser
    holds a random id (stored hashed) until ``expires_at``; no session exists before the code
    is accepted, and then the step is spent (``used_at``)."""

    __tablename__ = "sign_in_challenge"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    created_at: dt.datetime = _at()
    expires_at: dt.datetime = _at()
    used_at: dt.datetime | None = _at(nullable=True)
    address: str = Field(default="", max_length=64)


class ApiToken(SQLModel, table=True):
    """A bearer token for scripts — "mã truy cập API": shown once, stored hashed; ``prefix``
    (its first characters) lets its owner recognise it in a list."""

    __tablename__ = "api_token"
    __table_args__ = (UniqueConstraint("account_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str = Field(max_length=64)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    created_at: dt.datetime = _at()
    last_used_at: dt.datetime | None = _at(nullable=True)
    revoked_at: dt.datetime | None = _at(nullable=True)


class SignInFailure(SQLModel, table=True):
    """A failed sign-in, counted per email given and per address to throttle guessing."""

    __tablename__ = "sign_in_failure"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    address: str = Field(default="", max_length=64, index=True)
    at: dt.datetime = _at(index=True)


class PasswordInvitation(SQLModel, table=True):
    """A one-time link to set a password — "lời mời đặt mật khẩu": valid until ``expires_at``,
    spent once ``used_at`` is set."""

    __tablename__ = "password_invitation"
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = _at()
    expires_at: dt.datetime = _at()
    used_at: dt.datetime | None = _at(nullable=True)


class CalendarFeed(SQLModel, table=True):
    """An officer's private calendar subscription — "lịch đăng ký": the secret token in the
    address is the only credential, stored hashed; renewing replaces it, revoking ends it."""

    __tablename__ = "calendar_feed"
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", unique=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = _at()
    last_used_at: dt.datetime | None = _at(nullable=True)
    revoked_at: dt.datetime | None = _at(nullable=True)
