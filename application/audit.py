"""The audit log — "nhật ký thay đổi": verifying its hash chain and reading it.

Every change and every refused attempt is an entry (a refusal has the action ``refused`` and
``after = {"attempted": <action>, "rule": <rule>, …}``). Reading the log is ``audit.read``:
the CCHC officer, the chairman, or the installation's operator; before any unit exists, only
the operator. Times are shown, and date filters read, in the unit's plan time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from application.access import Gate, Identity, Refused, actor_for, explain
from application.frozen import snapshot_breaks
from application.uow import UnitOfWork
from domain.audit_chain import Anchor, Break, anchor_problem
from domain.clock import DEFAULT_TIMEZONE, local_moment, local_today, parse_moment
from domain.errors import LocalizedError, NotFoundError
from models import AuditEntry, UnitRecord
from responsibilities.policy import Subject, decide
from storage.audit import check_chain, find_entries, get_entry, head
from storage.officers import known_names
from storage.plans import find_plan, read_plan_record, unit_timezone
from storage.units import get_unit, units_with_plans

if TYPE_CHECKING:
    from sqlmodel import Session

READ = "audit.read"
DEFAULT_LIMIT = 100


@dataclass(frozen=True)
class ChainReport:
    """How many entries were checked and where the chain does not hold."""

    entries: int
    breaks: list[Break] = field(default_factory=list)
    anchor: Anchor | None = None
    # the log no longer extends the anchor: "shorter" (entries cut) | "differs" (rewritten)
    anchor_problem: str | None = None

    @property
    def intact(self) -> bool:
        return not self.breaks and self.anchor_problem is None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "entries": self.entries,
            "intact": self.intact,
            "breaks": [{"id": b.id, "problem": b.problem} for b in self.breaks],
        }
        if self.anchor is not None:
            out["anchor"] = {
                "entries": self.anchor.entries,
                "hash": self.anchor.hash,
                "problem": self.anchor_problem,
            }
        return out


def verify(uow: UnitOfWork, anchor: str | None = None) -> ChainReport:
    """``cchc audit verify [--anchor TOKEN]``: recompute every entry's keyed hash and link,
    re-check every submitted snapshot against the hash its submission logged, and, with an
    anchor (from ``cchc audit anchor``), check the log still extends it."""
    wanted = None
    if anchor is not None:
        wanted = Anchor.parse(anchor)
        if wanted is None:
            raise LocalizedError("error.bad_anchor", value=anchor)
    with uow as session:
        hashes, breaks = check_chain(session=session)
        breaks += snapshot_breaks(session)
    problem = anchor_problem(wanted, hashes) if wanted is not None else None
    return ChainReport(len(hashes), breaks, wanted, problem)


def anchor(uow: UnitOfWork, identity: Identity, now: dt.datetime) -> Anchor:
    """``cchc audit anchor``: the log's head now (entries and last hash), to be written down
    somewhere else; reading it is ``audit.read`` and is not itself logged."""
    with uow as session:
        _reach(session, identity, now, None)
        count, last = head(session=session)
    return Anchor(count, last)


@dataclass(frozen=True)
class AuditView:
    """One entry as a reader sees it; ``at`` on the wall clock of the entry's unit."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    key: str
    unit: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str
    prev_hash: str
    # the simulated time the change was made at (``--now`` on a simulation), ``at`` being the
    # real clock
    simulated_at: dt.datetime | None = None
    # who made the change and what it is about, by name when they are known (``browse``)
    actor_name: str | None = None
    object_name: str | None = None

    @property
    def refused(self) -> bool:
        return self.action == "refused"

    @property
    def attempted(self) -> str | None:
        """For a refused attempt, the action that was refused."""
        if self.action != "refused" or not self.after:
            return None
        return str(self.after.get("attempted") or "") or None

    @property
    def object(self) -> str:
        return f"{self.entity}:{self.key}" if self.key else self.entity

    def as_dict(self, *, chain: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "entity": self.entity,
            "key": self.key,
            "unit": self.unit,
            "before": self.before,
            "after": self.after,
            "simulated_at": self.simulated_at.isoformat() if self.simulated_at else None,
        }
        if chain:
            out |= {"hash": self.hash, "prev_hash": self.prev_hash}
        return out


@dataclass(frozen=True)
class _Reach:
    """Which entries a reader may see: ``unit_ids`` (None: all) and entries of no unit; the
    time zone the query's dates are in."""

    unit_ids: list[int] | None
    unitless: bool
    timezone: str


def list_entries(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    actor: str | None = None,
    action: str | None = None,
    obj: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    unit: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[AuditView]:
    """``cchc audit list``: entries newest first. ``actor`` (an email, or ``operator``/
    ``system`` for every operator or job), ``action`` (``refused`` for refused attempts),
    ``obj`` (an entity, a key or ``entity:key``), ``since``/``until`` (local dates, both
    included), ``unit`` (only that unit's entries), at most ``limit``."""
    if limit < 1:
        raise LocalizedError("error.bad_limit", limit=limit)
    with uow as session:
        reach = _reach(session, identity, now, unit)
        rows = _find(session, reach, actor, action, obj, (since, until), limit=limit)
        return _views(session, rows, reach.timezone)


def show_entry(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, entry_id: int, *, lang: str = ""
) -> AuditView:
    """``cchc audit show ID``: one entry with what it changed (before/after) and its hashes;
    with ``lang``, its actor and object named in that language (as ``browse``)."""
    with uow as session:
        row = get_entry(entry_id, session=session)
        if row is not None and row.unit_id is not None:
            unit_row = session.get(UnitRecord, row.unit_id)
            reach = _reach(session, identity, now, unit_row.code if unit_row else None)
        else:
            reach = _reach(session, identity, now, None)
        if row is None:
            raise NotFoundError("error.audit_entry_not_found", id=entry_id)
        views = _views(session, [row], reach.timezone)
        return _named(session, views, lang)[0] if lang else views[0]


def _reach(session: Session, identity: Identity, now: dt.datetime, unit: str | None) -> _Reach:
    """What ``identity`` may read (asking the policy for each unit concerned), or ``Refused``."""
    if unit:
        unit_row = get_unit(unit, session=session)
        return _Reach([_check(session, identity, now, unit_row)], False, _tz(session, unit_row))
    units = units_with_plans(session=session)
    if not units:
        _check_without_unit(identity, now)
        return _Reach(None, True, DEFAULT_TIMEZONE)
    allowed: list[UnitRecord] = []
    refusal: Refused | None = None
    for unit_row in units:
        try:
            _check(session, identity, now, unit_row)
        except Refused as exc:
            refusal = refusal or exc
        else:
            allowed.append(unit_row)
    if not allowed:
        assert refusal is not None
        raise refusal
    timezone = _tz(session, allowed[0]) if len(allowed) == 1 else DEFAULT_TIMEZONE
    if len(allowed) == len(units):
        return _Reach(None, True, timezone)  # the whole log
    return _Reach([u.id or 0 for u in allowed], True, timezone)


def _check(session: Session, identity: Identity, now: dt.datetime, unit_row: UnitRecord) -> int:
    uid = unit_row.id or 0
    try:
        plan = read_plan_record(find_plan(session=session, unit_id=uid), session=session)
    except NotFoundError:
        plan = None
    gate = Gate.load(session, uid, plan)
    today = local_today(now, _tz(session, unit_row))
    gate.check(identity, READ, Subject(), on=today, entity="audit_log", key="")
    return uid


def _check_without_unit(identity: Identity, now: dt.datetime) -> None:
    """Before any unit exists only the operator may read the log (no officer is known yet)."""
    actor = actor_for(identity, [], {})
    today = local_today(now, DEFAULT_TIMEZONE)
    decision = decide(actor, READ, Subject(), today, [])
    if decision.allowed:
        return
    gate = Gate(0, [], {})
    raise Refused(
        actor=actor,
        action=READ,
        decision=decision,
        on=today,
        entity="audit_log",
        key="",
        unit_id=None,
        messages={
            lang: explain(actor, READ, Subject(), decision, today, gate, lang)
            for lang in ("vi", "en")
        },
    )


def _tz(session: Session, unit_row: UnitRecord) -> str:
    return unit_timezone(session=session, unit_id=unit_row.id or 0)


def _midnight(day: dt.date | None, timezone: str) -> dt.datetime | None:
    """The moment ``day`` begins on the wall clock of ``timezone``."""
    if day is None:
        return None
    return parse_moment(day.isoformat(), timezone)


def _find(
    session: Session,
    reach: _Reach,
    actor: str | None,
    action: str | None,
    obj: str | None,
    days: tuple[dt.date | None, dt.date | None],
    *,
    limit: int,
    before: int | None = None,
) -> list[AuditEntry]:
    """The entries within ``reach`` matching the filters of ``cchc audit list`` and the Nhật ký
    page, newest first: ``days`` are local dates (both included) in the reach's timezone."""
    since, until = days
    return find_entries(
        session=session,
        actor=actor,
        action=action,
        obj=obj,
        unit_ids=reach.unit_ids,
        unitless=reach.unitless,
        start=_midnight(since, reach.timezone),
        end=_midnight(until + dt.timedelta(days=1), reach.timezone) if until else None,
        limit=limit,
        before_id=before,
    )


def _views(session: Session, rows: list[AuditEntry], default_tz: str) -> list[AuditView]:
    units: dict[int, tuple[str, str]] = {}
    out = []
    for row in rows:
        code, timezone = None, default_tz
        if row.unit_id is not None:
            if row.unit_id not in units:
                unit_row = session.get(UnitRecord, row.unit_id)
                units[row.unit_id] = (
                    unit_row.code if unit_row else str(row.unit_id),
                    unit_timezone(session=session, unit_id=row.unit_id),
                )
            code, timezone = units[row.unit_id]
        out.append(
            AuditView(
                id=row.id or 0,
                at=local_moment(row.at, timezone),
                actor=row.actor,
                action=row.action,
                entity=row.entity,
                key=row.key,
                unit=code,
                before=row.before,
                after=row.after,
                hash=row.hash,
                prev_hash=row.prev_hash,
                simulated_at=(
                    local_moment(row.simulated_at, timezone) if row.simulated_at else None
                ),
            )
        )
    return out


# --- the log in the browser ("Nhật ký"): a page at a time, named, and its verification --------

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditPage:
    """One page of the log, newest first: ``older`` is the id to continue from (``before``)
    when there are older entries; ``actors`` the unit's officers by email, for a filter."""

    entries: list[AuditView]
    older: int | None
    actors: dict[str, str]


def browse(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    actor: str | None = None,
    action: str | None = None,
    obj: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    before: int | None = None,
    limit: int = PAGE_SIZE,
    lang: str = "vi",
) -> AuditPage:
    """The Nhật ký page: the entries ``list_entries`` finds, at most ``limit`` of those older
    than the entry ``before`` (keyset pagination: the queries do not grow with the log), with
    the actor and the object named (an officer by name, an occurrence by its task's title)."""
    if limit < 1:
        raise LocalizedError("error.bad_limit", limit=limit)
    with uow as session:
        reach = _reach(session, identity, now, None)
        rows = _find(
            session, reach, actor, action, obj, (since, until), limit=limit + 1, before=before
        )
        more = len(rows) > limit
        rows = rows[:limit]
        views = _named(session, _views(session, rows, reach.timezone), lang)
        actors: dict[str, str] = {}
        for unit_row in units_with_plans(session=session):
            if reach.unit_ids is None or unit_row.id in reach.unit_ids:
                actors |= known_names(session=session, unit_id=unit_row.id or 0)
    return AuditPage(views, views[-1].id if more and views else None, actors)


def verify_as(uow: UnitOfWork, identity: Identity, now: dt.datetime) -> ChainReport:
    """ "Kiểm tra toàn vẹn" on the Nhật ký page: ``verify`` for a reader of the log
    (``audit.read``; a refusal is logged)."""
    with uow as session:
        _reach(session, identity, now, None)
    return verify(uow)


def _named(session: Session, views: list[AuditView], lang: str) -> list[AuditView]:
    """``views`` with their actor and object named: officers (the actor, an ``officer`` or
    ``account`` entry, an ``assignment``'s holder and position) by name, occurrences and
    their files by task title and period."""
    from dataclasses import replace

    from domain.periods import period_label

    emails = {v.actor for v in views} | {
        v.key.partition("/")[0] for v in views if v.entity in ("officer", "account", "assignment")
    }
    names = _officer_names(session, emails)
    plans: dict[str | None, tuple[dict[str, str], dict[str, str]]] = {}
    out = []
    for v in views:
        if v.unit not in plans:
            plans[v.unit] = _plan_names(session, v.unit, lang)
        tasks, roles = plans[v.unit]
        obj = None
        if v.entity in ("officer", "account"):
            obj = names.get(v.key)
        elif v.entity == "assignment":
            email, _, position = v.key.partition("/")
            if email in names:
                obj = " · ".join(filter(None, (names[email], roles.get(position, position))))
        elif v.entity in ("occurrence", "evidence") and "/" in v.key:
            task, _, rest = v.key.partition("/")
            period, _, _file = rest.partition("#")
            if task in tasks:
                obj = f"{task} {tasks[task]} · {period_label(period, lang)}"
        out.append(replace(v, actor_name=names.get(v.actor), object_name=obj))
    return out


def _officer_names(session: Session, emails: set[str]) -> dict[str, str]:
    """Names of the officers with these emails (in one query, whatever the log's size)."""
    from sqlmodel import col, select

    from models import Officer

    wanted = sorted(e for e in emails if "@" in e)
    if not wanted:
        return {}
    rows = session.exec(select(Officer.email, Officer.name).where(col(Officer.email).in_(wanted)))
    return {email: name for email, name in rows}


def _plan_names(
    session: Session, unit: str | None, lang: str
) -> tuple[dict[str, str], dict[str, str]]:
    """The titles of the tasks and of the positions of ``unit``'s plan, by code."""
    from application.plans import unit_plan

    if unit is None:
        return {}, {}
    try:
        unit_row = get_unit(unit, session=session)
    except NotFoundError:
        return {}, {}
    plan = unit_plan(session, unit_row.id or 0)
    if plan is None:
        return {}, {}

    def title(thing: Any) -> str:
        return str(thing.title_en if lang == "en" and thing.title_en else thing.title)

    return {t.code: title(t) for t in plan.tasks}, {r.code: title(r) for r in plan.roles}
