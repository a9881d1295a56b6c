"""Quản trị: the index of the administration pages, each offered when the policy lets the
signed-in officer do what the page is for (``application.navigation``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from domain import links
from web.auth import signed_in
from web.render import navigation_of, page
from web.routes import Routes

if TYPE_CHECKING:
    from application.identity import SignedIn as SignedInDep
else:
    SignedInDep = Annotated[object, Depends(signed_in)]

ROUTES = Routes(include_in_schema=False)
# (page of application.navigation.PAGES, its address) in the order the index lists them
ENTRIES = (
    ("plans", links.PLANS),
    ("people", links.PEOPLE),
    ("working_calendar", links.WORKING_CALENDAR),
    ("audit", links.AUDIT),
    ("outbox", links.OUTBOX),
)


@ROUTES.route("GET", links.ADMIN, response_class=HTMLResponse)
def admin_index(request: Request, signed: SignedInDep) -> Response:
    """The administration pages offered; 403 when none is (no administrative position)."""
    nav = navigation_of(request, signed)
    offered = [(name, path) for name, path in ENTRIES if name in nav.menu]
    return page(
        request,
        "admin.html",
        signed=signed,
        nav=nav,
        status=200 if offered else 403,
        offered=offered,
    )
