"""A unit's appraisal, item by item (``/tinh/tham-dinh/{unit}/{year}/…``): an appraiser's
score and comment of an item in the open round, the unit's explanation of an item in its
window with the documents it points to, and one of the unit's documents opened for whoever
reads its appraisal. Each form goes back to the unit's page at the item saying what was saved,
or shows the page again saying why not (422; 409 at the wrong stage; 403 refused)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from domain import links
from domain.errors import CchcError
from web.appraisal import UNIT, _unit_page, _valid_year, _year
from web.auth import lang_of, signed_in
from web.env import env_of
from web.errors import InputError
from web.forms import submit
from web.routes import Routes

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes(include_in_schema=False)
route = ROUTES.route
SCORE = UNIT + "/{item}/cham"
EXPLAIN = UNIT + "/{item}/giai-trinh"
DOCUMENT = UNIT + "/tai-lieu/{evidence_id}"
FormText = Annotated[str, Form()]
FormList = Annotated[list[str] | None, Form()]


def _number(value: str, item: str) -> float:
    """A score written with a point or a comma; anything else (or nothing) → 422."""
    import math

    from domain.numbers import parse_number

    if not value.strip():
        raise InputError("web.appraisal.score_needed", item=item)
    number = parse_number(value)
    if number is None or not math.isfinite(number):
        raise InputError("web.par_bad_number", field="diem", value=value[:40])
    return number


def _item_change(
    request: Request,
    signed: SignedInDep,
    csrf_token: str,
    unit: str,
    year: str,
    item: str,
    what: str,
    run: Callable[[int], Any],
) -> Response:
    """One item's change, then back to the unit's page at the item saying so; or the page
    again with why not."""
    from web.errors import status_of

    number = _valid_year(year)

    def checked() -> Any:
        if number is None:
            raise InputError("web.bad_request", fields="nam")
        return run(number)

    def back(_: Any) -> Response:
        assert number is not None
        query = urlencode({"ghi": what, "muc": item})
        url = f"{links.appraisal_path(unit, number)}?{query}#muc-{quote(item, safe='')}"
        return RedirectResponse(url, status_code=303)

    def failed(exc: CchcError) -> Response:
        if number is None:
            raise exc
        return _unit_page(
            request,
            signed,
            unit,
            number,
            status=status_of(exc),
            message=exc.render(lang_of(request)),
            at=item,
        )

    return submit(request, signed, csrf_token, checked, back, failed)


@route("POST", SCORE)
def score_post(
    request: Request,
    signed: SignedInDep,
    unit: str,
    year: str,
    item: str,
    csrf_token: FormText = "",
    diem: FormText = "",
    nhan_xet: FormText = "",
) -> Response:
    """An appraiser's score and comment of one item in the open round."""
    from application.appraisal import score

    env = env_of(request)

    def run(number: int) -> Any:
        return score(
            env.uow(),
            signed.identity,
            env.now(),
            unit=unit,
            year=number,
            item=item,
            points=_number(diem, item),
            comment=nhan_xet,
        )

    return _item_change(request, signed, csrf_token, unit, year, item, "diem", run)


@route("POST", EXPLAIN)
def explain_post(
    request: Request,
    signed: SignedInDep,
    unit: str,
    year: str,
    item: str,
    csrf_token: FormText = "",
    giai_trinh: FormText = "",
    tai_lieu: FormList = None,
) -> Response:
    """The unit's explanation of one item in its window, with the documents it points to."""
    from application.appraisal import explain

    env = env_of(request)
    chosen = [v.strip() for v in tai_lieu or () if v.strip()]

    def run(number: int) -> Any:
        bad = [v for v in chosen if not v.isdigit()]
        if bad:
            raise InputError("web.appraisal.bad_document", value=bad[0][:40])
        return explain(
            env.uow(),
            signed.identity,
            env.now(),
            unit=unit,
            year=number,
            item=item,
            text=giai_trinh,
            evidence=tuple(int(v) for v in chosen),
        )

    return _item_change(request, signed, csrf_token, unit, year, item, "giai-trinh", run)


@route("GET", DOCUMENT)
def document_get(
    request: Request, signed: SignedInDep, unit: str, year: str, evidence_id: int
) -> Response:
    """One of the unit's documents for whoever reads its appraisal: PDF and images in place,
    anything else as a download, in a sandbox of its own (as ``/tai-lieu/{id}``)."""
    from application.appraisal_unit import open_document
    from application.evidence import disk_store
    from web.approvals import DOCUMENT_CSP, disposition

    env = env_of(request)
    found = open_document(
        env.uow(),
        signed.identity,
        env.now(),
        unit=unit,
        year=_year(year, required=True) or 0,
        evidence_id=evidence_id,
        store=disk_store(env.evidence_home),
    )
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": disposition(
                "inline" if found.inline else "attachment", found.name
            ),
            "Content-Security-Policy": DOCUMENT_CSP,
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "same-origin",
        },
    )
