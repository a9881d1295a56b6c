"""Tiến độ: the progress of the unit's plan for the CCHC officer and the chairman — evidence
completeness by area, by position and by officer, the progress categories, who owes what
with a "Nhắc ngay" button on each line, the workbook (``/tien-do.xlsx``) — and the same
report and reminder in the JSON API. The policy (``completeness.read``, ``occurrence.remind``)
is asked by the use cases; others get 403 naming the rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain import links
from domain.errors import CchcError
from web.auth import check_csrf, lang_of, signed_in
from web.env import env_of
from web.render import page
from web.routes import Routes
from web.viewing import read_only, unit_param

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes(include_in_schema=False)
route = ROUTES.route
API = "/api/v1"
REMIND = links.PROGRESS + "/nhac/{task}/{period}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(value: str) -> int | None:
    from web.errors import InputError

    if not value:
        return None
    if not value.isdigit() or len(value) != 4:
        raise InputError("web.bad_request", fields="nam")
    return int(value)


def _progress_page(
    request: Request,
    signed: SignedInDep,
    *,
    year: str = "",
    status: int = 200,
    message: str = "",
    reminded: tuple[str, str] | None = None,
    unit: str = "",
) -> Response:
    from application.completeness import progress_board
    from domain.numbers import percent

    env = env_of(request)
    lang = lang_of(request)
    board = progress_board(
        env.uow(), signed.identity, env.now(), unit=unit_param(unit), year=_year(year), lang=lang
    )

    def pct(part: int, whole: int) -> str:
        return percent(100 * part / whole, lang, 0) if whole else "—"

    return page(
        request,
        "progress.html",
        signed=signed,
        status=status,
        board=board,
        report=board.first,
        message=message,
        reminded=reminded,
        year=year,
        pct=pct,
        viewing=board.viewing,
    )


@route("GET", links.PROGRESS, response_class=HTMLResponse)
def progress_page(
    request: Request,
    signed: SignedInDep,
    nam: str = "",
    nhac: str = "",
    ky: str = "",
    don_vi: str = "",
) -> Response:
    """The unit's progress; ``don_vi``: another unit's, read-only (``web.viewing``)."""
    return _progress_page(
        request, signed, year=nam, reminded=(nhac, ky) if nhac and ky else None, unit=don_vi
    )


@route("GET", links.PROGRESS + ".xlsx")
def progress_workbook(
    request: Request, signed: SignedInDep, nam: str = "", theo: str = "position", don_vi: str = ""
) -> Response:
    """The completeness workbook (groups ``theo`` position, area, criterion or officer; who
    owes what; the progress categories)."""
    from application.completeness import completeness
    from application.completeness_xlsx import completeness_workbook

    env = env_of(request)
    lang = lang_of(request)
    report = completeness(
        env.uow(),
        signed.identity,
        env.now(),
        unit=unit_param(don_vi),
        year=_year(nam),
        by=theo,
        lang=lang,
    )
    name = f"tien-do-{report.plan}.xlsx"
    return Response(
        completeness_workbook(report, lang),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@route("POST", REMIND, dependencies=[read_only("occurrence.remind")])
def remind_post(
    request: Request,
    signed: SignedInDep,
    task: str,
    period: str,
    csrf_token: Annotated[str, Form()] = "",
    nam: Annotated[str, Form()] = "",
) -> Response:
    """Nhắc ngay: back to the page saying it was sent, or why not (already today: 409)."""
    check_csrf(request, signed, csrf_token)
    from application.access import Refused
    from application.remind_now import remind_now
    from web.errors import status_of

    env = env_of(request)
    try:
        done = remind_now(env.uow(), signed.identity, env.now(), task=task, period=period)
    except Refused:
        raise  # the error page names the rule (403)
    except CchcError as exc:
        message = exc.render(lang_of(request))
        return _progress_page(request, signed, year=nam, status=status_of(exc), message=message)
    query = {"nhac": done.task, "ky": done.period, **({"nam": nam} if nam else {})}
    return RedirectResponse(links.PROGRESS + "?" + urlencode(query), status_code=303)


# --- the JSON API ------------------------------------------------------------------------------


@route("GET", API + "/completeness", include_in_schema=True)
def completeness_api(
    request: Request, signed: SignedInDep, by: str = "position", year: int | None = None
) -> dict[str, Any]:
    """Evidence completeness of the unit's plan (of ``year``, else the latest) grouped ``by``
    position, area, criterion or officer; who owes what; the progress categories."""
    from application.completeness import completeness

    env = env_of(request)
    report = completeness(env.uow(), signed.identity, env.now(), year=year, by=by, lang=signed.lang)
    return report.as_dict()


@route("POST", API + "/occurrences/{task}/{period}/remind", include_in_schema=True)
def remind_api(request: Request, signed: SignedInDep, task: str, period: str) -> dict[str, Any]:
    """Remind the officer holding one occurrence now (once a day per occurrence; 409 after)."""
    check_csrf(request, signed)
    from application.remind_now import remind_now

    env = env_of(request)
    return remind_now(env.uow(), signed.identity, env.now(), task=task, period=period).as_dict()
