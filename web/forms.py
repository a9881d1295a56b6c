"""What a form's POST handler does, written once: the session's CSRF token checked, one use
case run, then the answer — ``done`` with the use case's result (a redirect, or the page
saying what changed), or, when the use case says no with an error the user can fix,
``failed`` with that error (the page again, saying why, under its status). A refusal by the
policy is never a form's error: it goes on to the error page naming the rule (403), as does
any error of a handler given no ``failed``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from fastapi import Request
from fastapi.responses import Response

from domain.errors import CchcError
from web.auth import check_csrf

if TYPE_CHECKING:
    from application.identity import SignedIn

T = TypeVar("T")


def submit(
    request: Request,
    signed: SignedIn,
    csrf_token: str,
    run: Callable[[], T],
    done: Callable[[T], Response],
    failed: Callable[[CchcError], Response] | None = None,
) -> Response:
    """``run`` (the use case) once the CSRF token is right; its result to ``done``, its
    error to ``failed``."""
    from application.access import Refused

    check_csrf(request, signed, csrf_token)
    try:
        result = run()
    except Refused:
        raise  # the error page names the rule (403)
    except CchcError as exc:
        if failed is None:
            raise
        return failed(exc)
    return done(result)
