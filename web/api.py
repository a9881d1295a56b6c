"""The JSON API under ``/api/v1``: the same use cases as the pages, for scripts and
integrations (a session cookie with its CSRF header, or ``Authorization: Bearer``). Errors are
``{"error": message}`` in the caller's language (see ``web.errors``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Body, Depends, File, Form, Request, UploadFile
from pydantic import BaseModel

from web.auth import check_csrf, signed_in
from web.env import env_of
from web.routes import Routes

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

PREFIX = "/api/v1"
API_ACTIONS = ("submit", "accept", "return", "waive")
ROUTES = Routes()
route = ROUTES.route


class Me(BaseModel):
    email: str
    name: str
    lang: str


class ActionBody(BaseModel):
    reason: str | None = None


@route("GET", PREFIX + "/me", response_model=Me)
def me(signed: SignedInDep) -> Me:
    """The signed-in officer."""
    return Me(email=signed.email, name=signed.name, lang=signed.lang)


@route("GET", PREFIX + "/tasks")
def tasks(request: Request, signed: SignedInDep) -> dict[str, Any]:
    """My occurrences (overdue, due soon, returned, later) and those waiting for my approval."""
    from application.my_work import my_work

    env = env_of(request)
    return my_work(
        env.uow(), signed.identity, env.now(), lang=signed.lang, unit_id=signed.unit_id
    ).as_dict()


@route("GET", PREFIX + "/occurrences/{task}/{period}")
def occurrence(request: Request, signed: SignedInDep, task: str, period: str) -> dict[str, Any]:
    """One occurrence in full: deadline, lead, approver, documents, history."""
    from application.occurrences import show_occurrence

    env = env_of(request)
    detail = show_occurrence(env.uow(), env.now(), task=task, period=period, lang=signed.lang)
    return detail.as_dict()


@route("POST", PREFIX + "/occurrences/{task}/{period}/evidence")
def evidence(
    request: Request,
    signed: SignedInDep,
    task: str,
    period: str,
    file: Annotated[list[UploadFile], File()],
    requirement: Annotated[str, Form()] = "",
    doc_number: Annotated[list[str] | None, Form()] = None,
    doc_date: Annotated[list[str] | None, Form()] = None,
    issuer: Annotated[list[str] | None, Form()] = None,
    summary: Annotated[list[str] | None, Form()] = None,
) -> dict[str, Any]:
    """Upload one or several files (multipart field ``file``) for a required document
    (``requirement``: its number or name; empty: another document), with their metadata:
    each field once for every file, or repeated once per file in the files' order. All the
    files or none."""
    check_csrf(request, signed)
    from web.uploads import UploadFields, store_uploads

    items = store_uploads(
        request,
        signed,
        task=task,
        period=period,
        files=file,
        fields=UploadFields.of(requirement, doc_number, doc_date, issuer, summary),
    )
    return {"evidence": [item.as_dict() for item in items]}


def _action_route(action: str):  # type: ignore[no-untyped-def]
    def act_api(
        request: Request,
        signed: SignedInDep,
        task: str,
        period: str,
        body: Annotated[ActionBody | None, Body()] = None,
    ) -> dict[str, Any]:
        check_csrf(request, signed)
        from application.occurrences import act

        env = env_of(request)
        result = act(
            env.uow(),
            signed.identity,
            env.now(),
            action=action,
            task=task,
            period=period,
            reason=(body.reason if body else None),
        )
        return result.as_dict()

    act_api.__name__ = f"{action}_api"
    act_api.__doc__ = f"{action.capitalize()} one occurrence as the signed-in officer."
    return act_api


for _action in API_ACTIONS:
    route("POST", PREFIX + "/occurrences/{task}/{period}/" + _action)(_action_route(_action))
