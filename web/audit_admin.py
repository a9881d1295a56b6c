"""Nhật ký and Hộp thư đi: the audit log for whoever may read it (``audit.read``) — filtered,
a page at a time, refused attempts marked, one entry's details, "Kiểm tra toàn vẹn" (the
hash-chain verification of ``cchc audit verify``) — and the outbox (read as the log is), one
message, "Gửi lại" for a dead letter (``outbox.retry``, as ``cchc outbox retry``). The policy
is asked by the use cases (``application.audit``, ``application.administration``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain import links
from web.auth import lang_of, signed_in
from web.env import env_of
from web.forms import submit
from web.render import page
from web.routes import Routes

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes(include_in_schema=False)
route = ROUTES.route
ENTRY = links.AUDIT + "/{entry_id}"
VERIFY = links.AUDIT + "/kiem-tra"
MESSAGE = links.OUTBOX + "/{message_id}"
RETRY = MESSAGE + "/gui-lai"
OUTBOX_FILTERS = ("pending", "sent", "dead")
KINDS = (  # the kinds of message the pages name (others are shown as they are stored)
    "reminder", "escalation", "digest", "returned", "accepted", "assignment", "dead_letter",
    "bundle", "submitted", "invitation", "test", "nudge",
)  # fmt: skip
MAX_TEXT = 200
MAX_ID = 2**62


def _date(value: str, field: str) -> dt.date | None:
    from web.errors import InputError

    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError("web.bad_request", fields=field) from None


def _id(value: str, field: str) -> int | None:
    from web.errors import InputError

    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < MAX_ID:
        raise InputError("web.bad_request", fields=field)
    return int(value)


def _text(value: str, field: str) -> str | None:
    from web.errors import InputError

    if len(value) > MAX_TEXT:
        raise InputError("web.bad_request", fields=field)
    return value.strip() or None


# --- Nhật ký -----------------------------------------------------------------------------------


def _audit_page(
    request: Request,
    signed: SignedInDep,
    filters: dict[str, str],
    *,
    before: str = "",
    report: object = None,
) -> Response:
    from application.audit import browse

    env = env_of(request)
    lang = lang_of(request)
    found = browse(
        env.uow(),
        signed.identity,
        env.now(),
        actor=_text(filters["nguoi"], "nguoi"),
        action=_text(filters["thao-tac"], "thao-tac"),
        obj=_text(filters["doi-tuong"], "doi-tuong"),
        since=_date(filters["tu-ngay"], "tu-ngay"),
        until=_date(filters["den-ngay"], "den-ngay"),
        before=_id(before, "truoc"),
        lang=lang,
    )
    kept = {k: v for k, v in filters.items() if v}
    older = None
    if found.older is not None:
        older = links.AUDIT + "?" + urlencode({**kept, "truoc": found.older})
    return page(
        request,
        "audit.html",
        signed=signed,
        found=found,
        filters=filters,
        filtered=bool(kept),
        paged=bool(before),
        newest=links.AUDIT + ("?" + urlencode(kept) if kept else ""),
        older=older,
        report=report,
        actors=sorted(found.actors.items(), key=lambda item: item[1]),
    )


@route("GET", links.AUDIT, response_class=HTMLResponse)
def audit_page(
    request: Request,
    signed: SignedInDep,
    nguoi: str = "",
    thao_tac: Annotated[str, Query(alias="thao-tac")] = "",
    doi_tuong: Annotated[str, Query(alias="doi-tuong")] = "",
    tu_ngay: Annotated[str, Query(alias="tu-ngay")] = "",
    den_ngay: Annotated[str, Query(alias="den-ngay")] = "",
    truoc: str = "",
) -> Response:
    """The log, newest first, filtered by the GET form's fields; ``truoc``: older than that
    entry (the next page)."""
    filters = {
        "nguoi": nguoi,
        "thao-tac": thao_tac,
        "doi-tuong": doi_tuong,
        "tu-ngay": tu_ngay,
        "den-ngay": den_ngay,
    }
    return _audit_page(request, signed, filters, before=truoc)


@route("POST", VERIFY, response_class=HTMLResponse)
def verify_post(
    request: Request,
    signed: SignedInDep,
    csrf_token: Annotated[str, Form()] = "",
    nguoi: Annotated[str, Form()] = "",
    thao_tac: Annotated[str, Form(alias="thao-tac")] = "",
    doi_tuong: Annotated[str, Form(alias="doi-tuong")] = "",
    tu_ngay: Annotated[str, Form(alias="tu-ngay")] = "",
    den_ngay: Annotated[str, Form(alias="den-ngay")] = "",
) -> Response:
    """Kiểm tra toàn vẹn: the log's page (with the filters it was sent from) and the
    verification's result above it."""
    from application.audit import verify_as

    env = env_of(request)
    filters = {
        "nguoi": nguoi,
        "thao-tac": thao_tac,
        "doi-tuong": doi_tuong,
        "tu-ngay": tu_ngay,
        "den-ngay": den_ngay,
    }
    return submit(
        request,
        signed,
        csrf_token,
        lambda: verify_as(env.uow(), signed.identity, env.now()),
        lambda report: _audit_page(request, signed, filters, report=report),
    )


@route("GET", ENTRY, response_class=HTMLResponse)
def entry_page(request: Request, signed: SignedInDep, entry_id: int) -> Response:
    """One entry: who, when, what, before and after, its hashes."""
    import json

    from application.audit import show_entry

    env = env_of(request)
    if not 0 < entry_id < MAX_ID:
        from domain.errors import NotFoundError

        raise NotFoundError("error.audit_entry_not_found", id=entry_id)
    entry = show_entry(env.uow(), signed.identity, env.now(), entry_id, lang=lang_of(request))

    def dump(data: object) -> str:
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str)

    return page(request, "audit_entry.html", signed=signed, entry=entry, dump=dump)


# --- Hộp thư đi --------------------------------------------------------------------------------


def _status(value: str) -> list[str]:
    from web.errors import InputError

    if not value:
        return []
    if value not in OUTBOX_FILTERS:
        raise InputError("web.bad_request", fields="trang-thai")
    return [value]


@route("GET", links.OUTBOX, response_class=HTMLResponse)
def outbox_page(
    request: Request,
    signed: SignedInDep,
    trang_thai: Annotated[str, Query(alias="trang-thai")] = "",
    truoc: str = "",
    da_gui_lai: Annotated[str, Query(alias="da-gui-lai")] = "",
) -> Response:
    """The outbox, newest first, ``trang-thai`` pending, sent or dead (else every message)."""
    from application.administration import outbox_page as read_page

    env = env_of(request)
    found = read_page(
        env.uow(),
        signed.identity,
        env.now(),
        status=_status(trang_thai),
        before=_id(truoc, "truoc"),
    )
    kept = {"trang-thai": trang_thai} if trang_thai else {}
    older = None
    if found.older is not None:
        older = links.OUTBOX + "?" + urlencode({**kept, "truoc": found.older})
    return page(
        request,
        "outbox.html",
        signed=signed,
        found=found,
        current=trang_thai,
        statuses=OUTBOX_FILTERS,
        older=older,
        paged=bool(truoc),
        newest=links.OUTBOX + ("?" + urlencode(kept) if kept else ""),
        retried=_id(da_gui_lai, "da-gui-lai"),
        kinds=KINDS,
    )


@route("GET", MESSAGE, response_class=HTMLResponse)
def message_page(request: Request, signed: SignedInDep, message_id: int) -> Response:
    """One message with its text and its last error."""
    from application.administration import read_outbox_message

    env = env_of(request)
    message = read_outbox_message(
        env.uow(), signed.identity, env.now(), message_id=min(max(message_id, 0), MAX_ID)
    )
    return page(request, "outbox_message.html", signed=signed, message=message, kinds=KINDS)


@route("POST", RETRY)
def retry_post(
    request: Request,
    signed: SignedInDep,
    message_id: int,
    csrf_token: Annotated[str, Form()] = "",
    trang_thai: Annotated[str, Form(alias="trang-thai")] = "",
) -> Response:
    """Gửi lại: the dead letter back in the queue, then the outbox saying so (409 when the
    message is not dead)."""
    from application.administration import retry_dead

    env = env_of(request)

    def run() -> Any:
        _status(trang_thai)
        return retry_dead(
            env.uow(), signed.identity, env.now(), message_id=min(max(message_id, 0), MAX_ID)
        )

    def done(sent: Any) -> Response:
        query = {"da-gui-lai": sent.id, **({"trang-thai": trang_thai} if trang_thai else {})}
        return RedirectResponse(links.OUTBOX + "?" + urlencode(query), status_code=303)

    return submit(request, signed, csrf_token, run, done)
