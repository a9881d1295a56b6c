"""Chỉ tiêu: the plan's targets against the one-stop KPIs (met, not met, no data; the value with
its numerator and denominator; each field), each rate month by month against its targets and
the fields side by side — charts drawn here as SVG (``web.charts``) — the late dossiers with
their apology slip (Word), the manual measurements, and uploading a one-stop export or the
procedure catalogue (all or nothing: the bad rows are listed, grouped as ``cchc dossiers
import`` groups them). The same figures in the JSON API (``GET /api/v1/kpi``).

Who may: the use cases ask the policy (``application.indicators``): reading and uploading
``dossier.import``, a measurement ``measure.set``, a slip ``dossier.apology``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain import links
from domain.errors import CchcError, InvalidInput, grouped
from web.auth import check_csrf, lang_of, signed_in
from web.env import env_of
from web.errors import InputError, status_of
from web.messages import t
from web.render import page
from web.routes import Routes
from web.viewing import read_only, unit_param

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
    from application.indicators import Indicators
    from domain.i18n import Lang
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes(include_in_schema=False)
route = ROUTES.route
API = "/api/v1"
DOSSIERS = links.INDICATORS + "/ho-so-mot-cua"
PROCEDURES = links.INDICATORS + "/thu-tuc"
MEASURE = links.INDICATORS + "/so-lieu"
SLIP = links.INDICATORS + "/phieu-xin-loi/{dossier}"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def slip_path(dossier: str) -> str:
    """The apology slip of one dossier: ``/chi-tieu/phieu-xin-loi/A3``."""
    from urllib.parse import quote

    return SLIP.replace("{dossier}", quote(dossier, safe=""))


def _year(value: str) -> int | None:
    if not value:
        return None
    from domain.clock import MAX_YEAR, MIN_YEAR

    if not value.isdigit() or len(value) != 4 or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise InputError("web.bad_request", fields="nam")
    return int(value)


def _quarter(value: str) -> int | None:
    if not value:
        return None
    if value not in ("1", "2", "3", "4"):
        raise InputError("web.bad_request", fields="quy")
    return int(value)


def _value(value: float | None, unit: str, lang: Lang, no_data: str) -> str:
    from domain.numbers import decimal, percent

    if value is None:
        return no_data
    return percent(value, lang) if unit == "%" else f"{decimal(value, lang)} {unit}".rstrip()


def _charts(board: Indicators, lang: Lang, words: Callable[..., str]) -> list[dict[str, Any]]:
    """Each KPI with a line chart (month by month against its targets) and, when it has
    fields, a bar chart of the fields side by side."""
    from domain.labels import field_label, metric_label
    from domain.numbers import percent
    from web.charts import Bar, Point, bar_chart, line_chart

    no_data = words("web.kpi_no_data")

    def rate_text(r: Any) -> str:
        if r.value is None:
            return no_data
        return f"{percent(r.value, lang)} ({r.numerator}/{r.denominator})"

    out = []
    for s in board.series:
        name = metric_label(s.metric, lang)
        points = [
            Point(
                b.key[5:] if board.quarter is None else b.key, r.value, f"{b.key}: {rate_text(r)}"
            )
            for b, r in zip(board.buckets, s.values, strict=True)
        ]
        if not s.targets and all(p.value is None for p in points):
            continue
        line = line_chart(
            words("web.kpi_chart_months", name=name),
            points,
            s.targets,
            desc=words("web.kpi_chart_desc", name=name),
            no_data=no_data,
        )
        bars = None
        if s.fields:
            bars = bar_chart(
                words("web.kpi_chart_fields", name=name),
                [
                    Bar(
                        field_label(code, lang),
                        r.value,
                        rate_text(r),
                        threshold,
                        None if threshold is None or r.value is None else r.value >= threshold,
                    )
                    for code, r, threshold in s.fields
                ],
                desc=words("web.kpi_chart_fields", name=name),
            )
        out.append({"metric": s.metric, "name": name, "line": line, "bars": bars})
    return out


def _page(
    request: Request,
    signed: SignedInDep,
    *,
    year: str = "",
    quarter: str = "",
    status: int = 200,
    message: str = "",
    problems: InvalidInput | None = None,
    notice: str = "",
    slip: str = "",
    unit: str = "",
) -> Response:
    from application.indicators import indicators
    from domain.labels import field_label, target_wording

    env = env_of(request)
    lang = lang_of(request)
    board = indicators(
        env.uow(),
        signed.identity,
        env.now(),
        year=_year(year),
        quarter=_quarter(quarter),
        unit=unit_param(unit),
    )

    def words(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    no_data = words("web.kpi_no_data")
    measured = {m.code: m for m in board.measurements}
    return page(
        request,
        "indicators.html",
        signed=signed,
        status=status,
        board=board,
        report=board.result.report,
        targets=board.result.targets,
        charts=_charts(board, lang, words),
        measured=measured,
        message=message,
        problems=grouped(problems.problems) if problems is not None else [],
        problem_count=len(problems.problems) + getattr(problems, "more", 0) if problems else 0,
        notice=notice,
        slip=slip,
        year=year,
        quarter=quarter,
        wording=lambda target: target_wording(target, lang),
        field_label=lambda code: field_label(code, lang),
        value=lambda v, unit="%": _value(v, unit, lang, no_data),
        title_of=lambda line: line.title_en if lang == "en" and line.title_en else line.title,
        local=board.late.local,
        links_slip=slip_path,
    )


@route("GET", links.INDICATORS, response_class=HTMLResponse)
def indicators_page(
    request: Request,
    signed: SignedInDep,
    nam: str = "",
    quy: str = "",
    nhap: str = "",
    tao: int = 0,
    capnhat: int = 0,
    bo: int = 0,
    ghi: str = "",
    phieu: str = "",
    don_vi: str = "",
) -> Response:
    """The unit's targets and KPIs; ``don_vi``: another unit's, read-only (``web.viewing``)."""
    lang = lang_of(request)
    notice = ""
    if nhap == "ho-so":
        notice = t("web.kpi_dossiers_imported", lang, created=tao, updated=capnhat)
    elif nhap == "thu-tuc":
        notice = t("web.kpi_procedures_imported", lang, added=tao, updated=capnhat, removed=bo)
    elif ghi:
        notice = t("web.kpi_measure_recorded", lang, code=ghi)
    return _page(request, signed, year=nam, quarter=quy, notice=notice, slip=phieu, unit=don_vi)


def _file(upload: UploadFile | None, limit: int) -> tuple[str, bytes]:
    if upload is None or not upload.filename:
        raise InputError("web.no_files")
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise InputError("web.kpi_file_too_large", limit=limit // (1024 * 1024))
    return upload.filename, data


def _upload(
    request: Request,
    signed: SignedInDep,
    csrf_token: str,
    file: UploadFile | None,
    kind: str,
) -> Response:
    check_csrf(request, signed, csrf_token)
    from application.access import Refused
    from application.indicators import require, upload_dossiers, upload_procedures

    env = env_of(request)
    lang = lang_of(request)
    require(env.uow(), signed.identity, env.now(), "dossier.import")  # before the file is read
    try:
        name, data = _file(file, env.max_upload_bytes)
        if kind == "ho-so":
            done = upload_dossiers(env.uow(), signed.identity, env.now(), name=name, data=data)
            query = {"nhap": kind, "tao": done.created, "capnhat": done.updated}
        else:
            cat = upload_procedures(env.uow(), signed.identity, env.now(), name=name, data=data)
            query = {"nhap": kind, "tao": cat.added, "capnhat": cat.updated, "bo": cat.removed}
    except Refused:
        raise
    except InvalidInput as exc:
        key = "web.kpi_dossiers_refused" if kind == "ho-so" else "web.kpi_procedures_refused"
        message = t(key, lang, file=file.filename if file else "")
        return _page(request, signed, status=422, message=message, problems=exc)
    except CchcError as exc:
        return _page(request, signed, status=status_of(exc), message=exc.render(lang))
    return RedirectResponse(links.INDICATORS + "?" + urlencode(query), status_code=303)


@route("POST", DOSSIERS, dependencies=[read_only("dossier.import")])
def dossiers_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """A one-stop export (CSV/XLSX) imported all or nothing, as ``cchc dossiers import``."""
    return _upload(request, signed, csrf_token, file, "ho-so")


@route("POST", PROCEDURES, dependencies=[read_only("dossier.import")])
def procedures_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The procedure catalogue (CSV/XLSX), as ``cchc procedures import``."""
    return _upload(request, signed, csrf_token, file, "thu-tuc")


@route("POST", MEASURE, dependencies=[read_only("measure.set")])
def measure_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    year: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """A manual measurement with its basis (căn cứ), as ``cchc measure set``."""
    check_csrf(request, signed, csrf_token)
    from application.access import Refused
    from application.dossiers import set_measurement
    from application.indicators import require
    from domain.numbers import parse_number

    env = env_of(request)
    lang = lang_of(request)
    code = code.strip()
    unit = require(env.uow(), signed.identity, env.now(), "measure.set", target=code)
    try:
        number = parse_number(value)
        if number is None or number != number or number in (float("inf"), float("-inf")):
            raise InputError("web.kpi_bad_value", value=value)
        the_year = _year(year.strip())
        if the_year is None:
            raise InputError("web.bad_request", fields="year")
        set_measurement(
            env.uow(),
            signed.identity,
            env.now(),
            code=code,
            value=number,
            year=the_year,
            note=note.strip(),
            unit=unit,
        )
    except Refused:
        raise
    except CchcError as exc:
        return _page(request, signed, year=year, status=status_of(exc), message=exc.render(lang))
    query = {"ghi": code, **({"nam": year} if year else {})}
    return RedirectResponse(links.INDICATORS + "?" + urlencode(query), status_code=303)


@route("GET", SLIP, dependencies=[read_only("dossier.apology")])
def apology_slip(request: Request, signed: SignedInDep, dossier: str) -> Response:
    """The apology slip (Mẫu 04) of one dossier, Word, A4: ``cchc dossiers apology --docx``."""
    from urllib.parse import quote

    from application.indicators import apology_docx

    env = env_of(request)
    name, data = apology_docx(env.uow(), signed.identity, env.now(), dossier=dossier)
    return Response(
        data,
        media_type=DOCX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


@route("POST", SLIP, dependencies=[read_only("dossier.apology")])
def apology_post(
    request: Request,
    signed: SignedInDep,
    dossier: str,
    csrf_token: Annotated[str, Form()] = "",
    new_appointment: Annotated[str, Form()] = "",
) -> Response:
    """Record the slip issued today with its new appointment, as ``cchc dossiers apology ID
    --new-appointment DATE``; then the filled slip downloads from the notice."""
    check_csrf(request, signed, csrf_token)
    import datetime as dt

    from application.access import Refused
    from application.indicators import require
    from application.late_dossiers import record_apology

    env = env_of(request)
    lang = lang_of(request)
    unit = require(env.uow(), signed.identity, env.now(), "dossier.apology")
    try:
        try:
            day = dt.date.fromisoformat(new_appointment.strip())
        except ValueError:
            raise InputError("web.kpi_bad_date", value=new_appointment) from None
        record_apology(
            env.uow(),
            signed.identity,
            env.now(),
            dossier_id=dossier,
            new_appointment=day,
            unit=unit,
        )
    except Refused:
        raise
    except CchcError as exc:
        return _page(request, signed, status=status_of(exc), message=exc.render(lang))
    return RedirectResponse(links.INDICATORS + "?" + urlencode({"phieu": dossier}), status_code=303)


# --- the JSON API ------------------------------------------------------------------------------


@route("GET", API + "/kpi", include_in_schema=True)
def kpi_api(
    request: Request, signed: SignedInDep, year: int | None = None, quarter: int | None = None
) -> dict[str, Any]:
    """The one-stop KPIs and the plan's targets (met, not met, no data) of ``year`` (else the
    latest plan's) or one ``quarter`` (1–4) of it — ``cchc kpi --json`` — with each KPI month
    by month."""
    from application.indicators import indicators
    from domain.clock import MAX_YEAR, MIN_YEAR

    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise InputError("web.bad_request", fields="quarter")
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError("web.bad_request", fields="year")
    env = env_of(request)
    board = indicators(env.uow(), signed.identity, env.now(), year=year, quarter=quarter)
    return {
        **board.result.as_dict(),
        "months": {
            s.metric: [
                {"month": b.key, **r.as_dict()}
                for b, r in zip(board.buckets, s.values, strict=True)
            ]
            for s in board.series
        },
    }
