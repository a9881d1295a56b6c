"""My work — "Việc của tôi": what one officer must do now and what waits for their approval.

The web's first page (and ``GET /api/v1/tasks``) calls this use case: the officer's active
occurrences sorted into overdue, due soon, returned for changes and later, and the submissions
they approve (the same reviewers ``application.approvals`` tells about a submission).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from application.access import Identity
from application.approvals import submitted_to
from application.navigation import appraisal_pages, menu_of, province_landing
from application.uow import UnitOfWork
from domain.errors import CchcError, LocalizedError
from domain.lifecycle import ACTIVE, RETURNED
from domain.occurrence import OccurrenceView
from models import Occurrence
from storage.identity import officer_in_post
from storage.occurrences import context, views
from storage.plans import find_plan
from storage.units import resolve_unit

SOON_WORKING_DAYS = 5  # "due soon": at most this many working days left


@dataclass(frozen=True)
class MyWork:
    """One officer's page of work. ``awaiting_me``: submissions waiting for their review."""

    email: str
    overdue: tuple[OccurrenceView, ...]
    due_soon: tuple[OccurrenceView, ...]
    returned: tuple[OccurrenceView, ...]
    later: tuple[OccurrenceView, ...]
    awaiting_me: tuple[OccurrenceView, ...]
    # the pages the officer is offered (``application.navigation``), asked in the same
    # transaction: the web's first page needs no second one for its navigation
    menu: frozenset[str] = frozenset()
    # where the officer belongs instead (a province officer: no unit plan to work on), the
    # address the first page sends them to
    landing: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {
            "overdue": len(self.overdue),
            "due_soon": len(self.due_soon),
            "returned": len(self.returned),
            "awaiting_me": len(self.awaiting_me),
        }

    def as_dict(self) -> dict[str, Any]:
        groups = ("overdue", "due_soon", "returned", "later", "awaiting_me")
        out: dict[str, Any] = {"email": self.email, "counts": self.counts}
        for name in groups:
            out[name] = [v.as_dict() for v in getattr(self, name)]
        return out


def my_work(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None = None,
    lang: str = "vi",
    soon: int = SOON_WORKING_DAYS,
    unit_id: int | None = None,
) -> MyWork:
    """The active occurrences led by ``identity`` (an officer), sorted by urgency, and the
    submissions that officer reviews; each in deadline order. Without ``unit``: the unit where
    the officer holds a position today (nothing when they hold none) — ``unit_id`` when the
    front end has just checked that (``SignedIn.unit_id``)."""
    if identity.kind != "officer":
        raise LocalizedError("error.mine_needs_officer")
    email = identity.name
    with uow as session:
        if unit is not None:
            unit_id = resolve_unit(unit, session=session).id or 0
        elif unit_id is None:  # the officer's own unit (a city has several)
            officer = officer_in_post(email, session=session, now=now)
            if officer is None:
                return MyWork(email, (), (), (), (), (), landing=_elsewhere(session, identity, now))
            unit_id = officer.unit_id
        try:
            plan_row = find_plan(session=session, unit_id=unit_id)
        except CchcError:
            if unit is not None:
                raise
            # a province officer's unit has no plan: their work is the province's pages
            landing = province_landing(session, identity, now)
            return MyWork(email, (), (), (), (), (), landing=landing)
        ctx = context(plan_row, session=session, actor=identity.audit_name, now=now)
        officer_id = ctx.officer_ids.get(email)
        order = (col(Occurrence.due_date), col(Occurrence.task_code))
        mine = (
            session.exec(
                select(Occurrence)
                .where(Occurrence.plan_id == plan_row.id)
                .where(Occurrence.officer_id == officer_id)
                .where(col(Occurrence.status).in_(ACTIVE))
                .order_by(*order)
            ).all()
            if officer_id is not None
            else []
        )
        waiting = sorted(submitted_to(ctx, email), key=lambda o: (o.due_date, o.task_code))
        menu = menu_of(ctx, identity) | appraisal_pages(session, identity, now, ctx)
        shown = views(
            plan_row, session=session, now=now, occurrences=[*mine, *waiting], lang=lang, ctx=ctx
        )
    by_id = {v.id: v for v in shown}
    own = [by_id[o.id] for o in mine if o.id in by_id]
    returned = [v for v in own if v.status == RETURNED]
    rest = [v for v in own if v.status != RETURNED]
    return MyWork(
        email=email,
        overdue=tuple(v for v in rest if v.overdue),
        due_soon=tuple(v for v in rest if not v.overdue and v.working_days_left <= soon),
        returned=tuple(returned),
        later=tuple(v for v in rest if not v.overdue and v.working_days_left > soon),
        awaiting_me=tuple(by_id[o.id] for o in waiting if o.id in by_id),
        menu=menu,
    )


def _elsewhere(session: Session, identity: Identity, now: dt.datetime) -> str | None:
    """An officer holding no position today: the province's appraisal if they hold a province
    role, else nowhere (an empty page)."""
    from domain.clock import DEFAULT_TIMEZONE, local_today
    from storage.appraisal_board import roles_of

    if roles_of(session, identity.name, local_today(now, DEFAULT_TIMEZONE)):
        return province_landing(session, identity, now)
    return None
