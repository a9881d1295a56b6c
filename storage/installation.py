"""The installation's row: live or a simulation, and the audit key its log is chained with.

A **live** database records real work: a change made with a simulated clock (``--now``) is
refused there, however it is attempted (an ORM flush or a raw INSERT/UPDATE/DELETE through the
session). A **simulation** (the demo's, or ``cchc init --simulation``) accepts simulated time.
The audit key itself never enters the database: it reaches storage as an option of the engine
(``storage.db.audit_key_of``); only its fingerprint is stored here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func
from sqlmodel import Session, select

from domain.audit_chain import key_id, legacy_seal
from domain.errors import LocalizedError
from models import AuditEntry, Installation
from storage.db import simulated_engine

LIVE = "live"
SIMULATION = "simulation"
MODES = (LIVE, SIMULATION)
SIMULATED = "cchc.simulated_clock"  # session.info: this session's time is simulated
_MODE = "cchc.installation_mode"  # session.info: the mode, read once per session
_KEY_CHECKED = "cchc.audit_key_checked"  # session.info: the key matched the stored fingerprint


def get_installation(*, session: Session) -> Installation:
    """The installation's row (created live if it is missing)."""
    row = session.get(Installation, 1)
    if row is None:  # removed by hand: no unkeyed entry is accepted any more
        row = Installation(id=1, mode=LIVE, legacy_entries=0)
        session.add(row)
        session.flush()
    return row


def bound_key_id(*, session: Session) -> str | None:
    """The fingerprint of the key the log is chained with (None: not keyed yet)."""
    row = session.get(Installation, 1)
    return row.audit_key_id if row is not None else None


def installation_mode(*, session: Session) -> str:
    """``live`` or ``simulation`` (a database without the row is live)."""
    if _MODE not in session.info:
        row = session.get(Installation, 1)
        session.info[_MODE] = row.mode if row is not None else LIVE
    return str(session.info[_MODE])


def set_mode(mode: str, *, session: Session) -> bool:
    """Make the database ``mode``; True when it changed. The mode is fixed once anything has
    been recorded: a live database with history cannot become a simulation, nor the reverse."""
    row = get_installation(session=session)
    if row.mode == mode:
        return False
    entries = session.exec(select(func.count()).select_from(AuditEntry)).one()
    if entries:
        raise LocalizedError("error.mode_fixed", mode=row.mode, wanted=mode)
    row.mode = mode
    session.add(row)
    session.flush()
    session.info[_MODE] = mode
    return True


def bind_audit_key(key: bytes, *, session: Session) -> None:
    """Check ``key`` is the one the log is chained with; a database without a key yet records
    its fingerprint (and seals how many unkeyed entries it already has)."""
    if session.info.get(_KEY_CHECKED):
        return
    row = get_installation(session=session)
    if row.audit_key_id is None:
        row.audit_key_id = key_id(key)
        row.legacy_seal = legacy_seal(key, row.legacy_entries)
        session.add(row)
        session.flush()
    elif row.audit_key_id != key_id(key):
        raise LocalizedError("error.audit_key_wrong")
    session.info[_KEY_CHECKED] = True


def simulate_clock(session: Session) -> None:
    """Mark ``session``'s time as simulated: on a live database, any change it tries to make
    is refused (``error.live_now``) before it reaches the database."""
    session.info[SIMULATED] = True
    event.listen(session, "before_flush", _before_flush)
    event.listen(session, "do_orm_execute", _on_execute)


def is_simulated(session: Session) -> bool:
    """Whether the times ``session``'s changes are given are simulated (its unit of work was
    given ``--now``, or its engine is for simulated time only)."""
    return bool(session.info.get(SIMULATED)) or simulated_engine(session.get_bind())


def refuse_simulated_change(session: Session) -> None:
    """Raise ``error.live_now`` if ``session`` has a simulated clock on a live database."""
    if is_simulated(session) and installation_mode(session=session) == LIVE:
        raise LocalizedError("error.live_now")


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        refuse_simulated_change(session)


def _on_execute(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        refuse_simulated_change(state.session)
