"""People — "cán bộ": officers, the positions they hold when, their contacts, who answers.

Every change asks the policy first: ``people.edit`` for officers and holdings (the CCHC
officer, the chairman or the operator), ``contact.edit`` for contact points (which an
officer may also change for themself). Every change to officers or holdings re-routes the
unit's open work once, here: whoever answers for a task now has it (``reroute_unit``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from application.access import Identity
from application.occurrences import Moved, reroute_unit_moves
from application.plans import authorize, current_plan
from application.uow import UnitOfWork
from domain.errors import ConflictError, LocalizedError, NotFoundError
from domain.i18n import Lang
from domain.plan import Plan, Role
from models import UnitRecord
from responsibilities.matrix import Matrix, build_matrix
from responsibilities.policy import Subject
from responsibilities.roster import EMAIL, RosterEntry, clean_cell, holding_conflict
from responsibilities.who import Accountability, accountable
from storage import officers as store
from storage.officers import OfficerView
from storage.units import resolve_unit


def _edit(
    session: Session, identity: Identity, now: dt.datetime, unit: str | None, *, key: str
) -> UnitRecord:
    """The unit, once the policy allowed ``people.edit`` there."""
    unit_row = resolve_unit(unit, session=session)
    authorize(session, identity, now, unit_row, "people.edit", entity="officer", key=key)
    return unit_row


def _edit_with_plan(
    session: Session, identity: Identity, now: dt.datetime, unit: str | None, *, key: str
) -> tuple[UnitRecord, Plan]:
    """The unit and its current plan (whose positions and areas check what is assigned),
    once the policy allowed ``people.edit`` there."""
    unit_row, _, plan = current_plan(session, unit)
    authorize(session, identity, now, unit_row, "people.edit", entity="officer", key=key, plan=plan)
    return unit_row, plan


def _follow_up(
    session: Session, unit_row: UnitRecord, identity: Identity, now: dt.datetime
) -> tuple[Moved, ...]:
    """The roster changed: re-route the unit's open work to whoever answers for it now; the
    occurrences that moved."""
    return tuple(reroute_unit_moves(session, unit_row.id or 0, actor=identity.audit_name, now=now))


# --- officers and holdings ---------------------------------------------------------------------


@dataclass(frozen=True)
class OfficerAdded:
    name: str
    email: str
    phone: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "email": self.email, "phone": self.phone}


def add_officer(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    name: str,
    email: str,
    phone: str = "",
    unit: str | None = None,
) -> OfficerAdded:
    """Add an officer to the unit (``cchc officer add``): a name (no control characters) and
    an email address are required, checked as a roster row is."""
    name, email, phone = _officer_fields(name, email, phone)
    with uow as session:
        unit_row = _edit(session, identity, now, unit, key=email.strip().lower())
        row = store.add_officer(
            name,
            email,
            phone,
            session=session,
            unit_id=unit_row.id or 0,
            actor=identity.audit_name,
            now=now,
        )
        _follow_up(session, unit_row, identity, now)
        return OfficerAdded(row.name, row.email, row.phone)


MAX_NAME = 200
MAX_EMAIL = 254
MAX_PHONE = 32


def _officer_fields(name: str, email: str, phone: str) -> tuple[str, str, str]:
    """The name, email and phone of a new officer, cleaned as a roster's cells are; an
    empty or too long name, an address that is no email, a bad phone: LocalizedError."""
    name, char = clean_cell(name)
    if char is not None or not name or len(name) > MAX_NAME:
        raise LocalizedError("error.officer_bad_name", value=name[:MAX_NAME], max=MAX_NAME)
    email = email.strip().lower()
    if len(email) > MAX_EMAIL or not EMAIL.fullmatch(email):
        raise LocalizedError("error.officer_bad_email", value=email[:MAX_EMAIL])
    phone, char = clean_cell(phone)
    if char is not None or len(phone) > MAX_PHONE:
        raise LocalizedError("error.officer_bad_phone", value=phone[:MAX_PHONE], max=MAX_PHONE)
    return name, email, phone


@dataclass(frozen=True)
class Assigned:
    """A holding recorded (``created`` False: it was already there); ``rerouted``: open
    occurrences that moved to a new officer."""

    email: str
    position: str
    start: dt.date
    end: dt.date | None
    kind: str
    scope: tuple[str, ...]
    acting_for: str | None
    created: bool
    rerouted: int
    moved: tuple[Moved, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "position": self.position,
            "from": self.start.isoformat(),
            "to": self.end.isoformat() if self.end else None,
            "kind": self.kind,
            "scope": list(self.scope),
            "acting_for": self.acting_for,
            "created": self.created,
            "rerouted": self.rerouted,
            "moved": [m.as_dict() for m in self.moved],
        }


def assign(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    email: str,
    position: str,
    start: dt.date,
    end: dt.date | None = None,
    kind: str = "holder",
    scope: Sequence[str] = (),
    acting_for: str | None = None,
    unit: str | None = None,
) -> Assigned:
    """``email`` holds ``position`` from ``start`` to ``end`` (as holder, acting or delegate,
    for the areas of ``scope``); open work follows."""
    with uow as session:
        unit_row = _edit(session, identity, now, unit, key=f"{email}/{position}")
        if scope:
            known = {a.code for a in current_plan(session, unit_row.code)[2].areas}
            for code in scope:
                if code not in known:
                    raise LocalizedError(
                        "error.bad_scope", value=code, known=", ".join(sorted(known))
                    )
        _check_holding(
            session,
            unit_row.id or 0,
            RosterEntry(
                0,
                "",
                email.strip().lower(),
                "",
                position,
                start,
                end,
                kind,
                tuple(scope),
                acting_for.strip().lower() if acting_for else None,
            ),
        )
        _, created = store.assign(
            email,
            position,
            start,
            session=session,
            unit_id=unit_row.id or 0,
            actor=identity.audit_name,
            now=now,
            end=end,
            kind=kind,
            scope=scope,
            acting_for=acting_for,
            unit_code=unit_row.code,
        )
        moved = _follow_up(session, unit_row, identity, now)
    return Assigned(
        email, position, start, end, kind, tuple(scope), acting_for, created, len(moved), moved
    )


def _check_holding(session: Session, unit_id: int, entry: RosterEntry) -> None:
    """A single assignment obeys the roster's rules against what is recorded: one chairman
    at a time, one holder per area, no one holding a position twice at once, nobody acting
    for themself (repeating a recorded holding exactly stays a no-op)."""
    recorded = [
        h
        for h in store.recorded_holdings(entry.position, session=session, unit_id=unit_id)
        if (h.email, h.start, h.end, h.kind, h.scope)
        != (entry.email, entry.start, entry.end, entry.kind, entry.scope)
    ]
    found = holding_conflict(entry, recorded)
    if found is None:
        return
    rule, other = found
    raise ConflictError(
        f"error.assign_{rule}",
        email=entry.email,
        position=entry.position,
        other=f"{other.name} <{other.email}>" if other else "",
        start=other.start.isoformat() if other else "",
        end=other.end.isoformat() if other and other.end else "…",
    )


@dataclass(frozen=True)
class Ended:
    email: str
    position: str
    on: dt.date
    rerouted: int
    moved: tuple[Moved, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "position": self.position,
            "on": self.on.isoformat(),
            "rerouted": self.rerouted,
            "moved": [m.as_dict() for m in self.moved],
        }


def end_holding(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    email: str,
    position: str,
    on: dt.date,
    unit: str | None = None,
) -> Ended:
    """The holding of ``position`` by ``email`` ends on ``on`` (its last day); open work
    follows."""
    with uow as session:
        unit_row = _edit(session, identity, now, unit, key=f"{email}/{position}")
        store.end_assignment(
            email,
            position,
            on,
            session=session,
            unit_id=unit_row.id or 0,
            actor=identity.audit_name,
            now=now,
            unit_code=unit_row.code,
        )
        moved = _follow_up(session, unit_row, identity, now)
    return Ended(email, position, on, len(moved), moved)


@dataclass(frozen=True)
class RosterImported:
    file: str
    rows: int
    officers: int
    assignments: int
    rerouted: int
    moved: tuple[Moved, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "officers": self.officers,
            "assignments": self.assignments,
        }


def import_roster(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    header: Sequence[str],
    rows: Sequence[tuple[int, Mapping[str, str]]],
    file: str,
    unit: str | None = None,
) -> RosterImported:
    """Import a roster read from ``file`` (its header and numbered rows): every row is
    checked first and nothing is stored when any is wrong; open work follows."""
    from responsibilities.roster import read_roster

    with uow as session:
        unit_row, plan = _edit_with_plan(session, identity, now, unit, key=file)
        uid = unit_row.id or 0
        entries = read_roster(
            list(header),
            [(n, dict(row)) for n, row in rows],
            file=file,
            positions={r.code for r in plan.roles},
            areas={a.code for a in plan.areas},
            known_names=store.known_names(session=session, unit_id=uid),
        )
        counts = store.import_roster(
            entries,
            session=session,
            unit_id=uid,
            actor=identity.audit_name,
            now=now,
            unit_code=unit_row.code,
        )
        moved = _follow_up(session, unit_row, identity, now)
    return RosterImported(
        file, len(entries), counts["officers"], counts["assignments"], len(moved), moved
    )


# --- contact points ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactSet:
    email: str

    def as_dict(self) -> dict[str, Any]:
        return {"email": self.email}


def set_contact(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    email: str,
    apprise_urls: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    digest: bool | None = None,
    quiet: bool | None = None,
    lang: str | None = None,
    unit: str | None = None,
) -> ContactSet:
    """Change an officer's contact points and preferences (only what is given): the officer
    themself, or an administrator."""
    whose = email.strip().lower()
    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        authorize(
            session,
            identity,
            now,
            unit_row,
            "contact.edit",
            Subject(officer=whose),
            entity="officer",
            key=whose,
        )
        row = store.set_contact(
            whose,
            session=session,
            unit_id=unit_row.id or 0,
            actor=identity.audit_name,
            now=now,
            apprise_urls=apprise_urls,
            channels=channels,
            digest=digest,
            quiet=quiet,
            lang=lang,
        )
        return ContactSet(row.email)


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Officers:
    """The officers of a unit with their holdings."""

    unit: str
    officers: list[OfficerView]
    roles: tuple[Role, ...] = ()  # the current plan's positions, for their titles

    def as_dict(self) -> list[dict[str, object]]:
        return [v.as_dict() for v in self.officers]


def list_officers(
    uow: UnitOfWork, *, unit: str | None = None, on: dt.date | None = None
) -> Officers:
    """Officers and their positions (only the holdings running on ``on`` when given)."""
    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        views = store.list_officers(session=session, unit_id=unit_row.id or 0, on=on)
        try:
            roles = tuple(current_plan(session, unit_row.code)[2].roles)
        except NotFoundError:
            roles = ()  # no plan loaded yet: positions by their codes
        return Officers(unit_row.code, views, roles)


@dataclass(frozen=True)
class MatrixShown:
    """The responsibility matrix of a plan, and the plan (for its positions' titles)."""

    matrix: Matrix
    plan: Plan

    def as_dict(self) -> dict[str, object]:
        return self.matrix.as_dict()


def matrix(
    uow: UnitOfWork, *, plan: str | None = None, unit: str | None = None, lang: Lang = "vi"
) -> MatrixShown:
    """Tasks × positions: L leads, S supports, A approves."""
    with uow as session:
        _, _, stored = current_plan(session, unit, plan)
    return MatrixShown(build_matrix(stored, lang), stored)


def who(
    uow: UnitOfWork,
    *,
    task: str,
    on: dt.date,
    plan: str | None = None,
    unit: str | None = None,
    lang: Lang = "vi",
) -> Accountability:
    """Who answers for ``task`` on ``on`` (after scopes, acting holders and delegations)."""
    with uow as session:
        unit_row, _, stored = current_plan(session, unit, plan)
        held = store.holdings(session=session, unit_id=unit_row.id or 0)
    found = next((t for t in stored.tasks if t.code == task), None)
    if found is None:
        raise NotFoundError("error.task_not_found", code=task, plan=stored.code)
    return accountable(stored, found, held, on, lang)


def send_test(uow: UnitOfWork, identity: Identity, now: dt.datetime, *, email: str) -> int:
    """Put a short test message for ``email`` in the outbox, to each of their channels (the
    officer themself, or an administrator: ``contact.edit``); how many messages. Audited."""
    from html import escape

    from application.messages import t
    from application.notices import Recipient, enqueue
    from domain.i18n import normalize_lang
    from notifications.render import Rendered
    from storage.audit import record
    from storage.calendar import load_calendar
    from storage.plans import unit_timezone

    whose = email.strip().lower()
    with uow as session:
        from storage.identity import officer_in_post

        officer = officer_in_post(whose, session=session, now=now)
        if officer is None:
            raise NotFoundError("error.officer_not_found", email=whose)
        unit_row = session.get(UnitRecord, officer.unit_id)
        assert unit_row is not None
        authorize(
            session, identity, now, unit_row, "contact.edit", Subject(officer=whose),
            entity="officer", key=whose,
        )  # fmt: skip
        lang = normalize_lang(officer.lang)
        subject = t("contact.test_subject", lang)
        body = t("contact.test_body", lang, name=officer.name)
        timezone = unit_timezone(session=session, unit_id=officer.unit_id)
        added = enqueue(
            session,
            to=Recipient.of(officer),
            kind="test",
            key=f"test:{whose}:{now.isoformat()}",
            rendered=Rendered(subject, body, f"<p>{escape(body)}</p>"),
            now=now,
            calendar=load_calendar(session=session, years=[now.year]),
            timezone=timezone,
            unit_id=officer.unit_id,
            urgent=True,
        )
        record(session=session, actor=identity.audit_name, now=now, action="contact_test",
               entity="officer", key=whose, unit_id=officer.unit_id,
               after={"messages": added})  # fmt: skip
        return added
