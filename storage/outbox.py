"""The outbox — the only way anything is sent — and its delivery worker.

Rows move ``pending → sending → sent``; a failed attempt goes back to ``pending`` with an
exponential backoff, and after ``max_attempts`` the row is ``dead`` and the CCHC officer is told.
A message re-checked at sending that has nothing left to say is ``dropped`` (its work was
done meanwhile) or ``superseded`` (a newer message to the same person says it).
A worker claims rows in one statement (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite takes
its write lock for the statement), so two workers never send the same row. A row left in
``sending`` by a crash is claimed again after a lease and re-sent with the same Message-ID, so
a mail client shows one message.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, and_, or_, update
from sqlmodel import Session, col, select

from models import OutboxMessage

PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"
DROPPED, SUPERSEDED = "dropped", "superseded"
LEASE = dt.timedelta(minutes=10)
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=6)
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 2, 4 … minutes, at most 6 hours."""
    wait: dt.timedelta = BACKOFF_BASE * (2 ** max(attempts - 1, 0))
    return min(wait, BACKOFF_CAP)


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    dropped: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _due(now: dt.datetime) -> ColumnElement[bool]:
    return or_(
        and_(col(OutboxMessage.status) == PENDING, col(OutboxMessage.next_attempt_at) <= now),
        and_(col(OutboxMessage.status) == SENDING, col(OutboxMessage.claimed_at) < now - LEASE),
    )


def claim(engine: Engine, *, now: dt.datetime, limit: int) -> list[OutboxMessage]:
    """Take up to ``limit`` due rows for this worker alone, in one committed statement."""
    token = uuid.uuid4().hex
    with Session(engine, expire_on_commit=False) as session:
        chosen = (
            select(OutboxMessage.id).where(_due(now)).order_by(col(OutboxMessage.id)).limit(limit)
        )
        if engine.dialect.name == "postgresql":
            chosen = chosen.with_for_update(skip_locked=True)
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(chosen.scalar_subquery()), _due(now))
            .values(
                status=SENDING,
                claim_token=token,
                claimed_at=now,
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()
        rows = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.claim_token == token)
            .order_by(col(OutboxMessage.id))
        ).all()
    return list(rows)


def retry(
    *, session: Session, now: dt.datetime, ids: list[int] | None = None, dead: bool = False
) -> list[tuple[OutboxMessage, dict[str, object]]]:
    """Put messages (by id, or every dead one) back in the queue at once; the messages put back,
    each with what it was before (for the audit log). A sent message stays sent."""
    query = select(OutboxMessage)
    if ids:
        query = query.where(col(OutboxMessage.id).in_(ids))
    elif dead:
        query = query.where(OutboxMessage.status == DEAD)
    else:
        return []
    changed: list[tuple[OutboxMessage, dict[str, object]]] = []
    for row in session.exec(query.order_by(col(OutboxMessage.id))):
        if row.status == SENT:
            continue
        before: dict[str, object] = {
            "status": row.status,
            "attempts": row.attempts,
            "last_error": row.last_error,
        }
        row.status, row.next_attempt_at, row.attempts, row.claim_token = PENDING, now, 0, None
        session.add(row)
        changed.append((row, before))
    return changed
