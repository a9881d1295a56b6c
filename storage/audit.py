"""Writing the append-only, keyed hash-chained audit log, verifying the chain, and reading it.

Every entry is chained with the audit key its session's engine carries
(``storage.db.audit_key_of``); a session without the key cannot record a change. ``at`` is
always the real clock; the time the use case was given is kept beside it (``simulated_at``)
when the session's clock is simulated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, text
from sqlmodel import Session, col, select

from domain.audit_chain import GENESIS, KEYED, Break, key_id, keyed_hash, legacy_seal, verify
from domain.errors import LocalizedError
from models import AuditEntry, Installation
from storage.db import audit_key_of, get_row
from storage.installation import bind_audit_key, is_simulated, refuse_simulated_change

_CHAIN_LOCK = 0x63636861  # PostgreSQL advisory lock serialising appends to the chain


@dataclass(frozen=True)
class Change:
    """One change to append to the log (``record_many``)."""

    action: str
    entity: str
    key: str
    unit_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


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
    """Append one change, chained to the previous entry with the audit key. ``now`` (aware)
    is the time the use case was given: kept as ``simulated_at`` when the session's clock is
    simulated; ``at`` is the real clock."""
    record_many(
        [Change(action, entity, key, unit_id, before, after)], session=session, actor=actor, now=now
    )


def record_many(
    changes: Sequence[Change], *, session: Session, actor: str, now: dt.datetime
) -> None:
    """Append ``changes`` in their order, each chained to the one before as ``record`` chains
    one: the chain's head is read once and the entries written together (a job recording a
    change for each of a province's units)."""
    if now.tzinfo is None:
        raise ValueError("audit time must be timezone-aware")
    audit_key = audit_key_of(session.get_bind())
    if audit_key is None:
        raise LocalizedError("error.audit_key_missing")
    if not changes:
        return
    simulated = is_simulated(session)
    refuse_simulated_change(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    bind_audit_key(audit_key, session=session)
    session.flush()  # earlier entries of this transaction first, in order
    prev = (
        session.exec(select(AuditEntry.hash).order_by(col(AuditEntry.id).desc()).limit(1)).first()
        or GENESIS
    )
    simulated_at = now.astimezone(dt.UTC) if simulated else None
    for change in changes:
        entry: dict[str, Any] = {
            "at": _real_clock(),
            "simulated_at": simulated_at,
            "scheme": KEYED,
            "actor": actor,
            "action": change.action,
            "entity": change.entity,
            "key": change.key,
            "unit_id": change.unit_id,
            "before": change.before,
            "after": change.after,
        }
        hashed = keyed_hash(audit_key, prev, entry)
        # one flush per entry would cost a round trip each; the unit of work inserts a
        # batch of one table's rows in the order they were added, so ids follow the chain
        session.add(AuditEntry(**entry, prev_hash=prev, hash=hashed))
        prev = hashed
    session.flush()


def _real_clock() -> dt.datetime:
    """The wall clock, read here and nowhere else in storage: the audit log's ``at`` can never
    be a time a caller chose."""
    return dt.datetime.now(dt.UTC)


def verify_chain(*, session: Session) -> tuple[int, list[Break]]:
    """(entries checked, every break in the chain)."""
    hashes, breaks = check_chain(session=session)
    return len(hashes), breaks


def check_chain(*, session: Session) -> tuple[list[str], list[Break]]:
    """(every entry's hash in order, every break in the chain), checked with the key the
    session's engine carries. ``error.audit_key_missing`` when the log is keyed and the key is
    not there; ``error.audit_key_wrong`` when it is another key than the log's."""
    audit_key = audit_key_of(session.get_bind())
    row = session.get(Installation, 1)
    legacy = 0
    breaks: list[Break] = []
    if row is not None and row.audit_key_id is not None:
        if audit_key is None:
            raise LocalizedError("error.audit_key_missing")
        if row.audit_key_id != key_id(audit_key):
            raise LocalizedError("error.audit_key_wrong")
        if row.legacy_seal == legacy_seal(audit_key, row.legacy_entries):
            legacy = row.legacy_entries
        else:
            breaks.append(Break(0, "installation"))
    elif row is not None:
        legacy = row.legacy_entries  # never keyed yet: nothing can have been sealed
    rows = session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()
    if audit_key is not None and rows and (row is None or row.audit_key_id is None):
        # a key is bound to the database when it is created: a log with entries and a key but
        # no fingerprint had its installation row removed or cleared
        breaks.append(Break(0, "installation"))
    breaks += verify((r.model_dump() for r in rows), key=audit_key, legacy_entries=legacy)
    return [r.hash for r in rows], breaks


def head(*, session: Session) -> tuple[int, str]:
    """(how many entries the log has, the last one's hash)."""
    count = session.exec(select(func.count()).select_from(AuditEntry)).one()
    last = last_entry(session=session)
    return int(count), last[1] if last else GENESIS


def last_entry(*, session: Session) -> tuple[int, str] | None:
    """(id, hash) of the newest entry, or None for an empty log: one look up the primary key.
    Every recorded change moves it, so it tells a reader whether anything changed since."""
    row = session.exec(
        select(AuditEntry.id, AuditEntry.hash).order_by(col(AuditEntry.id).desc()).limit(1)
    ).first()
    return (int(row[0] or 0), str(row[1])) if row else None


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
    before_id: int | None = None,
) -> list[AuditEntry]:
    """Entries newest first. ``actor``: the exact actor (any case), or every ``actor:…`` of a
    kind (``operator`` finds ``operator:root``); ``obj``: an entity, a key or ``entity:key``;
    ``unit_ids``: only these units' entries (and entries of no unit when ``unitless``);
    ``start`` ≤ when < ``end`` (when: the simulated time if there is one, else the real one);
    ``before_id``: only entries older than that one (the next page of a keyset pagination)."""
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
    when = func.coalesce(col(AuditEntry.simulated_at), col(AuditEntry.at))
    if start is not None:
        query = query.where(when >= start)
    if end is not None:
        query = query.where(when < end)
    if before_id is not None:
        query = query.where(col(AuditEntry.id) < before_id)
    query = query.order_by(col(AuditEntry.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def get_entry(entry_id: int, *, session: Session) -> AuditEntry | None:
    """One entry by its id, or None."""
    return get_row(session, AuditEntry, entry_id)
