"""The unit of work — "một lượt nghiệp vụ": one transaction around one use case.

A use case runs ``with uow as session:``; the session commits when the block ends and rolls
back on any error, so a use case either happens whole or not at all. When the policy refuses
an action (``Refused``), the transaction is rolled back and the refused attempt is then written
to the audit log in a transaction of its own: a refusal changes nothing but is remembered.
Front ends create the unit of work and hand it to the use case; they never open a session.

A unit of work shares its front end's ``Clock``: once the front end has been given a simulated
time (``--now``), its sessions are marked simulated and, on a live database, refuse to change
anything (``storage.installation.simulate_clock``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from sqlmodel import Session

from application.access import Refused

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass
class Clock:
    """Whether the time use cases are given is simulated (``--now``) rather than the real clock."""

    simulated: bool = False


class UnitOfWork:
    """A session on ``engine`` per ``with`` block; commits on success, rolls back otherwise."""

    def __init__(self, engine: Engine, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or Clock()
        self._session: Session | None = None

    def __enter__(self) -> Session:
        if self._session is not None:
            raise RuntimeError("unit of work already open")
        self._session = Session(self.engine, expire_on_commit=False)
        if self.clock.simulated:
            from storage.installation import simulate_clock

            simulate_clock(self._session)
        return self._session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        assert session is not None
        try:
            if exc is None:
                session.commit()
                return
            session.rollback()
        finally:
            session.close()
        if isinstance(exc, Refused):
            self._remember(exc)

    def _remember(self, refusal: Refused) -> None:
        """Write a refused attempt to the audit log (the real clock, never a simulated one)."""
        from storage.audit import record

        with Session(self.engine, expire_on_commit=False) as session:
            record(
                session=session,
                actor=refusal.actor.identity if refusal.actor else "",
                now=dt.datetime.now(dt.UTC),
                action="refused",
                entity=refusal.entity,
                key=refusal.key,
                unit_id=refusal.unit_id,
                after={
                    "attempted": refusal.action,
                    "rule": refusal.decision.rule,
                    "actor_kind": refusal.actor.kind if refusal.actor else "",
                    "on": refusal.on.isoformat(),
                },
            )
            session.commit()
