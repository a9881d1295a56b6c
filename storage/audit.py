"""Writing the append-only, hash-chained audit log, and verifying the chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from domain.audit_chain import GENESIS, Break, entry_hash, verify
from models import AuditEntry

_CHAIN_LOCK = 0x63636861  # PostgreSQL advisory lock serialising appends to the chain


def record(
    *,
    session: Session,
    actor: str,
    now: dt.datetime,
    action: str,
    entity: str,
    key: str,
    unit_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one change, chained to the previous entry. ``now`` must be aware."""
    if now.tzinfo is None:
        raise ValueError("audit time must be timezone-aware")
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    session.flush()  # earlier entries of this transaction first, in order
    prev = (
        session.exec(select(AuditEntry.hash).order_by(col(AuditEntry.id).desc()).limit(1)).first()
        or GENESIS
    )
    entry: dict[str, Any] = {
        "at": now,
        "actor": actor,
        "action": action,
        "entity": entity,
        "key": key,
        "unit_id": unit_id,
        "before": before,
        "after": after,
    }
    session.add(AuditEntry(**entry, prev_hash=prev, hash=entry_hash(prev, entry)))
    session.flush()


def verify_chain(*, session: Session) -> tuple[int, list[Break]]:
    """(entries checked, every break in the chain)."""
    rows = session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()
    return len(rows), verify(r.model_dump() for r in rows)
