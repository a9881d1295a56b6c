"""Who is asking: the signed-in officer of a request, from its session cookie or its
``Authorization: Bearer`` token, through the identity use cases (``application.identity``).

Pages and API routes depend on ``signed_in`` (a stranger is sent to the sign-in page, or gets
401 from the API); a request that changes something also passes ``check_csrf``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request

from domain.i18n import Lang
from web.env import env_of
from web.security import CSRF_HEADER, CsrfRefused, same_token

if TYPE_CHECKING:
    from application.identity import SignedIn

SESSION_COOKIE = "cchc_session"


class NotSignedIn(Exception):
    """The request has no valid session or token."""


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def current(request: Request) -> SignedIn | None:
    """The signed-in officer of ``request``, or None (looked up once per request)."""
    if "signed" in request.state._state:
        found: SignedIn | None = request.state.signed
        return found
    from application.identity import bearer_identity, resume_session

    env = env_of(request)
    signed: SignedIn | None = None
    token = _bearer(request)
    if token is not None:
        signed = bearer_identity(env.uow(), token=token, now=env.now())
    elif cookie := request.cookies.get(SESSION_COOKIE):
        signed = resume_session(
            env.uow(), token=cookie, now=env.now(), idle_minutes=env.settings.session_idle_minutes
        )
    request.state.signed = signed
    return signed


def signed_in(request: Request) -> SignedIn:
    """A FastAPI dependency: the signed-in officer, else ``NotSignedIn``."""
    signed = current(request)
    if signed is None:
        raise NotSignedIn
    return signed


def lang_of(request: Request) -> Lang:
    """The officer's language when signed in, else the installation's."""
    signed = request.state.signed if "signed" in request.state._state else None
    if signed is not None and signed.lang in ("vi", "en"):
        lang: Lang = signed.lang
        return lang
    return env_of(request).settings.lang


def check_csrf(request: Request, signed: SignedIn, field: str | None = None) -> None:
    """Refuse a change made with the session cookie without the session's CSRF token (a
    bearer token is no ambient credential: a script's request needs none)."""
    if signed.session_token is None:
        return
    given = field or request.headers.get(CSRF_HEADER)
    if not same_token(given, signed.csrf_token):
        raise CsrfRefused
