"""Xác thực hai bước: the second sign-in page (``/dang-nhap/ma-xac-thuc``, the authenticator's
code after a correct password) and the profile's forms to turn it on, confirm and turn off,
with the enrolment's QR code as an SVG image (drawn here, no outside service).

Between the password and the code the browser holds only a short-lived cookie naming the
pending step (``cchc_second_step``, its id stored hashed on the server, five minutes): no
session exists until the code is accepted, and the session then gets a new id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain import links
from domain.errors import CchcError, NotFound
from web.auth import check_csrf, lang_of, signed_in
from web.env import env_of
from web.errors import InputError
from web.routes import Routes
from web.security import CsrfRefused, same_token

if TYPE_CHECKING:
    from application.identity import SecondStep
    from application.identity import SignedIn as SignedInDep
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes(include_in_schema=False)
route = ROUTES.route
CODE_PAGE = links.SIGN_IN + "/ma-xac-thuc"
SECTION = links.PROFILE + "/xac-thuc-hai-buoc"
STEP_COOKIE = "cchc_second_step"


def _see_other(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


def to_second_step(request: Request, step: SecondStep, nxt: str) -> Response:
    """After a correct password for an account with two-step sign-in: the code page, with the
    pending step's cookie (sent only to the sign-in pages, gone when the step expires)."""
    from urllib.parse import quote

    env = env_of(request)
    response = _see_other(CODE_PAGE + ("?next=" + quote(nxt, safe="/") if nxt else ""))
    response.set_cookie(
        STEP_COOKIE,
        step.token,
        max_age=max(1, int((step.expires_at - env.now()).total_seconds())),
        httponly=True,
        samesite="strict",
        secure=env.secure_cookies,
        path=links.SIGN_IN,
    )
    return response


def _code_form(
    request: Request, *, status: int = 200, message: str = "", nxt: str = ""
) -> Response:
    from web.pages import _anonymous_form, _safe_next

    return _anonymous_form(
        request, "sign_in_code.html", status=status, message=message, next=_safe_next(nxt)
    )


@route("GET", CODE_PAGE, response_class=HTMLResponse)
def code_page(request: Request, next: str = "") -> Response:
    """The code form; without a pending step, the sign-in form itself."""
    from web.pages import _sign_in_form

    if not request.cookies.get(STEP_COOKIE):
        return _sign_in_form(request, nxt=next)
    return _code_form(request, nxt=next)


@route("POST", CODE_PAGE)
def code_post(
    request: Request,
    code: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    from web.pages import ANON_CSRF_COOKIE, _safe_next, _session_cookie, _sign_in_form

    if not same_token(csrf_token, request.cookies.get(ANON_CSRF_COOKIE)):
        raise CsrfRefused
    from application.identity import SignInThrottled
    from application.totp import SecondStepExpired, sign_in_code

    env = env_of(request)
    try:
        signed = sign_in_code(
            env.uow(),
            token=request.cookies.get(STEP_COOKIE, ""),
            code=code,
            address=request.client.host if request.client else "",
            now=env.now(),
            user_agent=request.headers.get("user-agent", ""),
            idle_minutes=env.settings.session_idle_minutes,
        )
    except SecondStepExpired as exc:
        response = _sign_in_form(
            request, status=401, message=exc.render(lang_of(request)), nxt=next
        )
        response.delete_cookie(STEP_COOKIE, path=links.SIGN_IN)
        return response
    except CchcError as exc:
        status = 429 if isinstance(exc, SignInThrottled) else 401
        return _code_form(request, status=status, message=exc.render(lang_of(request)), nxt=next)
    response = _see_other(_safe_next(next))
    _session_cookie(response, request, signed)
    response.delete_cookie(STEP_COOKIE, path=links.SIGN_IN)
    return response


# --- Hồ sơ cá nhân: turning it on and off ------------------------------------------------------


def _profile_with(request: Request, signed: SignedInDep, exc: CchcError) -> Response:
    from web.errors import status_of
    from web.pages import _profile_page

    message = exc.render(lang_of(request))
    return _profile_page(request, signed, status=status_of(exc), message=message)


@route("POST", SECTION)
def begin_post(
    request: Request, signed: SignedInDep, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    """A new secret; the profile shows it (with its QR code) until the first code confirms it."""
    check_csrf(request, signed, csrf_token)
    from application.totp import begin_totp

    env = env_of(request)
    begin_totp(env.uow(), signed.identity, now=env.now())
    return _see_other(links.PROFILE + "#xac-thuc-hai-buoc")


@route("POST", SECTION + "/xac-nhan")
def confirm_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, signed, csrf_token)
    from application.totp import WrongCode, confirm_totp

    env = env_of(request)
    try:
        confirm_totp(env.uow(), signed.identity, code=code, now=env.now())
    except WrongCode as exc:
        return _profile_with(request, signed, exc)
    return _see_other(links.PROFILE + "#xac-thuc-hai-buoc")


@route("POST", SECTION + "/tat")
def disable_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
) -> Response:
    """Turn it off (the password and a current code), or drop an enrolment not confirmed."""
    check_csrf(request, signed, csrf_token)
    from application.identity import WrongPassword
    from application.totp import WrongCode, disable_totp

    env = env_of(request)
    try:
        disable_totp(env.uow(), signed.identity, password=password, code=code, now=env.now())
    except (WrongCode, WrongPassword) as exc:
        return _profile_with(request, signed, exc)
    return _see_other(links.PROFILE + "#xac-thuc-hai-buoc")


@route("GET", SECTION + "/ma-qr.svg")
def qr_get(request: Request, signed: SignedInDep) -> Response:
    """The pending enrolment's ``otpauth://`` address as a QR code (SVG, no script); 404 when
    nothing waits for confirmation. Never cached."""
    import io

    import segno

    from application.identity import my_profile

    env = env_of(request)
    me = my_profile(env.uow(), signed.identity, now=env.now())
    if me.totp is None or me.totp.pending is None:
        raise NothingPending("web.totp_nothing_pending")
    out = io.BytesIO()
    segno.make(me.totp.pending.uri, error="m").save(
        out, kind="svg", scale=4, border=4, xmldecl=False, svgns=True, title=None
    )
    return Response(out.getvalue(), media_type="image/svg+xml")


class NothingPending(InputError, NotFound):
    """No enrolment waits for its first code: no QR code to draw."""
