"""The navigation of the web pages — "thanh điều hướng": which pages the signed-in officer
is offered (the policy's answer for the actions each page is for) and how many submissions
wait for their review (the "Chờ duyệt" badge).

Asked once per page in the same transaction as the page's own data when the page's use case
already holds the unit's context (``menu_of``), else by ``navigation`` in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from application.access import Identity, actor_for
from application.approvals import submitted_to
from application.uow import UnitOfWork
from domain.errors import CchcError
from responsibilities.policy import Subject, decide
from storage.identity import officer_in_post
from storage.occurrences import Context, context
from storage.plans import find_plan

if TYPE_CHECKING:
    from sqlmodel import Session

# page -> the actions it is for: offered when the policy allows any of them
PAGES: dict[str, tuple[str, ...]] = {
    "progress": ("completeness.read",),
    "indicators": ("completeness.read", "measure.set", "dossier.import"),
    "assessment": ("par.edit", "par.submit", "par.reopen"),
    "plans": ("plan.load", "framework.load"),
    "people": ("people.edit",),
    "working_calendar": ("calendar.edit",),
    "audit": ("audit.read",),
    "outbox": ("outbox.retry",),
}
ADMIN_PAGES = ("plans", "people", "working_calendar", "audit", "outbox")
# the province's pages: its staff and appraisers follow the units below them, appraise them and
# rank them, and follow their one-stop KPIs ("kpis"); a unit's CCHC officer and chairman read
# their own appraisal and result
PROVINCE_PAGES = ("province", "kpis", "appraisal", "ranking")
UNIT_APPRAISAL_PAGES = ("appraisal", "ranking")


@dataclass(frozen=True)
class Navigation:
    """``menu``: the pages of ``PAGES`` offered; ``waiting``: submissions for my review."""

    menu: frozenset[str] = frozenset()
    waiting: int = 0

    @property
    def admin(self) -> bool:
        """Whether any administration page is offered (the "Quản trị" entry)."""
        return any(p in self.menu for p in ADMIN_PAGES)


def menu_of(ctx: Context, identity: Identity) -> frozenset[str]:
    """The pages ``identity`` is offered in ``ctx``'s unit today."""
    names = ctx.names()
    actor = actor_for(identity, ctx.holdings, names)
    today = ctx.today
    allowed: dict[str, bool] = {}

    def may(action: str) -> bool:
        if action not in allowed:
            allowed[action] = decide(actor, action, Subject(), today, ctx.holdings).allowed
        return allowed[action]

    return frozenset(page for page, actions in PAGES.items() if any(map(may, actions)))


def appraisal_pages(
    session: Session, identity: Identity, now: dt.datetime, ctx: Context | None = None
) -> frozenset[str]:
    """The appraisal pages ``identity`` is offered: every province page to whoever holds a
    province role today; to an officer of ``ctx``'s unit whom the policy lets answer its
    appraisal (``appraisal.explain``), the unit's appraisal and result once the unit has been
    appraised."""
    from domain.clock import DEFAULT_TIMEZONE, local_today
    from storage.appraisal_board import has_cycle, roles_of

    if identity.kind != "officer":
        return frozenset()
    if roles_of(session, identity.name, local_today(now, DEFAULT_TIMEZONE)):
        return frozenset(PROVINCE_PAGES)
    if ctx is None or has_cycle(session, ctx.plan_row.unit_id) is None:
        return frozenset()
    names = ctx.names()
    actor = actor_for(identity, ctx.holdings, names)
    if decide(actor, "appraisal.explain", Subject(), ctx.today, ctx.holdings).allowed:
        return frozenset(UNIT_APPRAISAL_PAGES)
    return frozenset()


def navigation(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, unit_id: int | None = None
) -> Navigation:
    """The navigation of a page for ``identity`` (an officer) now, in one transaction;
    nothing offered to an officer who holds no position or whose unit has no plan.
    ``unit_id``: the officer's unit when the front end has just found it (``SignedIn``)."""
    if identity.kind != "officer":
        return Navigation()
    with uow as session:
        if unit_id is None:
            officer = officer_in_post(identity.name, session=session, now=now)
            if officer is None:
                return Navigation()
            unit_id = officer.unit_id
        try:
            plan_row = find_plan(session=session, unit_id=unit_id)
        except CchcError:  # a unit without a plan (a province): only the province's pages
            return Navigation(appraisal_pages(session, identity, now))
        ctx = context(plan_row, session=session, actor=identity.audit_name, now=now)
        menu = menu_of(ctx, identity) | appraisal_pages(session, identity, now, ctx)
        return Navigation(menu, len(submitted_to(ctx, identity.name)))


def province_landing(session: Session, identity: Identity, now: dt.datetime) -> str:
    """Where an officer with no unit plan to work on lands after signing in: the province's
    appraisal when they hold a province role today (they may read appraisals), else the
    progress of the units below theirs."""
    from domain import links
    from domain.clock import DEFAULT_TIMEZONE, local_today
    from storage.appraisal_board import roles_of

    if roles_of(session, identity.name, local_today(now, DEFAULT_TIMEZONE)):
        return links.APPRAISAL
    return links.PROVINCE_PROGRESS
