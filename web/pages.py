"""The pages: sign in and out, my work ("Việc của tôi"), one occurrence with its documents,
upload, submit and review. Each handler parses, calls one use case as the signed-in officer,
and renders or redirects (a form posts, then the browser is sent back to the page)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain import links
from domain.errors import CchcError
from web.auth import SESSION_COOKIE, check_csrf, lang_of, signed_in
from web.env import env_of
from web.errors import InputError
from web.render import page
from web.routes import Routes
from web.security import CSRF_FIELD, CsrfRefused, new_token, same_token
from web.uploads import UploadFields, store_uploads
from web.viewing import read_only, unit_param

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes(include_in_schema=False)
route = ROUTES.route
ANON_CSRF_COOKIE = "cchc_csrf"
OCCURRENCE = links.OCCURRENCE_PREFIX + "/{task}/{period}"
PAGE_ACTIONS = ("start", "submit", "accept", "return", "waive")


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never another host)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return links.MY_TASKS


def _see_other(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


# --- signing in and out -----------------------------------------------------------------------


def _anonymous_form(
    request: Request, template: str, *, status: int = 200, **context: Any
) -> Response:
    """A form used before any session exists, with a CSRF token matching its cookie."""
    token = request.cookies.get(ANON_CSRF_COOKIE) or new_token()
    response = page(request, template, status=status, csrf=token, **context)
    response.set_cookie(
        ANON_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=env_of(request).secure_cookies,
        path="/",
    )
    return response


def _sign_in_form(
    request: Request, *, status: int = 200, message: str = "", email: str = "", nxt: str = ""
) -> Response:
    return _anonymous_form(
        request, "sign_in.html", status=status, message=message, email=email, next=_safe_next(nxt)
    )


def _session_cookie(response: Response, request: Request, signed: SignedInDep) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        signed.session_token or "",
        httponly=True,
        samesite="lax",
        secure=env_of(request).secure_cookies,
        path="/",
    )
    response.delete_cookie(ANON_CSRF_COOKIE, path="/")


@route("GET", links.SIGN_IN, response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "") -> Response:
    return _sign_in_form(request, nxt=next)


@route("POST", links.SIGN_IN)
def sign_in_post(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    if not same_token(csrf_token, request.cookies.get(ANON_CSRF_COOKIE)):
        raise CsrfRefused
    from application.identity import SecondStep, SignInThrottled, sign_in
    from web.two_step import to_second_step

    env = env_of(request)
    address = request.client.host if request.client else ""
    try:
        signed = sign_in(
            env.uow(),
            email=email,
            password=password,
            address=address,
            now=env.now(),
            user_agent=request.headers.get("user-agent", ""),
            idle_minutes=env.settings.session_idle_minutes,
        )
    except CchcError as exc:
        status = 429 if isinstance(exc, SignInThrottled) else 401
        message = exc.render(lang_of(request))
        return _sign_in_form(request, status=status, message=message, email=email, nxt=next)
    if isinstance(signed, SecondStep):  # two-step sign-in: the code first, then a session
        return to_second_step(request, signed, next)
    response = _see_other(_safe_next(next))
    _session_cookie(response, request, signed)
    return response


# --- setting a password from an invitation -----------------------------------------------------

SET_PASSWORD = links.SET_PASSWORD_PREFIX + "/{token}"


@route("GET", SET_PASSWORD, response_class=HTMLResponse)
def set_password_page(request: Request, token: str) -> Response:
    return _anonymous_form(request, "set_password.html", token=token, message="")


@route("POST", SET_PASSWORD)
def set_password_post(
    request: Request,
    token: str,
    password: Annotated[str, Form()] = "",
    again: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    if not same_token(csrf_token, request.cookies.get(ANON_CSRF_COOKIE)):
        raise CsrfRefused
    from application.identity import SecondStep, redeem_invite
    from web.errors import status_of
    from web.two_step import to_second_step

    env = env_of(request)
    try:
        if password != again:
            raise InputError("web.passwords_differ")
        signed = redeem_invite(
            env.uow(),
            token=token,
            password=password,
            now=env.now(),
            address=request.client.host if request.client else "",
            user_agent=request.headers.get("user-agent", ""),
            idle_minutes=env.settings.session_idle_minutes,
        )
    except CchcError as exc:
        message = exc.render(lang_of(request))
        return _anonymous_form(
            request, "set_password.html", status=status_of(exc), token=token, message=message
        )
    if isinstance(signed, SecondStep):  # the link sets the password; the code still signs in
        return to_second_step(request, signed, "")
    response = _see_other(links.MY_TASKS)
    _session_cookie(response, request, signed)
    return response


@route("POST", links.SIGN_OUT)
def sign_out_post(
    request: Request, signed: SignedInDep, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, signed, csrf_token)
    from application.identity import sign_out

    env = env_of(request)
    if signed.session_token:
        sign_out(env.uow(), token=signed.session_token, now=env.now())
    response = _see_other(links.SIGN_IN)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- my work ---------------------------------------------------------------------------------


@route("GET", links.MY_TASKS, response_class=HTMLResponse)
def my_work_page(request: Request, signed: SignedInDep) -> Response:
    from application.my_work import my_work

    env = env_of(request)
    work = my_work(env.uow(), signed.identity, env.now(), lang=signed.lang, unit_id=signed.unit_id)
    if work.landing is not None:  # a province officer: the province's pages
        return RedirectResponse(work.landing, status_code=303)
    from application.navigation import Navigation

    nav = Navigation(work.menu, len(work.awaiting_me))
    return page(request, "my_work.html", signed=signed, work=work, nav=nav)


# --- one occurrence --------------------------------------------------------------------------


@route("GET", OCCURRENCE, response_class=HTMLResponse)
def occurrence_page(
    request: Request, signed: SignedInDep, task: str, period: str, don_vi: str = ""
) -> Response:
    """One occurrence; ``don_vi``: of that unit — another unit's read-only (``web.viewing``)."""
    from application.approval_queue import reviewable
    from application.occurrences import allowed_actions, show_occurrence
    from application.unit_view import open_unit
    from domain.lifecycle import TRANSITIONS

    env = env_of(request)
    unit = unit_param(don_vi)
    viewing = open_unit(env.uow(), signed.identity, env.now(), unit=unit) if unit else None
    read_only = viewing is not None and viewing.read_only
    detail = show_occurrence(
        env.uow(),
        env.now(),
        task=task,
        period=period,
        unit=unit,
        lang=signed.lang,
        identity=signed.identity,
    )
    possible = [a for a in PAGE_ACTIONS if detail.status in TRANSITIONS[a].sources]
    allowed: frozenset[str] = frozenset()
    if not read_only:
        allowed = allowed_actions(  # the policy's answer: the forms offered are those it allows
            env.uow(),
            signed.identity,
            env.now(),
            task=task,
            period=period,
            unit=unit,
            actions=[f"occurrence.{a}" for a in possible] + ["evidence.upload"],
        )
    offered = [a for a in possible if f"occurrence.{a}" in allowed]
    documents = (
        {}
        if read_only
        else reviewable(env.uow(), signed.identity, env.now(), task=task, period=period, unit=unit)
    )
    return page(
        request,
        "occurrence.html",
        signed=signed,
        occ=detail,
        lead_actions=[a for a in offered if a in ("start", "submit")],
        review_actions=[a for a in offered if a in ("accept", "return")],
        may_upload="evidence.upload" in allowed,
        reviewable=documents,
        may_waive="waive" in offered,
        viewing=viewing,
        unit_year=detail.period_start.year,
    )


@route("POST", OCCURRENCE + "/tai-lieu", dependencies=[read_only("evidence.upload")])
def upload_post(
    request: Request,
    signed: SignedInDep,
    task: str,
    period: str,
    files: Annotated[list[UploadFile], File()],
    csrf_token: Annotated[str, Form()] = "",
    requirement: Annotated[str, Form()] = "",
    doc_number: Annotated[list[str] | None, Form()] = None,
    doc_date: Annotated[list[str] | None, Form()] = None,
    issuer: Annotated[list[str] | None, Form()] = None,
    summary: Annotated[list[str] | None, Form()] = None,
) -> Response:
    check_csrf(request, signed, csrf_token)
    store_uploads(
        request,
        signed,
        task=task,
        period=period,
        files=files,
        fields=UploadFields.of(requirement, doc_number, doc_date, issuer, summary),
    )
    return _see_other(links.occurrence_path(task, period))


def _action_route(action: str):  # type: ignore[no-untyped-def]
    def act_post(
        request: Request,
        signed: SignedInDep,
        task: str,
        period: str,
        csrf_token: Annotated[str, Form()] = "",
        reason: Annotated[str, Form()] = "",
    ) -> Response:
        check_csrf(request, signed, csrf_token)
        from application.occurrences import act

        env = env_of(request)
        act(
            env.uow(),
            signed.identity,
            env.now(),
            action=action,
            task=task,
            period=period,
            reason=reason.strip() or None,
        )
        return _see_other(links.occurrence_path(task, period))

    act_post.__name__ = f"{action}_post"
    return act_post


for _action in PAGE_ACTIONS:
    route(
        "POST",
        OCCURRENCE + "/" + _action,
        dependencies=[read_only(f"occurrence.{_action}")],
    )(_action_route(_action))


# --- Hồ sơ cá nhân: one's own settings, password and sessions ----------------------------------


def _profile_page(
    request: Request, signed: SignedInDep, *, status: int = 200, message: str = ""
) -> Response:
    from application.identity import my_profile

    env = env_of(request)
    me = my_profile(env.uow(), signed.identity, now=env.now(), session_token=signed.session_token)
    return page(request, "profile.html", signed=signed, status=status, me=me, message=message)


@route("GET", links.PROFILE, response_class=HTMLResponse)
def profile_page(request: Request, signed: SignedInDep) -> Response:
    return _profile_page(request, signed)


@route("POST", links.PROFILE)
def profile_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    lang: Annotated[str, Form()] = "vi",
    digest: Annotated[str, Form()] = "",
    quiet: Annotated[str, Form()] = "",
    channels: Annotated[list[str] | None, Form()] = None,
    apprise_urls: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, signed, csrf_token)
    from application.identity import my_profile
    from application.people import set_contact

    env = env_of(request)
    me = my_profile(env.uow(), signed.identity, now=env.now())
    set_contact(
        env.uow(),
        signed.identity,
        env.now(),
        email=signed.email,
        unit=me.unit,
        lang=lang,
        digest=bool(digest),
        quiet=bool(quiet),
        channels=channels or [],
        apprise_urls=[u.strip() for u in apprise_urls.splitlines() if u.strip()],
    )
    return _see_other(links.PROFILE)


@route("POST", links.PROFILE + "/gui-thu")
def send_test_post(
    request: Request, signed: SignedInDep, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, signed, csrf_token)
    from application.people import send_test

    env = env_of(request)
    send_test(env.uow(), signed.identity, env.now(), email=signed.email)
    return _see_other(links.PROFILE)


@route("POST", links.PROFILE + "/mat-khau")
def change_password_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    current: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    again: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, signed, csrf_token)
    from application.identity import change_password
    from web.errors import status_of

    env = env_of(request)
    try:
        if password != again:
            raise InputError("web.passwords_differ")
        change_password(
            env.uow(),
            signed.identity,
            current=current,
            new=password,
            now=env.now(),
            keep_session=signed.session_token,
        )
    except CchcError as exc:
        message = exc.render(lang_of(request))
        return _profile_page(request, signed, status=status_of(exc), message=message)
    return _see_other(links.PROFILE)


@route("POST", links.PROFILE + "/phien/{session_id}/dang-xuat")
def end_session_post(
    request: Request, signed: SignedInDep, session_id: int, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, signed, csrf_token)
    from application.identity import end_session

    env = env_of(request)
    end_session(env.uow(), signed.identity, session_id=session_id, now=env.now())
    return _see_other(links.PROFILE)


# --- Lịch: my deadlines by month, and a private calendar subscription -------------------------


def _calendar_page(
    request: Request, signed: SignedInDep, month: str | None, feed_url: str = ""
) -> Response:
    from application.calendar_feed import my_month

    env = env_of(request)
    cal = my_month(env.uow(), signed.identity, env.now(), month=month, lang=signed.lang)
    return page(request, "calendar.html", signed=signed, cal=cal, feed_url=feed_url)


@route("GET", links.CALENDAR, response_class=HTMLResponse)
def calendar_page(request: Request, signed: SignedInDep, thang: str = "") -> Response:
    return _calendar_page(request, signed, thang or None)


@route("POST", links.CALENDAR + "/lien-ket", response_class=HTMLResponse)
def calendar_feed_post(
    request: Request, signed: SignedInDep, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    """A new subscription address, shown on the page once (only its hash is kept)."""
    check_csrf(request, signed, csrf_token)
    from application.calendar_feed import renew_feed

    env = env_of(request)
    token = renew_feed(env.uow(), signed.identity, env.now())
    base = env.settings.base_url or str(request.base_url)
    url = links.page_url(base, links.calendar_feed_path(token))
    return _calendar_page(request, signed, None, feed_url=url)


@route("POST", links.CALENDAR + "/lien-ket/thu-hoi")
def calendar_feed_revoke_post(
    request: Request, signed: SignedInDep, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, signed, csrf_token)
    from application.calendar_feed import revoke_feed

    env = env_of(request)
    revoke_feed(env.uow(), signed.identity, env.now())
    return _see_other(links.CALENDAR)


@route("GET", links.CALENDAR + "/{token}.ics")
def calendar_feed_get(request: Request, token: str) -> Response:
    """The subscription itself: no session, the secret token in the address is the
    credential (unknown or revoked: 404)."""
    from application.calendar_feed import feed_calendar

    env = env_of(request)
    body = feed_calendar(env.uow(), token=token, now=env.now())
    return Response(
        body.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-store"},
    )


__all__ = ["CSRF_FIELD", "ROUTES"]
