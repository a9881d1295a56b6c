"""Units — "đơn vị": which unit a request is about, and its local time."""

from __future__ import annotations

from application.uow import UnitOfWork
from domain.clock import DEFAULT_TIMEZONE
from domain.errors import CchcError


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
