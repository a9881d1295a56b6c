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
    from application.navigation import Navigation

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
            auto_reload=False,  # each template compiled once: the package's files do not change
        )
    return _ENV


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def navigation_of(request: Request, signed: SignedIn | None) -> Navigation:
    """The navigation for ``signed`` (the policy's menu and the "Chờ duyệt" badge): one
    transaction, asked once per request."""
    from application.navigation import Navigation, navigation
    from web.env import env_of

    if signed is None:
        return Navigation()
    state = request.state._state
    if "navigation" not in state:
        env = env_of(request)
        try:
            state["navigation"] = navigation(
                env.uow(), signed.identity, env.now(), unit_id=signed.unit_id
            )
        except CchcError:  # the page shows the error; the menu stays empty
            state["navigation"] = Navigation()
    found: Navigation = state["navigation"]
    return found


def page(
    request: Request,
    template: str,
    *,
    signed: SignedIn | None = None,
    status: int = 200,
    csrf: str | None = None,
    nav: Navigation | None = None,
    **context: Any,
) -> HTMLResponse:
    """``template`` rendered for ``request``'s reader, with the navigation of the signed-in
    officer (``nav`` when the page's use case already computed it in its own transaction)."""
    lang = lang_of(request)
    if nav is None:
        nav = navigation_of(request, signed)

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
            nav=nav,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status)
