"""Tỉnh — chỉ số (``/tinh/chi-so``): the one-stop KPIs of the units below the reader's unit,
ranked KPI by KPI (one tab each), every unit's rate with its counts, its verdict against its
own plan's targets and its months as a sparkline drawn here (``web.charts.sparkline``); the
workbook of every KPI (``/tinh/chi-so.xlsx``, the file of ``cchc province kpi --xlsx``).

Read-only. The use case (``application.province.province_kpis``) asks the policy
(``check_reader``, as ``/tinh/tien-do`` does); a refusal is a 403 page.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from domain import links
from web.auth import lang_of, signed_in
from web.env import env_of
from web.render import page
from web.routes import Routes
from web.viewing import unit_param

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
    from application.province import ProvinceKpis, RankRow
    from domain.i18n import Lang
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes(include_in_schema=False)
route = ROUTES.route
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(value: str, request: Request) -> int:
    """``nam`` (four digits), else this year; a year without plans is the use case's 404."""
    from web.errors import InputError

    value = value.strip()
    if not value:
        from domain.clock import DEFAULT_TIMEZONE, local_today

        return local_today(env_of(request).now(), DEFAULT_TIMEZONE).year
    if not value.isdigit() or len(value) != 4:
        raise InputError("web.bad_request", fields="nam")
    return int(value)


def _quarter(value: str) -> int | None:
    from web.errors import InputError

    value = value.strip()
    if not value:
        return None
    if value not in ("1", "2", "3", "4"):
        raise InputError("web.bad_request", fields="quy")
    return int(value)


def _kpi(value: str) -> str | None:
    """``chi_so``: one of the KPIs (the use case's error names them all)."""
    from domain.errors import LocalizedError
    from domain.kpi import KPIS

    value = value.strip()
    if not value:
        return None
    if value not in KPIS:
        raise LocalizedError("error.province_bad_kpi", kpi=value[:64], allowed=", ".join(KPIS))
    return value


def _kpis(
    request: Request,
    signed: SignedInDep,
    nam: str,
    quy: str,
    chi_so: str,
    don_vi: str,
    *,
    every: bool,
) -> ProvinceKpis:
    from application.province import province_kpis
    from domain.kpi import KPIS

    env = env_of(request)
    kpi = _kpi(chi_so)
    return province_kpis(
        env.uow(),
        signed.identity,
        env.now(),
        unit=unit_param(don_vi),
        year=_year(nam, request),
        quarter=_quarter(quy),
        kpi=None if every else kpi or KPIS[0],
        lang=lang_of(request),
    )


def _row(row: RankRow, result: ProvinceKpis, lang: Lang) -> dict[str, Any]:
    """What the page writes for one unit: its rate with its counts, its verdict and its
    sparkline with the months in words; a unit with a plan links to its own Chỉ tiêu page
    (read-only, ``web.viewing``)."""
    from urllib.parse import urlencode

    from domain.numbers import percent
    from web.charts import sparkline
    from web.messages import t

    no_data = t("province.no_data", lang)
    value = row.rate.value
    rate = (
        f"{percent(value, lang)} ({row.rate.numerator}/{row.rate.denominator})"
        if value is not None
        else no_data
    )
    words = "; ".join(
        t(
            "web.kpis.month_value",
            lang,
            month=m,
            value=percent(v, lang) if v is not None else no_data,
        )
        for m, v in zip(result.months, row.months, strict=True)
    )
    label = t("web.kpis.sparkline", lang, months=words)
    query = {"don_vi": row.unit, "nam": result.year, "quy": result.quarter}
    return {
        "row": row,
        "link": links.INDICATORS + "?" + urlencode({k: v for k, v in query.items() if v})
        if row.plan
        else "",
        "targets": ", ".join(code for code, _ in row.targets),
        "rate": rate,
        "verdict": row.verdict or "none",
        "sparkline": sparkline(row.months, label),
        "months": words,
    }


# The rows written for a ranking, by the ranking and the language: a result served again
# while nothing changed (``application.kept_results``) is the same object, written once.
_WRITTEN: dict[tuple[int, str], tuple[Any, list[dict[str, Any]]]] = {}
WRITTEN_KEPT = 16
_WRITTEN_LOCK = threading.Lock()


def _rows(result: ProvinceKpis, lang: Lang) -> list[dict[str, Any]]:
    ranking = result.rankings[0]
    key = (id(ranking), lang)
    with _WRITTEN_LOCK:
        found = _WRITTEN.get(key)
    if found is not None and found[0] is ranking:
        return found[1]
    rows = [_row(r, result, lang) for r in ranking.rows]
    with _WRITTEN_LOCK:
        while len(_WRITTEN) >= WRITTEN_KEPT:
            del _WRITTEN[next(iter(_WRITTEN))]
        _WRITTEN[key] = (ranking, rows)  # the ranking kept too: its id stays its own
    return rows


def _period(result: ProvinceKpis, lang: Lang) -> str:
    from web.messages import t

    if result.quarter:
        return t("province.period_quarter", lang, quarter=result.quarter, year=result.year)
    return t("province.period_year", lang, year=result.year)


@route("GET", links.PROVINCE_KPIS, response_class=HTMLResponse)
def province_kpis_page(
    request: Request,
    signed: SignedInDep,
    nam: str = "",
    quy: str = "",
    chi_so: str = "",
    don_vi: str = "",
) -> Response:
    """The ranking of the units below ``don_vi`` (default: the officer's own unit) on
    ``chi_so`` (default: the first KPI) over ``nam`` (default: this year) or its quarter
    ``quy``; a tab per KPI."""
    from domain.kpi import KPIS
    from domain.labels import metric_label

    lang = lang_of(request)
    result = _kpis(request, signed, nam, quy, chi_so, don_vi, every=False)
    ranking = result.rankings[0]

    def query(**change: Any) -> str:
        """This page's query with ``change`` (None: left out)."""
        from urllib.parse import urlencode

        found = {"nam": result.year, "quy": result.quarter, "chi_so": ranking.kpi}
        found = {**found, **change, "don_vi": result.unit}
        return urlencode({k: v for k, v in found.items() if v})

    return page(
        request,
        "province_kpis.html",
        signed=signed,
        result=result,
        ranking=ranking,
        rows=_rows(result, lang),
        period_text=_period(result, lang),
        without=sum(1 for r in ranking.rows if r.rank is None),
        kpis=[(k, metric_label(k, lang)) for k in KPIS],
        here=lambda **change: links.PROVINCE_KPIS + "?" + query(**change),
        xlsx=links.PROVINCE_KPIS + ".xlsx?" + query(),
    )


@route("GET", links.PROVINCE_KPIS + ".xlsx")
def province_kpis_xlsx(
    request: Request,
    signed: SignedInDep,
    nam: str = "",
    quy: str = "",
    chi_so: str = "",
    don_vi: str = "",
) -> Response:
    """The workbook of every KPI, a sheet each (``cchc province kpi --xlsx``), opening on
    ``chi_so``'s sheet."""
    from application.province_xlsx import kpi_file_name, kpi_workbook

    result = _kpis(request, signed, nam, quy, chi_so, don_vi, every=True)
    data = kpi_workbook(result, lang_of(request), first=_kpi(chi_so))
    return Response(
        data,
        media_type=XLSX,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(kpi_file_name(result))}"
        },
    )
