"""Tự đánh giá: the year-end PAR Index self-assessment in the browser — the framework as a
tree (areas → criteria → items) with maximum, suggested, self, survey and appraised points,
what each suggestion rests on, the evidence, the flags, the totals, index and grade; entering
a self-score with its reason, an explanation, a survey result, the appraisal rounds, bonus and
penalty (``par.edit``); the submission pack as a ZIP; submitting (the chairman, giving the
password again) and reopening (``par.submit`` / ``par.reopen``).

Each handler parses the form, calls one use case of ``application.assessment`` (the same the
``cchc par`` commands call) and renders; the use cases ask the policy. A bad value re-renders
the page with the message (422; 409 once submitted); a refusal is the error page naming the
rule (403)."""

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
from web.forms import submit
from web.render import page
from web.routes import Routes
from web.viewing import read_only, unit_param

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes(include_in_schema=False)
route = ROUTES.route
BASE = links.ASSESSMENT
PACK = BASE + "/ho-so.zip"
ADJUST = BASE + "/cong-tru"
SUBMIT = BASE + "/nop"
REOPEN = BASE + "/mo-lai"
SCORE = BASE + "/{item}/diem"
EXPLAIN = BASE + "/{item}/giai-trinh"
APPRAISE = BASE + "/{item}/tham-dinh"
FormText = Annotated[str, Form()]


def item_path(item: str, what: str) -> str:
    """One item's form: ``/tu-danh-gia/1.1.1/diem``."""
    return f"{BASE}/{quote(item, safe='')}/{what}"


def _year(value: str) -> int | None:
    from web.errors import InputError

    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or len(value) != 4:
        raise InputError("web.bad_request", fields="nam")
    return int(value)


def _number(value: str, name: str) -> float | None:
    """A number written with a point or a comma; empty → None; anything else → 422."""
    import math

    from domain.numbers import parse_number
    from web.errors import InputError

    if not value.strip():
        return None
    number = parse_number(value)
    if number is None or not math.isfinite(number):
        raise InputError("web.par_bad_number", field=name, value=value[:40])
    return number


_BASES = {
    "survey": "survey",
    "manual": "manual",
    "level not chosen": "level_not_chosen",
    "no linked task": "no_linked_task",
    "all linked occurrences done": "all_done",
    "linked occurrences not all done": "not_all_done",
}


def basis_text(basis: str, lang: Any) -> str:
    """What a suggestion rests on (``domain.scoring``'s words) in the reader's language; an
    input's key (``metric:on_time_rate``) is shown as it is."""
    import re

    from web.messages import t

    if basis in _BASES:
        return t("web.par_basis." + _BASES[basis], lang)
    if basis.startswith("level "):
        return t("web.par_basis.level", lang, level=basis[6:])
    completion = t("web.par_basis.completion", lang)
    if basis.endswith(": no data"):
        what = basis[: -len(": no data")].replace("task completion", completion)
        return t("web.par_basis.no_data", lang, input=what)
    found = re.fullmatch(r"(.+) = (.+)", basis)
    if found:
        return f"{found.group(1).replace('task completion', completion)} = {found.group(2)}"
    return basis


def _page(
    request: Request,
    signed: SignedInDep,
    *,
    year: str = "",
    status: int = 200,
    message: str = "",
    saved: str = "",
    at: str = "",
    template: str = "assessment.html",
    submitted_now: bool = False,
    reopened_now: bool = False,
    unit: str = "",
) -> Response:
    from application.assessment import assessment_page, flags
    from domain.numbers import decimal

    env = env_of(request)
    lang = lang_of(request)
    view = assessment_page(
        env.uow(), signed.identity, env.now(), year=_year(year), unit=unit_param(unit)
    )

    def num(value: float | None) -> str:
        return "—" if value is None else decimal(value, lang)

    def plain(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    return page(
        request,
        template,
        signed=signed,
        status=status,
        view=view,
        card=view.card,
        message=message,
        saved=saved,
        at=at,
        num=num,
        plain=plain,
        flags=flags,
        item_path=item_path,
        basis=lambda text: basis_text(text, lang),
        routes={"PACK": PACK, "ADJUST": ADJUST, "SUBMIT": SUBMIT, "REOPEN": REOPEN},
        submitted_now=submitted_now,
        reopened_now=reopened_now,
    )


@route("GET", BASE, response_class=HTMLResponse)
def assessment_get(
    request: Request,
    signed: SignedInDep,
    nam: str = "",
    ghi: str = "",
    nop: str = "",
    don_vi: str = "",
) -> Response:
    """The year's self-assessment; ``don_vi``: another unit's, read-only (``web.viewing``)."""
    return _page(
        request,
        signed,
        year=nam,
        saved=ghi,
        submitted_now=bool(nop),
        reopened_now=ghi == "mo-lai",
        unit=don_vi,
    )


def _back(year: int, **query: str) -> RedirectResponse:
    anchor = query.pop("anchor", "")
    url = BASE + "?" + urlencode({"nam": str(year), **query}) + (f"#{anchor}" if anchor else "")
    return RedirectResponse(url, status_code=303)


def _failed(
    request: Request, signed: SignedInDep, nam: str, **shown: str
) -> Callable[[CchcError], Response]:
    """The page again (or the confirmation ``shown``), saying why not, under its status."""
    from web.errors import status_of

    def render(exc: CchcError) -> Response:
        template = shown.get("template", "assessment.html")
        if template == "assessment_submit.html" and status_of(exc) == 409:
            template = "assessment.html"  # submitted meanwhile: the page says so
        return _page(
            request,
            signed,
            year=nam,
            status=status_of(exc),
            message=exc.render(lang_of(request)),
            at=shown.get("at", ""),
            template=template,
        )

    return render


def _change(
    request: Request,
    signed: SignedInDep,
    csrf_token: str,
    nam: str,
    at: str,
    run: Callable[[int | None], Any],
    done: Callable[[int], Response],
) -> Response:
    """Run one change; back to the page saying so, or the page again with why not."""
    return submit(
        request,
        signed,
        csrf_token,
        lambda: run(_year(nam)),
        lambda result: done(result.year),
        _failed(request, signed, nam, at=at),
    )


def _item_change(
    request: Request,
    signed: SignedInDep,
    csrf_token: str,
    nam: str,
    item: str,
    run: Callable[[int | None], Any],
) -> Response:
    """One item's change: back to the page at that item, saying it was saved."""
    return _change(
        request,
        signed,
        csrf_token,
        nam,
        item,
        run,
        lambda y: _back(y, ghi=item, anchor=f"muc-{item}"),
    )


def _this_year(request: Request, signed: SignedInDep, year: int | None) -> int:
    if year is not None:
        return year
    from application.assessment import assessment_page

    env = env_of(request)
    return assessment_page(env.uow(), signed.identity, env.now()).year


@route("POST", SCORE, dependencies=[read_only("par.edit")])
def score_post(
    request: Request,
    signed: SignedInDep,
    item: str,
    csrf_token: FormText = "",
    nam: FormText = "",
    diem: FormText = "",
    ly_do: FormText = "",
    muc: FormText = "",
    khao_sat: FormText = "",
) -> Response:
    """The self-score with its reason (or the level chosen), or a survey item's result."""
    from application.assessment import set_score

    env = env_of(request)

    def run(year: int | None) -> Any:
        return set_score(
            env.uow(),
            signed.identity,
            env.now(),
            year=_this_year(request, signed, year),
            item=item,
            points=_number(diem, "diem"),
            reason=ly_do.strip() or None,
            level=muc.strip() or None,
            survey=_number(khao_sat, "khao_sat"),
        )

    return _item_change(request, signed, csrf_token, nam, item, run)


@route("POST", EXPLAIN, dependencies=[read_only("par.edit")])
def explain_post(
    request: Request,
    signed: SignedInDep,
    item: str,
    csrf_token: FormText = "",
    nam: FormText = "",
    giai_trinh: FormText = "",
) -> Response:
    """The explanation (giải trình) of an item scored without evidence."""
    from application.assessment import explain

    env = env_of(request)

    def run(year: int | None) -> Any:
        return explain(
            env.uow(),
            signed.identity,
            env.now(),
            year=_this_year(request, signed, year),
            item=item,
            text=giai_trinh.strip(),
        )

    return _item_change(request, signed, csrf_token, nam, item, run)


@route("POST", APPRAISE, dependencies=[read_only("par.edit")])
def appraise_post(
    request: Request,
    signed: SignedInDep,
    item: str,
    csrf_token: FormText = "",
    nam: FormText = "",
    vong_1: FormText = "",
    vong_2: FormText = "",
) -> Response:
    """The upper level's appraisal of an item, rounds 1 and 2, as the ward received it
    (``par.edit``, as ``cchc par set --appraisal-1/--appraisal-2``)."""
    from application.assessment import set_score

    env = env_of(request)

    def run(year: int | None) -> Any:
        return set_score(
            env.uow(),
            signed.identity,
            env.now(),
            year=_this_year(request, signed, year),
            item=item,
            appraisal_1=_number(vong_1, "vong_1"),
            appraisal_2=_number(vong_2, "vong_2"),
        )

    return _item_change(request, signed, csrf_token, nam, item, run)


@route("POST", ADJUST, dependencies=[read_only("par.edit")])
def adjust_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: FormText = "",
    nam: FormText = "",
    thuong: FormText = "",
    ly_do_thuong: FormText = "",
    tru: FormText = "",
    ly_do_tru: FormText = "",
    kho_khan: FormText = "",
) -> Response:
    """Bonus and penalty with their reasons, and the report's difficulties; a value over its
    cap (shown beside the field) is refused naming the cap, never brought down silently."""
    from application.assessment import adjust

    env = env_of(request)

    def run(year: int | None) -> Any:
        return adjust(
            env.uow(),
            signed.identity,
            env.now(),
            year=_this_year(request, signed, year),
            bonus=_number(thuong, "thuong"),
            bonus_reason=ly_do_thuong.strip(),
            penalty=_number(tru, "tru"),
            penalty_reason=ly_do_tru.strip(),
            difficulties=kho_khan.strip(),
            refuse_over_cap=True,
        )

    return _change(
        request,
        signed,
        csrf_token,
        nam,
        "cong-tru",
        run,
        lambda y: _back(y, ghi="cong-tru", anchor="cong-tru"),
    )


@route("GET", PACK, dependencies=[read_only("completeness.read")])
def pack_get(request: Request, signed: SignedInDep, nam: str = "") -> Response:
    """The submission pack (``cchc par export``) as one ZIP: score sheet, report, evidence by
    criterion, manifest."""
    from application.assessment import pack_zip
    from application.evidence import disk_store

    env = env_of(request)
    year = _this_year(request, signed, _year(nam))
    name, data = pack_zip(
        env.uow(),
        signed.identity,
        env.now(),
        year=year,
        blobs=disk_store(env.evidence_home),
    )
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


# --- submitting and reopening -------------------------------------------------------------------


def _refuse_unless(request: Request, signed: SignedInDep, nam: str, action: str) -> None:
    """A confirmation page only for whom the policy lets act: else its refusal (403)."""
    from application.assessment import check_may

    env = env_of(request)
    check_may(env.uow(), signed.identity, env.now(), action=action, year=_year(nam))


@route("GET", SUBMIT, response_class=HTMLResponse, dependencies=[read_only("par.submit")])
def submit_get(request: Request, signed: SignedInDep, nam: str = "") -> Response:
    """What submitting freezes, and the password (and code) asked again."""
    _refuse_unless(request, signed, nam, "par.submit")
    return _page(request, signed, year=nam, template="assessment_submit.html")


@route("POST", SUBMIT, dependencies=[read_only("par.submit")])
def submit_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: FormText = "",
    nam: FormText = "",
    password: FormText = "",
    code: FormText = "",
) -> Response:
    """Submit: the password checked again (and the TOTP code on an account with two-step
    sign-in); back to the page showing the snapshot's hash."""
    from application.assessment import submit_confirmed

    env = env_of(request)
    return submit(
        request,
        signed,
        csrf_token,
        lambda: submit_confirmed(
            env.uow(),
            signed.identity,
            env.now(),
            year=_this_year(request, signed, _year(nam)),
            password=password,
            code=code,
        ),
        lambda done: _back(done.year, nop="1"),
        _failed(request, signed, nam, template="assessment_submit.html"),
    )


@route("GET", REOPEN, response_class=HTMLResponse, dependencies=[read_only("par.reopen")])
def reopen_get(request: Request, signed: SignedInDep, nam: str = "") -> Response:
    """Reopening: its consequence, and the reason asked."""
    _refuse_unless(request, signed, nam, "par.reopen")
    return _page(request, signed, year=nam, template="assessment_reopen.html")


@route("POST", REOPEN, dependencies=[read_only("par.reopen")])
def reopen_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: FormText = "",
    nam: FormText = "",
    ly_do: FormText = "",
) -> Response:
    from application.assessment import reopen

    env = env_of(request)
    return submit(
        request,
        signed,
        csrf_token,
        lambda: reopen(
            env.uow(),
            signed.identity,
            env.now(),
            year=_this_year(request, signed, _year(nam)),
            reason=ly_do,
        ),
        lambda done: _back(done.year, ghi="mo-lai"),
        _failed(request, signed, nam, template="assessment_reopen.html"),
    )
