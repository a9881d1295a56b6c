"""Chờ duyệt — the approver's queue across tasks — and the documents themselves: opening one
(in place for PDF and images, else a download) and accepting or rejecting one, as a page
form (post, then back to the occurrence) and in the JSON API."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import Body, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from domain import links
from web.auth import check_csrf, signed_in
from web.env import env_of
from web.render import page
from web.routes import Routes

if TYPE_CHECKING:
    from application.evidence import ReviewResult
    from application.identity import SignedIn as SignedInDep
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes()
route = ROUTES.route
API = "/api/v1"
EVIDENCE = links.EVIDENCE_PREFIX + "/{evidence_id}"
REVIEWS = ("accept", "reject")
DOCUMENT_CSP = (
    "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"
)
"""A document is shown in a sandbox of its own: no script, no form, no access to the site."""


class ReviewBody(BaseModel):
    reason: str | None = None


# --- Chờ duyệt ---------------------------------------------------------------------------------


@route("GET", links.APPROVALS, response_class=HTMLResponse, include_in_schema=False)
def approvals_page(request: Request, signed: SignedInDep) -> Response:
    from application.approval_queue import approval_queue_of

    env = env_of(request)
    queue = approval_queue_of(env.uow(), signed.identity, env.now(), lang=signed.lang)
    return page(request, "approvals.html", signed=signed, queue=queue)


@route("GET", API + "/approvals")
def approvals_api(request: Request, signed: SignedInDep) -> dict[str, Any]:
    """The submissions waiting for my review (accept or return), oldest submission first."""
    from application.approval_queue import approval_queue_of

    env = env_of(request)
    return approval_queue_of(env.uow(), signed.identity, env.now(), lang=signed.lang).as_dict()


# --- one document ----------------------------------------------------------------------------


def ascii_name(name: str) -> str:
    """A plain-ASCII stand-in for ``name`` (for clients that ignore ``filename*``)."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(
        ch if (ch.isascii() and (ch.isalnum() or ch in "._- ")) else "_"
        for ch in plain
        if not unicodedata.combining(ch)
    )
    return kept.strip(" .") or "tai-lieu"


def disposition(kind: str, name: str) -> str:
    """``Content-Disposition`` with the name in RFC 5987 form (UTF-8, percent-encoded)."""
    return f"{kind}; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


@route("GET", EVIDENCE, include_in_schema=False)
def evidence_get(request: Request, signed: SignedInDep, evidence_id: int) -> Response:
    """The stored file: PDF and images in place, anything else as a download."""
    from application.evidence import disk_store
    from application.evidence_files import open_evidence

    env = env_of(request)
    found = open_evidence(
        env.uow(),
        signed.identity,
        env.now(),
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


def _review(
    request: Request, signed: SignedInDep, evidence_id: int, action: str, reason: str | None
) -> ReviewResult:
    from application.evidence import review

    env = env_of(request)
    return review(
        env.uow(),
        signed.identity,
        env.now(),
        evidence_id=evidence_id,
        action="accept" if action == "accept" else "reject",
        reason=(reason or "").strip() or None,
    )


def _review_page(action: str):  # type: ignore[no-untyped-def]
    def review_post(
        request: Request,
        signed: SignedInDep,
        evidence_id: int,
        csrf_token: Annotated[str, Form()] = "",
        reason: Annotated[str, Form()] = "",
    ) -> Response:
        check_csrf(request, signed, csrf_token)
        done = _review(request, signed, evidence_id, action, reason)
        target = (
            links.occurrence_path(done.task, done.period)
            if done.task and done.period
            else links.APPROVALS
        )
        return RedirectResponse(target + f"#tai-lieu-{done.id}", status_code=303)

    review_post.__name__ = f"evidence_{action}_post"
    return review_post


def _review_api(action: str):  # type: ignore[no-untyped-def]
    def review_api(
        request: Request,
        signed: SignedInDep,
        evidence_id: int,
        body: Annotated[ReviewBody | None, Body()] = None,
    ) -> dict[str, Any]:
        check_csrf(request, signed)
        done = _review(request, signed, evidence_id, action, body.reason if body else None)
        result: dict[str, Any] = done.as_dict()
        return result

    review_api.__name__ = f"evidence_{action}_api"
    review_api.__doc__ = (
        "Accept one uploaded document."
        if action == "accept"
        else "Reject one uploaded document (``reason`` required)."
    )
    return review_api


for _action in REVIEWS:
    route("POST", EVIDENCE + "/" + _action, include_in_schema=False)(_review_page(_action))
    route("POST", API + "/evidence/{evidence_id}/" + _action)(_review_api(_action))
