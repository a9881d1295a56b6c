"""Thẩm định and Xếp hạng: the province's appraisal of its units and its ranking in the browser.

- ``/tinh/tham-dinh``: the units below the reader for a year, each one's stage, an
  appraiser's items still to score, and the province's staff's buttons to open and close a
  round and to publish (for one unit or every unit ready); a unit's own officer is sent to
  their unit's page;
- ``/tinh/tham-dinh/{unit}/{year}``: one unit item by item — the unit's self-score, reason
  and documents, round 1's score and comment, the unit's explanation, round 2's — with the
  score and comment fields of an appraiser's items in an open round, and the unit's
  explanation fields in its window;
(an item's forms and a unit's documents: ``web.appraisal_items``; the ranking's pages:
``web.ranking``.)

Each handler parses, calls one use case (``application.appraisal``,
``application.appraisal_board``, ``application.appraisal_unit``) and renders; the use cases
ask the policy, whose refusal is the error page naming the rule (403). A bad value re-renders
the page saying why (422; 409 at the wrong stage)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain import links
from domain.errors import CchcError
from web.auth import lang_of, signed_in
from web.env import env_of
from web.errors import InputError
from web.forms import submit
from web.render import page
from web.routes import Routes

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes(include_in_schema=False)
route = ROUTES.route
BASE = links.APPRAISAL
STEPS = {"mo-vong": "open", "dong-vong": "close", "cong-bo": "publish"}
UNIT = BASE + "/{unit}/{year}"
COUNCIL = BASE + "/hoi-dong"
DEADLINE = BASE + "/han-tu-danh-gia"
SCOPES = ("all", "area", "criterion")
FormText = Annotated[str, Form()]


def item_path(unit: str, year: int, item: str, what: str) -> str:
    """One item's form on a unit's page: ``/tinh/tham-dinh/26734/2020/1.1.1/cham``."""
    return f"{links.appraisal_path(unit, year)}/{quote(item, safe='')}/{what}"


def document_path(unit: str, year: int, evidence_id: int) -> str:
    return f"{links.appraisal_path(unit, year)}/tai-lieu/{int(evidence_id)}"


def _year(value: str, *, required: bool = False) -> int | None:
    value = value.strip()
    if not value and not required:
        return None
    if not value.isdigit() or len(value) != 4:
        raise InputError("web.bad_request", fields="nam")
    return int(value)


def _valid_year(value: str) -> int | None:
    """A year as a form sends it; None when it is not one (the use case is not run then)."""
    value = value.strip()
    return int(value) if value.isdigit() and len(value) == 4 else None


def _common(request: Request) -> dict[str, Any]:
    from domain.numbers import decimal

    lang = lang_of(request)

    def num(value: float | None) -> str:
        return "—" if value is None else decimal(value, lang, 2)

    def plain(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    def when(value: str) -> str:
        """A step's time as stored (ISO, UTC) as the officer reads it: ``11/01/2021``."""
        import datetime as dt

        from domain.clock import DEFAULT_TIMEZONE, local_today

        try:
            return f"{local_today(dt.datetime.fromisoformat(value), DEFAULT_TIMEZONE):%d/%m/%Y}"
        except ValueError:
            return value[:10]

    return {"num": num, "plain": plain, "when": when, "routes": _routes()}


def _routes() -> dict[str, Any]:
    return {
        "step": {what: f"{BASE}/{slug}" for slug, what in STEPS.items()},
        "unit": links.appraisal_path,
        "item": item_path,
        "document": document_path,
        "occurrence": links.occurrence_path,
    }


# --- the overview --------------------------------------------------------------------------


def _board_page(
    request: Request,
    signed: SignedInDep,
    *,
    year: str = "",
    unit: str = "",
    status: int = 200,
    message: str = "",
    done: str = "",
    units: str = "",
    named: str = "",
    deadline_set: str = "",
) -> Response:
    from application.appraisal_board import OwnUnit, board

    env = env_of(request)
    found = board(
        env.uow(), signed.identity, env.now(), unit=unit.strip() or None, year=_year(year)
    )
    if isinstance(found, OwnUnit):
        return RedirectResponse(links.appraisal_path(found.unit, found.year), status_code=303)
    return page(
        request,
        "appraisal.html",
        signed=signed,
        status=status,
        board=found,
        message=message,
        done=done if done in STEPS.values() else "",
        done_units=units,
        named=named,
        council_path=COUNCIL,
        deadline_path=DEADLINE,
        deadline_set=deadline_set,
        **_common(request),
    )


@route("GET", BASE, response_class=HTMLResponse)
def appraisal_page(
    request: Request,
    signed: SignedInDep,
    nam: str = "",
    don_vi: str = "",
    ghi: str = "",
    cac: str = "",
    hd: str = "",
    han: str = "",
) -> Response:
    """The units below ``don_vi`` (default: the reader's unit) in the year ``nam`` (default:
    the year being appraised); ``hd``: the officer just named an appraiser; ``han``: the
    self-assessment deadline was just set."""
    return _board_page(
        request, signed, year=nam, unit=don_vi, done=ghi, units=cac, named=hd, deadline_set=han
    )


def _step_route(slug: str, what: str) -> Callable[..., Response]:
    def step_post(
        request: Request,
        signed: SignedInDep,
        csrf_token: FormText = "",
        don_vi: FormText = "",
        nam: FormText = "",
        so_ngay: FormText = "",
        tinh: FormText = "",
        tro_ve: FormText = "",
    ) -> Response:
        """One step of the cycle for the unit ``don_vi`` (a province: every unit ready),
        then back to the overview of ``tinh`` (or the unit's page) saying what was done."""
        from application import appraisal as ap
        from web.errors import status_of

        env = env_of(request)
        year = _valid_year(nam)

        def run() -> list[Any]:
            if year is None:
                raise InputError("web.bad_request", fields="nam")
            if not don_vi.strip():
                raise InputError("web.bad_request", fields="don_vi")
            days = so_ngay.strip()
            if days and not days.isdigit():
                raise InputError("web.appraisal.bad_days", value=days[:20])
            uow, who, now, unit = env.uow(), signed.identity, env.now(), don_vi.strip()
            assert year is not None
            if what == "open":
                return ap.open_round(uow, who, now, unit=unit, year=year)
            if what == "close":
                return ap.close_round(
                    uow, who, now, unit=unit, year=year, days=int(days or ap.EXPLANATION_DAYS)
                )
            return ap.publish(uow, who, now, unit=unit, year=year)

        def back(results: list[Any]) -> Response:
            assert year is not None
            if tro_ve == "don-vi":
                return RedirectResponse(
                    links.appraisal_path(don_vi.strip(), year) + "?" + urlencode({"ghi": what}),
                    status_code=303,
                )
            query = {"nam": str(year), "ghi": what, "cac": ",".join(r.unit for r in results)}
            if tinh.strip():
                query["don_vi"] = tinh.strip()
            return RedirectResponse(BASE + "?" + urlencode(query), status_code=303)

        def failed(exc: CchcError) -> Response:
            message = exc.render(lang_of(request))
            if tro_ve == "don-vi" and year is not None:
                return _unit_page(
                    request, signed, don_vi.strip(), year, status=status_of(exc), message=message
                )
            return _board_page(
                request,
                signed,
                year=str(year or ""),
                unit=tinh,
                status=status_of(exc),
                message=message,
            )

        return submit(request, signed, csrf_token, run, back, failed)

    step_post.__name__ = f"step_{what}_post"
    return step_post


for _slug, _what in STEPS.items():
    route("POST", f"{BASE}/{_slug}")(_step_route(_slug, _what))


@route("POST", COUNCIL)
def council_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: FormText = "",
    tinh: FormText = "",
    nam: FormText = "",
    email: FormText = "",
    pham_vi: FormText = "",
    ma: FormText = "",
) -> Response:
    """The province's staff names an appraiser of ``tinh``: for every item and year
    (``pham_vi=all``, as ``cchc appraisal role --role appraiser``), or for the year ``nam`` and
    the area or criterion ``ma`` (as ``cchc appraisal assign``)."""
    from application import appraisal as ap
    from web.errors import status_of

    env = env_of(request)
    year = _valid_year(nam)

    def run() -> Any:
        if year is None:
            raise InputError("web.bad_request", fields="nam")
        if not tinh.strip() or not email.strip():
            raise InputError("web.bad_request", fields="email" if tinh.strip() else "tinh")
        if pham_vi not in SCOPES or (pham_vi != "all" and not ma.strip()):
            raise InputError("web.appraisal.bad_scope")
        uow, who, now, unit = env.uow(), signed.identity, env.now(), tinh.strip()
        if pham_vi == "all":
            return ap.grant_role(uow, who, now, unit=unit, email=email, role="appraiser")
        scope = {pham_vi: ma.strip()}
        return ap.assign(uow, who, now, unit=unit, email=email, year=year, **scope)

    def back(result: Any) -> Response:
        query = {"nam": str(year), "don_vi": tinh.strip(), "hd": result.email}
        return RedirectResponse(BASE + "?" + urlencode(query) + "#hoi-dong", status_code=303)

    def failed(exc: CchcError) -> Response:
        return _board_page(
            request,
            signed,
            year=str(year or ""),
            unit=tinh,
            status=status_of(exc),
            message=exc.render(lang_of(request)),
        )

    return submit(request, signed, csrf_token, run, back, failed)


@route("POST", DEADLINE)
def deadline_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: FormText = "",
    tinh: FormText = "",
    nam: FormText = "",
    han: FormText = "",
) -> Response:
    """The province's staff sets the day by which every unit below ``tinh`` submits its
    self-assessment of ``nam`` (as ``cchc appraisal deadline``); ``han`` as officers write a
    date (dd/mm/yyyy)."""
    from application.province_deadlines import set_self_assessment_due
    from domain.unitfile import parse_day
    from web.errors import status_of

    env = env_of(request)
    year = _valid_year(nam)

    def run() -> Any:
        if year is None:
            raise InputError("web.bad_request", fields="nam")
        if not tinh.strip():
            raise InputError("web.bad_request", fields="tinh")
        due = parse_day(han)
        if due is None:
            raise InputError("web.appraisal.bad_deadline", value=han[:40])
        return set_self_assessment_due(
            env.uow(), signed.identity, env.now(), unit=tinh.strip(), year=year, due=due
        )

    def back(result: Any) -> Response:
        query = {"nam": str(year), "don_vi": tinh.strip(), "han": "1"}
        return RedirectResponse(BASE + "?" + urlencode(query) + "#han-tu-danh-gia", status_code=303)

    def failed(exc: CchcError) -> Response:
        return _board_page(
            request,
            signed,
            year=str(year or ""),
            unit=tinh,
            status=status_of(exc),
            message=exc.render(lang_of(request)),
        )

    return submit(request, signed, csrf_token, run, back, failed)


# --- one unit ------------------------------------------------------------------------------


def _unit_page(
    request: Request,
    signed: SignedInDep,
    unit: str,
    year: int,
    *,
    status: int = 200,
    message: str = "",
    saved: str = "",
    at: str = "",
) -> Response:
    from application.appraisal_unit import unit_page

    env = env_of(request)
    view = unit_page(env.uow(), signed.identity, env.now(), unit=unit, year=year)
    return page(
        request,
        "appraisal_unit.html",
        signed=signed,
        status=status,
        view=view,
        message=message,
        saved=saved,
        at=at,
        **_common(request),
    )


@route("GET", UNIT, response_class=HTMLResponse)
def unit_get(
    request: Request, signed: SignedInDep, unit: str, year: str, ghi: str = "", muc: str = ""
) -> Response:
    return _unit_page(request, signed, unit, _year(year, required=True) or 0, saved=ghi, at=muc)
