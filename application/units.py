"""Units — "đơn vị": which unit a request is about, its local time, and who issues and signs
its documents."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from application.uow import UnitOfWork
from domain.clock import DEFAULT_TIMEZONE
from domain.errors import CchcError
from domain.letterhead import Letterhead
from models import UnitRecord

if TYPE_CHECKING:
    from sqlmodel import Session


def timezone_of(uow: UnitOfWork, unit: str | None) -> str:
    """The time zone of ``unit``'s latest plan (or of the only unit with a plan); the plan
    format's default when there is no such plan yet."""
    from storage.plans import unit_timezone
    from storage.units import resolve_unit

    with uow as session:
        try:
            unit_row = resolve_unit(unit, session=session)
        except CchcError:
            return DEFAULT_TIMEZONE
        return unit_timezone(session=session, unit_id=unit_row.id or 0)


def letterhead(session: Session, unit_row: UnitRecord, on: dt.date | None) -> Letterhead:
    """Who issues a document of ``unit_row`` on ``on`` and signs it: the unit under its parent,
    signed by the holder of the chairman's position that day (a stand-in when one acts)."""
    from responsibilities.holding import holders
    from storage.officers import holdings

    parent = session.get(UnitRecord, unit_row.parent_id) if unit_row.parent_id else None
    chairs = (
        holders(holdings(session=session, unit_id=unit_row.id or 0), "chairman", on) if on else []
    )
    signer = chairs[0] if chairs else None
    return Letterhead(
        body=unit_row.name or unit_row.code,
        parent=parent.name if parent else "",
        on=on,
        signer=signer.name if signer else "",
        acting=signer is not None and signer.kind != "holder",
    )
