"""Kế hoạch and Lịch làm việc: the unit's plans, the current plan as its table (STT, Nội dung,
Chủ trì, Phối hợp, Thời gian, Sản phẩm) and its responsibility matrix; a plan or framework file
uploaded, checked against its lines and previewed before it is loaded; the year's working-day
calendar, where a day off or a make-up working day is added with its legal source and the
deadlines that moved are listed. The use cases (application.plan_admin) ask the policy
(``plan.load``, ``framework.load``, ``calendar.edit``); others get 403 naming the rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from domain import links
from domain.errors import CchcError
from web.auth import lang_of, signed_in
from web.env import env_of
from web.forms import submit
from web.render import page
from web.routes import Routes

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes(include_in_schema=False)
route = ROUTES.route
PREVIEW = links.PLANS + "/xem-truoc"
CONFIRM = links.PLANS + "/nap"


def _plans_page(
    request: Request,
    signed: SignedInDep,
    *,
    status: int = 200,
    message: str = "",
    preview: Any = None,
) -> Response:
    from application.plan_admin import may, plans_overview

    env = env_of(request)
    lang = lang_of(request)
    overview = plans_overview(env.uow(), lang=lang)
    now = env.now()
    return page(
        request,
        "plans_admin.html",
        signed=signed,
        status=status,
        overview=overview,
        may_plan=may(env.uow(), signed.identity, now, "plan.load"),
        may_framework=may(env.uow(), signed.identity, now, "framework.load"),
        message=message,
        preview=preview,
    )


def _previewed(request: Request, signed: SignedInDep) -> Callable[[Any], Response]:
    """The page with the preview (or what was loaded): 422 when the file has problems."""
    return lambda shown: _plans_page(
        request, signed, status=200 if shown.valid else 422, preview=shown
    )


def _failed(request: Request, signed: SignedInDep) -> Callable[[CchcError], Response]:
    """The page again, saying why not, under its status."""
    from web.errors import status_of

    return lambda exc: _plans_page(
        request, signed, status=status_of(exc), message=exc.render(lang_of(request))
    )


@route("GET", links.PLANS, response_class=HTMLResponse)
def plans_page(request: Request, signed: SignedInDep) -> Response:
    return _plans_page(request, signed)


@route("POST", PREVIEW, response_class=HTMLResponse)
def preview_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "plan",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """A plan or framework file checked: its problems by line, or what loading it changes."""
    from application.plan_admin import preview

    env = env_of(request)

    def run() -> Any:  # the file is read once the CSRF token is right
        data = (
            file.file.read(env.max_upload_bytes + 1) if file is not None and file.filename else b""
        )
        if len(data) > env.max_upload_bytes:
            from web.errors import InputError

            raise InputError("plans.too_large")
        return preview(
            env.uow(),
            signed.identity,
            env.now(),
            home=env.settings.home,
            kind=kind,
            file_name=(file.filename or "") if file is not None else "",
            data=data,
            lang=lang_of(request),
        )

    return submit(
        request, signed, csrf_token, run, _previewed(request, signed), _failed(request, signed)
    )


@route("POST", CONFIRM, response_class=HTMLResponse)
def confirm_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "plan",
    digest: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
) -> Response:
    """Load exactly the file previewed (named by its SHA-256, kept on the server)."""
    from application.plan_admin import confirm

    env = env_of(request)
    return submit(
        request,
        signed,
        csrf_token,
        lambda: confirm(
            env.uow(),
            signed.identity,
            env.now(),
            home=env.settings.home,
            kind=kind,
            file_name=name,
            digest=digest,
            lang=lang_of(request),
        ),
        _previewed(request, signed),
        _failed(request, signed),
    )


# --- the working-day calendar -----------------------------------------------------------------


def _year(value: str, today_year: int) -> int:
    from web.errors import InputError

    if not value:
        return today_year
    if not value.isdigit() or len(value) != 4:
        raise InputError("web.bad_request", fields="nam")
    return int(value)


def _calendar_page(
    request: Request,
    signed: SignedInDep,
    *,
    year: int,
    status: int = 200,
    message: str = "",
    changed: Any = None,
    form: dict[str, str] | None = None,
) -> Response:
    from application.plan_admin import calendar_grid, may

    env = env_of(request)
    lang = lang_of(request)
    grid = calendar_grid(env.uow(), year=year, lang=lang)
    return page(
        request,
        "working_calendar.html",
        signed=signed,
        status=status,
        grid=grid,
        may_edit=may(env.uow(), signed.identity, env.now(), "calendar.edit"),
        message=message,
        changed=changed,
        form=form or {},
    )


@route("GET", links.WORKING_CALENDAR, response_class=HTMLResponse)
def calendar_page(request: Request, signed: SignedInDep, nam: str = "") -> Response:
    return _calendar_page(request, signed, year=_year(nam, env_of(request).now().year))


@route("POST", links.WORKING_CALENDAR, response_class=HTMLResponse)
def calendar_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    ngay: Annotated[str, Form()] = "",
    loai: Annotated[str, Form()] = "",
    can_cu: Annotated[str, Form()] = "",
) -> Response:
    """An extra day off, a make-up working day (with its legal source) or an ordinary day
    again; the page then lists the deadlines that moved."""
    from application.plan_admin import change_calendar
    from web.errors import status_of

    env = env_of(request)
    year = env.now().year
    return submit(
        request,
        signed,
        csrf_token,
        lambda: change_calendar(
            env.uow(), signed.identity, env.now(), day=ngay, change=loai, reason=can_cu
        ),
        lambda done: _calendar_page(request, signed, year=done.day.year, changed=done),
        lambda exc: _calendar_page(
            request,
            signed,
            year=year,
            status=status_of(exc),
            message=exc.render(lang_of(request)),
            form={"ngay": ngay, "loai": loai, "can_cu": can_cu},
        ),
    )
