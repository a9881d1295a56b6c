"""Officers and their holdings of positions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from domain.errors import ConflictError, NotFoundError
from domain.names import find_by_name, fold, near_names
from models import Assignment, Officer, Position
from responsibilities.holding import Holding
from responsibilities.roster import RosterEntry
from storage.audit import record


@dataclass(frozen=True)
class OfficerView:
    """An officer and the positions held on a date (for ``cchc officer list``)."""

    name: str
    email: str
    phone: str
    holdings: tuple[Holding, ...]
    channels: tuple[str, ...] = ("email",)
    apprise_urls: tuple[str, ...] = ()
    digest: bool = False
    quiet: bool = True
    lang: str = "vi"

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "channels": list(self.channels),
            "apprise": len(self.apprise_urls),
            "digest": self.digest,
            "quiet": self.quiet,
            "lang": self.lang,
            "positions": [
                {
                    "position": h.position,
                    "kind": h.kind,
                    "scope": list(h.scope),
                    "from": h.start.isoformat(),
                    "to": h.end.isoformat() if h.end else None,
                    "acting_for": h.acting_for,
                }
                for h in self.holdings
            ],
        }


def get_officer(email: str, *, session: Session, unit_id: int) -> Officer:
    row = session.exec(
        select(Officer).where(Officer.unit_id == unit_id, Officer.email == email.lower())
    ).first()
    if row is None:
        raise NotFoundError("error.officer_not_found", email=email)
    return row


def find_officer(who: str, *, session: Session, unit_id: int) -> Officer:
    """The officer ``who`` names: an email, or a name written as officers write it (exactly,
    without caring for case or diacritics, or a unique part such as "Ngọc Ánh"). An ambiguous
    or unknown name is an error listing the candidates."""
    if "@" in who:
        return get_officer(who.strip(), session=session, unit_id=unit_id)
    everyone = session.exec(select(Officer).where(Officer.unit_id == unit_id)).all()
    found = find_by_name(who, everyone, lambda o: o.name)
    if len(found) == 1:
        return found[0]
    if found:
        raise NotFoundError("error.officer_ambiguous", name=who, candidates=_listed(found))
    near = near_names(who, everyone, lambda o: o.name)
    if near:
        raise NotFoundError("error.officer_name_not_found", name=who, candidates=_listed(near))
    raise NotFoundError("error.officer_name_unknown", name=who, candidates=_listed(everyone))


def _listed(officers: Sequence[Officer]) -> str:
    ordered = sorted(officers, key=lambda o: (fold(o.name), o.name, o.email))
    return "; ".join(f"{o.name} <{o.email}>" for o in ordered)


def get_position(code: str, *, session: Session, unit_id: int, unit_code: str = "") -> Position:
    row = session.exec(
        select(Position).where(Position.unit_id == unit_id, Position.code == code)
    ).first()
    if row is None:
        raise NotFoundError("error.position_not_found", code=code, unit=unit_code or unit_id)
    return row


def add_officer(
    name: str,
    email: str,
    phone: str = "",
    *,
    session: Session,
    unit_id: int,
    actor: str,
    now: dt.datetime,
) -> Officer:
    email = email.strip().lower()
    exists = session.exec(
        select(Officer).where(Officer.unit_id == unit_id, Officer.email == email)
    ).first()
    if exists is not None:
        raise ConflictError("error.officer_exists", email=email)
    row = Officer(unit_id=unit_id, name=name.strip(), email=email, phone=phone.strip())
    session.add(row)
    session.flush()
    record(
        session=session,
        actor=actor,
        now=now,
        action="create",
        entity="officer",
        key=email,
        unit_id=unit_id,
        after={"name": row.name, "email": email, "phone": row.phone},
    )
    return row


def assign(
    email: str,
    position: str,
    start: dt.date,
    *,
    session: Session,
    unit_id: int,
    actor: str,
    now: dt.datetime,
    end: dt.date | None = None,
    kind: str = "holder",
    scope: Sequence[str] = (),
    acting_for: str | None = None,
    unit_code: str = "",
) -> tuple[Assignment, bool]:
    """Record that ``email`` holds ``position`` from ``start`` (to ``end``).

    Returns the row and whether it is new: repeating an existing holding is a no-op."""
    if end is not None and end < start:
        raise ConflictError("error.end_before_start", start=start, end=end)
    officer = get_officer(email, session=session, unit_id=unit_id)
    pos = get_position(position, session=session, unit_id=unit_id, unit_code=unit_code)
    stand_in = get_officer(acting_for, session=session, unit_id=unit_id) if acting_for else None
    for existing in session.exec(
        select(Assignment).where(
            Assignment.officer_id == officer.id,
            Assignment.position_id == pos.id,
            Assignment.start == start,
            Assignment.kind == kind,
        )
    ):
        if existing.end == end and list(existing.scope) == list(scope):
            return existing, False
    row = Assignment(
        unit_id=unit_id,
        officer_id=officer.id or 0,
        position_id=pos.id or 0,
        kind=kind,
        start=start,
        end=end,
        scope=list(scope),
        acting_for_id=stand_in.id if stand_in else None,
    )
    session.add(row)
    session.flush()
    record(
        session=session,
        actor=actor,
        now=now,
        action="assign",
        entity="assignment",
        key=f"{officer.email}/{position}",
        unit_id=unit_id,
        after={
            "officer": officer.email,
            "position": position,
            "kind": kind,
            "scope": list(scope),
            "from": start.isoformat(),
            "to": end.isoformat() if end else None,
            "acting_for": stand_in.email if stand_in else None,
        },
    )
    return row, True


def recorded_holdings(position: str, *, session: Session, unit_id: int) -> list[RosterEntry]:
    """Every recorded holding of ``position`` in the unit, as roster entries (``row`` is the
    assignment's id), so single assignments are checked by the roster's rules."""
    officers = {o.id: o for o in session.exec(select(Officer).where(Officer.unit_id == unit_id))}
    rows = session.exec(
        select(Assignment)
        .join(Position, col(Position.id) == col(Assignment.position_id))
        .where(Assignment.unit_id == unit_id, Position.code == position)
    )
    out: list[RosterEntry] = []
    for a in rows:
        holder = officers.get(a.officer_id)
        stand_in = officers.get(a.acting_for_id) if a.acting_for_id else None
        out.append(
            RosterEntry(
                a.id or 0,
                holder.name if holder else "",
                holder.email if holder else "",
                holder.phone if holder else "",
                position,
                a.start,
                a.end,
                a.kind,
                tuple(a.scope),
                stand_in.email if stand_in else None,
            )
        )
    return out


def end_assignment(
    email: str,
    position: str,
    end: dt.date,
    *,
    session: Session,
    unit_id: int,
    actor: str,
    now: dt.datetime,
    unit_code: str = "",
) -> Assignment:
    """Close the holding of ``position`` by ``email`` that runs on ``end``."""
    officer = get_officer(email, session=session, unit_id=unit_id)
    pos = get_position(position, session=session, unit_id=unit_id, unit_code=unit_code)
    for row in session.exec(
        select(Assignment)
        .where(Assignment.officer_id == officer.id, Assignment.position_id == pos.id)
        .order_by(col(Assignment.start).desc())
    ):
        if row.start <= end and (row.end is None or end <= row.end):
            before = {"to": row.end.isoformat() if row.end else None}
            row.end = end
            session.add(row)
            record(
                session=session,
                actor=actor,
                now=now,
                action="end",
                entity="assignment",
                key=f"{officer.email}/{position}",
                unit_id=unit_id,
                before=before,
                after={"to": end.isoformat()},
            )
            return row
    raise NotFoundError("error.assignment_not_found", email=email, position=position, on=end)


def holdings(
    *,
    session: Session,
    unit_id: int,
    officers: Mapping[int, Officer] | None = None,
    positions: Iterable[Position] | None = None,
) -> list[Holding]:
    """Every holding of the unit, as the pure core sees them (``officers``: the unit's
    officers by id, ``positions`` the unit's positions, when the caller has already read them)."""
    if officers is None:
        officers = {
            o.id: o
            for o in session.exec(select(Officer).where(Officer.unit_id == unit_id))
            if o.id is not None
        }
    if positions is None:
        positions = session.exec(select(Position).where(Position.unit_id == unit_id))
    return units_holdings(
        [unit_id], session=session, officers=officers, positions={p.id: p.code for p in positions}
    ).get(unit_id, [])


def units_holdings(
    unit_ids: Collection[int],
    *,
    session: Session,
    officers: Mapping[int, Officer],
    positions: Mapping[int | None, str],
) -> dict[int, list[Holding]]:
    """The holdings of each of ``unit_ids`` in one statement, as the pure core sees them
    (``officers``: the units' officers by id; ``positions``: their positions' codes by id);
    a unit with none is left out."""
    found: dict[int, list[Holding]] = {}
    a = Assignment
    # the columns a holding needs, read without building a record each (every materialise,
    # reroute and permission check of a unit reads them)
    for unit_id, officer_id, position_id, start, end, kind, scope, acting_for_id in session.execute(
        core_select(
            col(a.unit_id),
            col(a.officer_id),
            col(a.position_id),
            col(a.start),
            col(a.end),
            col(a.kind),
            col(a.scope),
            col(a.acting_for_id),
        )
        .where(col(a.unit_id).in_(unit_ids))
        .order_by(col(a.id))
    ):
        officer = officers[officer_id]
        stand_in = officers.get(acting_for_id) if acting_for_id else None
        found.setdefault(unit_id, []).append(
            Holding(
                officer=officer.email,
                name=officer.name,
                position=positions[position_id],
                start=start,
                end=end,
                kind=kind,
                scope=tuple(scope or ()),
                acting_for=stand_in.email if stand_in else None,
            )
        )
    return found


def list_officers(
    *, session: Session, unit_id: int, on: dt.date | None = None
) -> list[OfficerView]:
    """Officers with their holdings (only those running on ``on`` when given)."""
    by_officer: dict[str, list[Holding]] = {}
    for h in holdings(session=session, unit_id=unit_id):
        if on is None or h.active(on):
            by_officer.setdefault(h.officer, []).append(h)
    rows = session.exec(
        select(Officer).where(Officer.unit_id == unit_id).order_by(col(Officer.name))
    ).all()
    return [
        OfficerView(
            o.name,
            o.email,
            o.phone,
            tuple(by_officer.get(o.email, [])),
            tuple(o.channels),
            tuple(o.apprise_urls),
            o.digest,
            o.quiet,
            o.lang,
        )
        for o in rows
    ]


def known_names(*, session: Session, unit_id: int) -> dict[str, str]:
    return {
        o.email: o.name for o in session.exec(select(Officer).where(Officer.unit_id == unit_id))
    }


def import_roster(
    entries: Sequence[RosterEntry],
    *,
    session: Session,
    unit_id: int,
    actor: str,
    now: dt.datetime,
    unit_code: str = "",
) -> dict[str, int]:
    """Store checked roster entries; officers are created once, holdings once each."""
    counts = {"officers": 0, "assignments": 0}
    for entry in entries:
        existing = session.exec(
            select(Officer).where(Officer.unit_id == unit_id, Officer.email == entry.email)
        ).first()
        if existing is None:
            add_officer(
                entry.name,
                entry.email,
                entry.phone,
                session=session,
                unit_id=unit_id,
                actor=actor,
                now=now,
            )
            counts["officers"] += 1
        elif entry.phone and existing.phone != entry.phone:
            before = {"phone": existing.phone}
            existing.phone = entry.phone
            session.add(existing)
            record(
                session=session,
                actor=actor,
                now=now,
                action="update",
                entity="officer",
                key=entry.email,
                unit_id=unit_id,
                before=before,
                after={"phone": entry.phone},
            )
    session.flush()
    for entry in entries:
        _, created = assign(
            entry.email,
            entry.position,
            entry.start,
            session=session,
            unit_id=unit_id,
            actor=actor,
            now=now,
            end=entry.end,
            kind=entry.kind,
            scope=entry.scope,
            acting_for=entry.acting_for,
            unit_code=unit_code,
        )
        counts["assignments"] += created
    return counts


def set_contact(
    email: str,
    *,
    session: Session,
    unit_id: int,
    actor: str,
    now: dt.datetime,
    apprise_urls: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    digest: bool | None = None,
    quiet: bool | None = None,
    lang: str | None = None,
) -> Officer:
    """Change an officer's contact points and message preferences (only what is given)."""
    officer = get_officer(email, session=session, unit_id=unit_id)
    fields = ("apprise_urls", "channels", "digest", "quiet", "lang")
    before = {name: getattr(officer, name) for name in fields}
    if apprise_urls is not None:
        officer.apprise_urls = list(apprise_urls)
    if channels is not None:
        officer.channels = list(channels)
    if digest is not None:
        officer.digest = digest
    if quiet is not None:
        officer.quiet = quiet
    if lang is not None:
        officer.lang = lang
    after = {name: getattr(officer, name) for name in fields}
    if after != before:
        session.add(officer)
        record(
            session=session,
            actor=actor,
            now=now,
            action="contact",
            entity="officer",
            key=officer.email,
            unit_id=unit_id,
            before=_redacted(before),
            after=_redacted(after),
        )
    return officer


def _redacted(prefs: dict[str, object]) -> dict[str, object]:
    """Preferences for the audit log: Apprise URLs carry secrets (tokens), keep only the scheme."""
    urls = prefs.get("apprise_urls")
    shown = [str(u).split("://")[0] + "://…" for u in urls] if isinstance(urls, list) else []
    return {**prefs, "apprise_urls": shown}
