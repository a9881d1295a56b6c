"""The Cán bộ administration page's reading — "bảng cán bộ": the unit's officers and every
holding they have had (position, from–to, acting, delegation with its scope), who answers for
each position today, and whether each officer can sign in to the web yet.

Reading it is part of administering the roster: the policy's ``people.edit`` (the CCHC
officer, the chairman; the operator from the command line). Refused otherwise, and the
refusal is audited as any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from application.access import Identity
from application.plans import authorize
from application.units import unit_of
from application.uow import UnitOfWork
from domain.clock import local_today
from domain.errors import NotFoundError
from domain.plan import Area, Role
from responsibilities.holding import Holding, holders
from storage import identity as accounts
from storage import officers as store
from storage.officers import OfficerView
from storage.plans import unit_timezone

READ = "people.edit"


@dataclass(frozen=True)
class SignInState:
    """Whether an officer can sign in: a password set, open browser sessions."""

    password: bool
    sessions: int


@dataclass(frozen=True)
class PositionToday:
    """A position and who answers through it today (the acting or delegated holder first
    when one stands in; empty: vacant)."""

    role: Role
    holders: tuple[Holding, ...]


@dataclass(frozen=True)
class RosterBoard:
    unit: str
    today: dt.date
    officers: tuple[OfficerView, ...]
    roles: tuple[Role, ...]
    areas: tuple[Area, ...]
    positions: tuple[PositionToday, ...]
    sign_in: Mapping[str, SignInState]
    names: Mapping[str, str]

    def name_of(self, email: str | None) -> str:
        return self.names.get(email or "", email or "")


def _positions(roles: Sequence[Role], held: Sequence[Holding], on: dt.date) -> list[PositionToday]:
    out = []
    known = {r.code for r in roles}
    extra = sorted({h.position for h in held if h.position not in known and h.active(on)})
    for role in [*roles, *(Role(code, code) for code in extra)]:
        out.append(PositionToday(role, tuple(holders(held, role.code, on))))
    return out


@dataclass(frozen=True)
class Labels:
    """What names officers and positions on a page: no more than any officer of the unit sees
    on the pages of their work (for the outcome of a change that took the reader's own right
    to read the roster away)."""

    roles: tuple[Role, ...]
    areas: tuple[Area, ...]
    names: Mapping[str, str]

    def name_of(self, email: str | None) -> str:
        return self.names.get(email or "", email or "")


def labels(uow: UnitOfWork, identity: Identity, now: dt.datetime) -> Labels:
    """The officers' names and the plan's position and area titles of ``identity``'s unit."""
    from application.plans import current_plan

    with uow as session:
        unit_row = unit_of(session, identity, None, now)
        try:
            plan = current_plan(session, unit_row.code)[2]
            roles, areas = tuple(plan.roles), tuple(plan.areas)
        except NotFoundError:
            roles, areas = (), ()
        views = store.list_officers(session=session, unit_id=unit_row.id or 0)
        return Labels(roles, areas, {v.email: v.name for v in views})


def roster_board(uow: UnitOfWork, identity: Identity, now: dt.datetime) -> RosterBoard:
    """The signed-in administrator's unit: officers, holdings over time, today's holders."""
    from application.plans import current_plan

    with uow as session:
        unit_row = unit_of(session, identity, None, now)
        uid = unit_row.id or 0
        authorize(session, identity, now, unit_row, READ, entity="officer", key="roster")
        try:
            plan = current_plan(session, unit_row.code)[2]
            roles, areas = tuple(plan.roles), tuple(plan.areas)
        except NotFoundError:
            roles, areas = (), ()
        today = local_today(now, unit_timezone(session=session, unit_id=uid))
        views = tuple(store.list_officers(session=session, unit_id=uid))
        held = [h for v in views for h in v.holdings]
        states = {}
        for v in views:
            account = accounts.get_account(v.email, session=session)
            open_ = accounts.open_sessions(account.id or 0, session=session) if account else []
            states[v.email] = SignInState(bool(account and account.password_hash), len(open_))
        return RosterBoard(
            unit_row.code,
            today,
            views,
            roles,
            areas,
            tuple(_positions(roles, held, today)),
            states,
            {v.email: v.name for v in views},
        )
