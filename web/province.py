"""Tỉnh — tiến độ: the units below the reader's unit (a district, a city, a province) side
by side, read-only: units × areas, done of what is due, overdue, documents, self-assessments.
The use case asks the policy (``application.province.check_reader``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from domain import links
from web.auth import lang_of, signed_in
from web.env import env_of
from web.render import page
from web.routes import Routes

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes(include_in_schema=False)
route = ROUTES.route


@route("GET", links.PROVINCE_PROGRESS, response_class=HTMLResponse)
def province_page(
    request: Request, signed: SignedInDep, nam: str = "", don_vi: str = ""
) -> Response:
    """Units × areas of the year ``nam`` (default: this year) below ``don_vi`` (default: the
    officer's own unit)."""
    from application.province import province_progress
    from domain.clock import DEFAULT_TIMEZONE, local_today
    from web.errors import InputError

    env = env_of(request)
    now = env.now()
    if nam and (not nam.isdigit() or len(nam) != 4):
        raise InputError("web.bad_request", fields="nam")
    year = int(nam) if nam else local_today(now, DEFAULT_TIMEZONE).year
    table = province_progress(
        env.uow(), signed.identity, now, unit=don_vi or None, year=year, lang=lang_of(request)
    )
    return page(request, "province.html", signed=signed, table=table)
