"""Cán bộ (``/quan-tri/can-bo``): the unit's officers and every holding they have had —
position, from–to, acting (quyền), delegation (ủy quyền) with its scope — who answers for each
position today, and the administrator's forms: appoint (a holder, an acting holder or a
delegate, from a date), end a holding, add an officer, upload a roster (all or nothing), invite
an officer to set a password or reset their sign-in. Each form posts to one use case of the
application layer, which asks the policy (``people.edit``, ``account.invite``); a change shows
the open occurrences that moved to their new holder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from application.access import Refused
from domain import links
from domain.errors import CchcError, InvalidInput
from web.auth import lang_of, signed_in
from web.env import env_of
from web.errors import InputError, status_of
from web.forms import submit
from web.render import page
from web.routes import Routes

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
    from application.roster_board import Labels, RosterBoard
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes(include_in_schema=False)
route = ROUTES.route
KINDS = ("holder", "acting", "delegate")
MAX_UPLOAD = 16 * 1024 * 1024 + 1
FIELDS = ("email", "position", "kind", "acting_for", "start", "end", "name", "new_email", "phone")


def _day(value: str, field: str) -> dt.date:
    """A date as a date box sends it (``2020-06-08``) or as officers write it (08/06/2020)."""
    from domain.clock import MAX_YEAR, MIN_YEAR
    from responsibilities.roster import parse_date

    day = parse_date(value.strip()) if value.strip() else None
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InputError("web.people_bad_date", field=field, value=value[:40])
    return day


def _people_page(
    request: Request,
    signed: SignedInDep,
    *,
    status: int = 200,
    message: str = "",
    problems: tuple[str, ...] = (),
    outcome: dict[str, Any] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    from application.roster_board import labels, roster_board
    from domain.labels import position_label

    env = env_of(request)
    lang = lang_of(request)
    try:
        found = roster_board(env.uow(), signed.identity, env.now())
        board: RosterBoard | None = found
        named: RosterBoard | Labels = found
    except Refused:
        if outcome is None:
            raise
        # the change done took the reader's own right away (an administrator who made someone
        # acting for herself from today): the outcome still shows, the roster no more
        board = None
        named = labels(env.uow(), signed.identity, env.now())
    roles, areas, name_of = named.roles, named.areas, named.name_of

    def position(code: str) -> str:
        return position_label(code, roles, lang)

    def area(code: str) -> str:
        found = next((a for a in areas if a.code == code), None)
        if found is None:
            return code
        return found.title_en if lang == "en" and found.title_en else found.title

    return page(
        request,
        "people.html",
        signed=signed,
        status=status,
        board=board,
        message=message,
        problems=problems,
        outcome=outcome,
        form={**dict.fromkeys(FIELDS, ""), "scope": [], **(form or {})},
        name_of=name_of,
        position=position,
        area=area,
        title_of=lambda m: m.title_en if lang == "en" and m.title_en else m.title,
    )


def _failed(
    request: Request, signed: SignedInDep, form: dict[str, Any]
) -> Callable[[CchcError], Response]:
    """The page again with the ``form`` as it was sent, saying what was wrong (each bad row
    of a roster on its own line)."""

    def render(exc: CchcError) -> Response:
        text = exc.render(lang_of(request))
        lines = tuple(text.split("\n")) if isinstance(exc, InvalidInput) else ()
        message = lines[-1] if lines else text
        return _people_page(
            request,
            signed,
            status=status_of(exc),
            message=message,
            problems=lines[:-1],
            form=form,
        )

    return render


def _done(request: Request, signed: SignedInDep, what: str) -> Callable[[Any], Response]:
    """The page saying what was done, and the work that moved."""
    return lambda done: _people_page(request, signed, outcome={"what": what, "done": done})


@route("GET", links.PEOPLE, response_class=HTMLResponse)
def people_page(request: Request, signed: SignedInDep) -> Response:
    return _people_page(request, signed)


@route("POST", links.PEOPLE + "/giao", response_class=HTMLResponse)
def assign_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    position: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "holder",
    acting_for: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
    scope: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Giao chức danh: a holder, an acting holder or a delegate from ``start`` (to ``end``),
    for the areas of ``scope`` (none: all); the page then lists the work that moved."""
    from application.people import assign

    form = {"email": email, "position": position, "kind": kind, "acting_for": acting_for,
            "start": start, "end": end, "scope": list(scope or ())}  # fmt: skip
    env = env_of(request)

    def run() -> Any:
        if kind not in KINDS:
            raise InputError("web.bad_request", fields="kind")
        return assign(
            env.uow(),
            signed.identity,
            env.now(),
            email=email.strip().lower(),
            position=position.strip(),
            start=_day(start, "start"),
            end=_day(end, "end") if end.strip() else None,
            kind=kind,
            scope=[s.strip() for s in scope or () if s.strip()],
            acting_for=acting_for.strip().lower() or None,
        )

    return submit(
        request,
        signed,
        csrf_token,
        run,
        _done(request, signed, "assigned"),
        _failed(request, signed, form),
    )


@route("POST", links.PEOPLE + "/ket-thuc", response_class=HTMLResponse)
def end_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    position: Annotated[str, Form()] = "",
    on: Annotated[str, Form()] = "",
) -> Response:
    """Kết thúc: the holding's last day is ``on``; the page lists the work that moved."""
    from application.people import end_holding

    env = env_of(request)
    return submit(
        request,
        signed,
        csrf_token,
        lambda: end_holding(
            env.uow(),
            signed.identity,
            env.now(),
            email=email.strip().lower(),
            position=position.strip(),
            on=_day(on, "on"),
        ),
        _done(request, signed, "ended"),
        _failed(request, signed, {}),
    )


@route("POST", links.PEOPLE + "/them", response_class=HTMLResponse)
def add_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
) -> Response:
    """Thêm cán bộ: a name and an email (then a position, through Giao chức danh)."""
    from application.people import add_officer

    env = env_of(request)
    return submit(
        request,
        signed,
        csrf_token,
        lambda: add_officer(
            env.uow(), signed.identity, env.now(), name=name, email=email, phone=phone
        ),
        lambda done: _people_page(
            request, signed, outcome={"what": "added", "done": done}, form={"email": done.email}
        ),
        _failed(request, signed, {"name": name, "new_email": email, "phone": phone}),
    )


@route("POST", links.PEOPLE + "/nhap", response_class=HTMLResponse)
def import_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Tải lên danh sách (CSV): every row checked first, nothing stored when any is wrong;
    the page lists the bad rows, or what was imported and the work that moved."""
    from application.roster_upload import import_upload

    env = env_of(request)

    def run() -> Any:  # the file is read once the CSRF token is right
        name = (file.filename or "") if file is not None else ""
        data = file.file.read(MAX_UPLOAD) if file is not None else b""
        return import_upload(env.uow(), signed.identity, env.now(), name=name, data=data)

    return submit(
        request,
        signed,
        csrf_token,
        run,
        _done(request, signed, "imported"),
        _failed(request, signed, {}),
    )


def _account_post(
    request: Request, signed: SignedInDep, csrf_token: str, email: str, *, reset: bool
) -> Response:
    from application.identity import invite, reset_sign_in

    env = env_of(request)
    run = reset_sign_in if reset else invite
    base = env.settings.base_url or str(request.base_url)
    return submit(
        request,
        signed,
        csrf_token,
        lambda: run(
            env.uow(), signed.identity, email=email.strip().lower(), base_url=base, now=env.now()
        ),
        _done(request, signed, "reset" if reset else "invited"),
        _failed(request, signed, {}),
    )


@route("POST", links.PEOPLE + "/moi", response_class=HTMLResponse)
def invite_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
) -> Response:
    """Mời đặt mật khẩu: a one-time link (72 hours) to the officer's address, by the outbox."""
    return _account_post(request, signed, csrf_token, email, reset=False)


@route("POST", links.PEOPLE + "/dat-lai", response_class=HTMLResponse)
def reset_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
) -> Response:
    """Đặt lại đăng nhập: the officer's open sessions end and a new invitation goes out."""
    return _account_post(request, signed, csrf_token, email, reset=True)
