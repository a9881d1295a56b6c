"""Tỉnh — tiến độ: the units below the reader's unit (a district, a city, a province) side
by side, read-only: units × areas, done of what is due, overdue, documents, self-assessments.
The use case asks the policy (``application.province.check_reader``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape

from domain import links
from web.auth import lang_of, signed_in
from web.env import env_of
from web.render import page
from web.routes import Routes

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
    from application.province import ProvinceProgress
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
    from web.messages import t

    overdue = t("province.overdue", lang_of(request)).lower()
    rows = list(zip(table.units, area_cells(table, overdue), strict=True))
    return page(request, "province.html", signed=signed, table=table, rows=rows)


def area_cells(table: ProvinceProgress, overdue: str) -> list[Markup]:
    """Each unit's cells of the areas as HTML — done of due so far, and the overdue ones
    ("``overdue``") when any — one string per unit. A province's page holds thousands of
    these cells: written here with string formatting (numbers only, the word escaped once)
    they cost a small part of what the template's expressions cost cell by cell."""
    word = escape(overdue)
    codes = [code for code, _ in table.areas]
    out = []
    for u in table.units:
        parts = []
        for code in codes:
            c = u.cells.get(code)
            if c is None:
                parts.append('<td class="num"></td>')
            elif c.overdue:
                parts.append(
                    f'<td class="num">{c.done:d}/{c.due:d}<br>'
                    f'<span class="overdue">{c.overdue:d} {word}</span></td>'
                )
            else:
                parts.append(f'<td class="num">{c.done:d}/{c.due:d}</td>')
        out.append(Markup("".join(parts)))
    return out
