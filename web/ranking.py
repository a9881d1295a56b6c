"""Xếp hạng (``/tinh/xep-hang``): the province's ranking of its units for its staff and
appraisers, with its XLSX and DOCX report (the files of ``cchc appraisal ranking --xlsx
--docx``); a unit's CCHC officer and chairman see their own unit's published result and place.
The use cases (``application.appraisal_standing``) ask the policy; a refusal is a 403 page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote, urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from domain import links
from web.appraisal import _common, _year
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


@route("GET", links.RANKING, response_class=HTMLResponse)
def ranking_page(
    request: Request, signed: SignedInDep, nam: str = "", don_vi: str = ""
) -> Response:
    """The province's ranking of ``nam`` below ``don_vi`` (default: the reader's unit); a
    unit's own officer sees their unit's own result."""
    from application.appraisal_ranking import Ranking, cells, columns
    from application.appraisal_standing import standing

    env = env_of(request)
    lang = lang_of(request)
    found = standing(
        env.uow(), signed.identity, env.now(), unit=don_vi.strip() or None, year=_year(nam)
    )
    if isinstance(found, Ranking):
        return page(
            request,
            "ranking.html",
            signed=signed,
            report=found,
            columns=columns(lang),
            rows=[(line, cells(line, lang)) for line in found.lines],
            ranked=sum(1 for line in found.lines if line.rank is not None),
            query=urlencode({"nam": str(found.year), "don_vi": found.unit}),
            **_common(request),
        )
    return page(request, "ranking_own.html", signed=signed, own=found, **_common(request))


def _report(request: Request, signed: SignedInDep, nam: str, don_vi: str, kind: str) -> Response:
    from application.appraisal_standing import FILES, report_file

    env = env_of(request)
    name, data = report_file(
        env.uow(),
        signed.identity,
        env.now(),
        unit=don_vi.strip() or None,
        year=_year(nam),
        kind=kind,
        lang=lang_of(request),
    )
    return Response(
        data,
        media_type=FILES[kind],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


@route("GET", links.RANKING + ".xlsx")
def ranking_xlsx(
    request: Request, signed: SignedInDep, nam: str = "", don_vi: str = ""
) -> Response:
    """The ranking as one sheet (``cchc appraisal ranking --xlsx``)."""
    return _report(request, signed, nam, don_vi, "xlsx")


@route("GET", links.RANKING + ".docx")
def ranking_docx(
    request: Request, signed: SignedInDep, nam: str = "", don_vi: str = ""
) -> Response:
    """The province's report of the ranking in the administrative layout (``--docx``)."""
    return _report(request, signed, nam, don_vi, "docx")
