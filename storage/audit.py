"""Writing the append-only, hash-chained audit log, verifying the chain, and reading it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, func, or_, text
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


def find_entries(
    *,
    session: Session,
    actor: str | None = None,
    action: str | None = None,
    obj: str | None = None,
    unit_ids: Collection[int] | None = None,
    unitless: bool = True,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Entries newest first. ``actor``: the exact actor (any case), or every ``actor:…`` of a
    kind (``operator`` finds ``operator:root``); ``obj``: an entity, a key or ``entity:key``;
    ``unit_ids``: only these units' entries (and entries of no unit when ``unitless``);
    ``start`` ≤ at < ``end``."""
    query = select(AuditEntry)
    if actor:
        wanted = actor.strip().lower()
        query = query.where(
            or_(
                func.lower(AuditEntry.actor) == wanted,
                func.lower(func.substr(AuditEntry.actor, 1, len(wanted) + 1)) == wanted + ":",
            )
        )
    if action:
        query = query.where(AuditEntry.action == action.strip())
    if obj:
        obj = obj.strip()
        entity, key = col(AuditEntry.entity), col(AuditEntry.key)
        matches = [entity == obj, key == obj]
        kind, sep, code = obj.partition(":")
        if sep:
            matches.append(and_(entity == kind, key == code))
        query = query.where(or_(*matches))
    if unit_ids is not None:
        in_units = col(AuditEntry.unit_id).in_(list(unit_ids))
        query = query.where(
            or_(in_units, col(AuditEntry.unit_id).is_(None)) if unitless else in_units
        )
    if start is not None:
        query = query.where(col(AuditEntry.at) >= start)
    if end is not None:
        query = query.where(col(AuditEntry.at) < end)
    query = query.order_by(col(AuditEntry.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def get_entry(entry_id: int, *, session: Session) -> AuditEntry | None:
    """One entry by its id, or None."""
    return session.get(AuditEntry, entry_id)
