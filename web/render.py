"""Pages from Jinja2 templates (autoescaped): each page gets the words of its reader's
language, the signed-in officer, the CSRF token of its forms, and helpers that write dates and
periods as officers do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from domain import links
from domain.errors import CchcError
from domain.periods import period_label
from web.auth import lang_of
from web.messages import t

if TYPE_CHECKING:
    from application.identity import SignedIn

TEMPLATES = Path(__file__).resolve().parent / "templates"
_ENV: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,  # every value is escaped unless a template says otherwise
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _ENV


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def _may_see_progress(request: Request, signed: SignedIn | None) -> bool:
    """Whether the navigation offers Tiến độ: the policy's answer (``completeness.read``),
    asked once per request."""
    if signed is None:
        return False
    state = request.state._state
    if "may_see_progress" not in state:
        from application.completeness import may
        from web.env import env_of

        env = env_of(request)
        state["may_see_progress"] = may(env.uow(), signed.identity, env.now())
    return bool(state["may_see_progress"])


def _waiting(request: Request, signed: SignedIn) -> int:
    from application.approval_queue import waiting_count
    from web.env import env_of

    env = env_of(request)
    try:
        return waiting_count(env.uow(), signed.identity, env.now())
    except CchcError:  # an error page for an officer of no plan: no badge, the error shows
        return 0


def page(
    request: Request,
    template: str,
    *,
    signed: SignedIn | None = None,
    status: int = 200,
    csrf: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """``template`` rendered for ``request``'s reader; the navigation's "Chờ duyệt" badge
    counts the submissions waiting for the signed-in officer (``waiting`` when the page
    already knows it)."""
    lang = lang_of(request)
    if signed is not None and "waiting" not in context:
        context["waiting"] = _waiting(request, signed)

    def words(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    html = (
        environment()
        .get_template(template)
        .render(
            _=words,
            lang=lang,
            signed=signed,
            csrf=csrf if csrf is not None else (signed.csrf_token if signed else "") or "",
            links=links,
            period=lambda key: period_label(key, lang),
            date=_date,
            path=request.url.path,
            may_see_progress=_may_see_progress(request, signed),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status)
