"""Another unit's own pages, read-only — "xem đơn vị (chỉ đọc)".

A province officer (the province's CCHC staff, an appraiser), the CCHC officer or the
chairman of a unit above (a district of past years, a city), or of the unit a ward was merged
into, opens that unit's own Tiến độ, Chỉ tiêu and Tự đánh giá: the same use cases and pages
its officers use, given the unit (``?don_vi=CODE`` on the web, ``--unit`` on the command
line), read-only.

- :func:`check_read` — the reading use cases ask it instead of ``Gate.check``: for the unit's
  own officers (and the operator) it is the page's own rule, unchanged; for anyone else the
  policy's ``unit.read``, asked with the reader's own unit's holdings, the province roles over
  the read unit and how the read unit stands to the reader's (``below``, ``predecessor``,
  ``other``). Its answer, :class:`Viewing`, tells the page whose unit it shows and whether
  read-only.
- :func:`check_write` — a change asked "on" another unit (a POST carrying ``don_vi``) is
  refused by the policy (``read_only_unit``, ``other_unit``): nothing is ever done through a
  read-only view, whatever the page shows.

Unpublished appraisal scores are shown only to those who may read the appraisal (the
province's roles): :attr:`Viewing.show_appraisal`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from application.access import Gate, Identity
from application.uow import UnitOfWork
from domain import links
from domain.clock import local_today
from models import UnitRecord
from responsibilities.policy import UNIT_READ, ProvinceGrant, Subject, decide

if TYPE_CHECKING:
    from sqlmodel import Session

    from domain.plan import Plan
    from domain.scoring import Scorecard


@dataclass(frozen=True)
class Viewing:
    """Whose unit a page shows and how: ``relation`` empty for the reader's own unit (the page
    as its officers have it), else ``below`` or ``predecessor`` — read-only. ``history``: for
    one's own unit, the units merged into it (code, name) whose pages one may read."""

    unit: str
    name: str
    relation: str = ""
    show_appraisal: bool = True
    history: tuple[tuple[str, str], ...] = ()

    @property
    def read_only(self) -> bool:
        return bool(self.relation)

    @property
    def back(self) -> str:
        """Where the banner leads back to: the units side by side (the successor's officers
        to their own Tiến độ)."""
        return links.PROGRESS if self.relation == "predecessor" else links.PROVINCE_PROGRESS


def _own(identity: Identity, gate: Gate, on: dt.date) -> bool:
    """The operator, or an officer holding a position in the gate's unit on ``on``."""
    if identity.kind != "officer":
        return True
    return any(h.officer == identity.name and h.active(on) for h in gate.holdings)


def _home(session: Session, identity: Identity, now: dt.datetime) -> UnitRecord | None:
    """The reader's own unit: where they hold a position (or a province role) today."""
    from storage.identity import officer_in_post

    officer = officer_in_post(identity.name, session=session, now=now)
    return session.get(UnitRecord, officer.unit_id) if officer is not None else None


@dataclass(frozen=True)
class _Reader:
    relation: str
    gate: Gate
    grants: tuple[ProvinceGrant, ...]


def _reader(session: Session, home: UnitRecord, read: UnitRecord, plan: Plan | None) -> _Reader:
    """How ``read`` stands to the reader's ``home``, the reader's gate (with the names of the
    province officers) and the province roles over ``read``."""
    from application.units import predecessors
    from storage.appraisal import grants_over, tree

    shape = tree(session)
    above = shape.above(read.id or 0)
    if (home.id or 0) in above[1:]:
        relation = "below"
    elif (read.id or 0) in {s.predecessor for s in predecessors(session, home.id or 0)}:
        relation = "predecessor"
    else:
        relation = "other"
    grants, names = grants_over(session, above)
    gate = Gate.load(session, home.id or 0, plan)
    gate.names = {**names, **gate.names}
    return _Reader(relation, gate, tuple(grants))


def history(session: Session, unit_row: UnitRecord) -> tuple[tuple[str, str], ...]:
    """The units merged into ``unit_row`` (transitively), as (code, name)."""
    from application.units import predecessors

    out = []
    for s in predecessors(session, unit_row.id or 0):
        row = session.get(UnitRecord, s.predecessor)
        if row is not None:
            out.append((row.code, row.name or row.code))
    return tuple(out)


def check_read(
    session: Session,
    identity: Identity,
    unit_row: UnitRecord,
    *,
    action: str,
    now: dt.datetime,
    on: dt.date,
    gate: Gate,
    entity: str,
    key: str,
    year: int | None = None,
    with_history: bool = False,
) -> Viewing:
    """May ``identity`` read ``unit_row``'s page guarded by ``action``? Its own officers (and
    the operator) by ``action`` itself, through ``gate`` (the unit's); anyone else by the
    policy's ``unit.read``, read-only. ``Refused`` otherwise."""
    name = unit_row.name or unit_row.code
    home = None if _own(identity, gate, on) else _home(session, identity, now)
    if home is None or home.id == unit_row.id:
        gate.check(identity, action, Subject(), on=on, entity=entity, key=key)
        past = history(session, unit_row) if with_history else ()
        return Viewing(unit_row.code, name, history=past)
    reader = _reader(session, home, unit_row, gate.plan)
    reader.gate.check(
        identity,
        UNIT_READ,
        Subject(relation=reader.relation, grants=reader.grants, year=year),
        on=on,
        entity="unit",
        key=unit_row.code,
    )
    actor = reader.gate.actor(identity)
    province = Subject(grants=reader.grants, year=year)
    appraisal = decide(actor, "ranking.read", province, on, []).allowed
    return Viewing(unit_row.code, name, reader.relation, show_appraisal=appraisal)


def check_write(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, unit: str, action: str
) -> None:
    """A change asked on ``unit`` (a form posted from its page): nothing when it is the
    officer's own unit (the use case asks the policy there, as always); else the policy's
    refusal — a read-only view changes nothing (``Refused``, audited)."""
    from storage.plans import unit_timezone
    from storage.units import get_unit

    with uow as session:
        row = get_unit(unit, session=session)
        on = local_today(now, unit_timezone(session=session, unit_id=row.id or 0))
        gate = Gate.load(session, row.id or 0)
        if _own(identity, gate, on):
            return
        home = _home(session, identity, now)
        if home is None or home.id == row.id:
            return  # not the reader of another unit: the use case refuses or acts as always
        reader = _reader(session, home, row, None)
        reader.gate.check(
            identity,
            action,
            Subject(relation=reader.relation, grants=reader.grants),
            on=on,
            entity="unit",
            key=row.code,
        )


def without_appraisal(card: Scorecard) -> Scorecard:
    """``card`` with every appraisal score (rounds 1 and 2, the appraised sums, index and
    grade) left out: what a reader who may not read the unit's appraisal is shown."""
    from dataclasses import replace

    from domain.scoring import ItemScore

    def node(n: Any) -> Any:
        if isinstance(n, ItemScore):
            return replace(n, appraisal_1=None, appraisal_2=None)
        return replace(n, appraised=None, children=tuple(node(c) for c in n.children))

    return replace(
        card,
        areas=tuple(node(a) for a in card.areas),
        appraised_total=None,
        appraised_index=None,
        appraised_grade=None,
    )


def open_unit(uow: UnitOfWork, identity: Identity, now: dt.datetime, *, unit: str) -> Viewing:
    """Whose unit a page naming ``unit`` shows ``identity``: their own (the page's own rules
    then apply, as without ``unit``), or another unit's once the policy lets them read it
    (``unit.read``; ``Refused`` otherwise) — read-only. For pages that name the unit of what
    they show (one occurrence)."""
    from storage.plans import unit_timezone
    from storage.units import get_unit

    with uow as session:
        row = get_unit(unit, session=session)
        on = local_today(now, unit_timezone(session=session, unit_id=row.id or 0))
        gate = Gate.load(session, row.id or 0)
        home = None if _own(identity, gate, on) else _home(session, identity, now)
        if home is None or home.id == row.id:
            return Viewing(row.code, row.name or row.code)
        reader = _reader(session, home, row, None)
        reader.gate.check(
            identity,
            UNIT_READ,
            Subject(relation=reader.relation, grants=reader.grants),
            on=on,
            entity="unit",
            key=row.code,
        )
        return Viewing(row.code, row.name or row.code, reader.relation)
