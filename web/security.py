"""Headers every response carries, and the CSRF check of every form.

The Content-Security-Policy allows scripts and styles only from this site (htmx and our CSS
are shipped in ``web/static``; the pages hold no inline script), and no framing. A form that
changes anything carries the session's CSRF token (a hidden ``csrf_token`` field, or the
``X-CSRF-Token`` header htmx sends); the sign-in form, used before any session exists, carries
a token that must match its ``cchc_csrf`` cookie.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class CsrfRefused(Exception):
    """A form or request that changes something came without its CSRF token."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(given: str | None, expected: str | None) -> bool:
    """Whether ``given`` is the expected token (compared in constant time)."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response (pages, API, static files,
    errors); pages and API answers are not cached."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                given = message.get("headers", [])
                headers = [(k, v) for k, v in given if k.lower() not in _OURS]
                own = [(k, v) for k, v in given if k.lower() == b"content-security-policy"]
                # a response with a policy of its own (a document's sandbox) keeps it
                headers.extend(h for h in HEADERS if not (own and h[0] == own[0][0].lower()))
                headers.extend((k.lower(), v) for k, v in own)
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


_OURS = {name for name, _ in HEADERS} | {b"cache-control"}
