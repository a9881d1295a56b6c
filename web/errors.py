"""Errors translated at the edge: a use case's error becomes a page naming the problem (or the
rule that refused), or JSON ``{"error": message}`` under ``/api``, in the reader's language,
with the status the problem calls for. Never a traceback."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from application.access import Refused
from application.identity import SignInThrottled
from domain import links
from domain.errors import CchcError, Conflict, InvalidInput, LocalizedError, NotFound
from domain.evidence import EvidenceRefused
from domain.i18n import Lang
from web.auth import NotSignedIn, lang_of
from web.messages import t
from web.security import CsrfRefused

API = "/api/"


class InputError(CchcError):
    """Bad input to a page or the API, worded in the web catalogue (``web.*`` keys)."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key, self.params = key, params
        super().__init__(self.render("en"))

    def render(self, lang: Lang = "vi") -> str:
        return t(self.key, lang, **self.params)


WRONG_STATE = frozenset({"error.bad_transition"})
TOO_LARGE = frozenset({"evidence_too_large"})


def status_of(exc: CchcError) -> int:
    """403 a refusal, 429 too many wrong passwords, 404 nothing found, 409 a wrong state, 413 a file too big, 422 the rest."""
    if isinstance(exc, Refused):
        return 403
    if isinstance(exc, SignInThrottled):
        return 429
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict) or (isinstance(exc, LocalizedError) and exc.key in WRONG_STATE):
        return 409
    problems = exc.problems if isinstance(exc, InvalidInput | EvidenceRefused) else ()
    if any(p.code in TOO_LARGE for p in problems):
        return 413
    return 422


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API)


def problem(request: Request, status: int, message: str, **extra: Any) -> Response:
    """The error as JSON under /api, else as the error page."""
    if _is_api(request):
        return JSONResponse({"error": message, **extra}, status_code=status)
    from web.auth import current
    from web.render import page

    signed = current(request) if status != 401 else None
    return page(request, "error.html", signed=signed, status=status, message=message, code=status)


def install(app: FastAPI) -> None:
    """Register the handlers that turn errors into pages or JSON."""

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if _is_api(request):
            return problem(request, 401, t("web.sign_in_needed", lang_of(request)))
        target = links.SIGN_IN
        if request.method == "GET" and request.url.path != links.MY_TASKS:
            from urllib.parse import quote

            target += "?next=" + quote(request.url.path, safe="/")
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: CsrfRefused) -> Response:
        return problem(request, 403, t("web.csrf_refused", lang_of(request)))

    @app.exception_handler(CchcError)
    async def cchc_error(request: Request, exc: CchcError) -> Response:
        return problem(request, status_of(exc), exc.render(lang_of(request)))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()})
        fields = [f for f in fields if f]
        if fields:
            message = t("web.bad_request", lang_of(request), fields=", ".join(fields))
        else:  # the body as a whole, not one field
            message = t("web.bad_body", lang_of(request))
        return problem(request, 422, message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        key = {404: "web.not_found", 405: "web.not_allowed"}.get(exc.status_code, "web.bad_body")
        message = t(key, lang_of(request))
        return problem(request, exc.status_code, message)
