"""Loading a plan into the database, and reading it back as a domain ``Plan``.

Loading is idempotent: the same file twice changes nothing. A revised file updates
what changed, adds what is new and archives what it no longer lists — nothing is
deleted, because occurrences and evidence will hang on these rows.

Positions are shared by a unit's plans: like its title, a position's ``wording``, ``duties``
and ``inferred`` fields are those of the plan loaded last.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any, TypeVar

from sqlalchemy import bindparam, literal
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col, select

from domain.errors import NotFoundError
from domain.plan import (
    Area,
    Due,
    Duty,
    EvidenceRequirement,
    Funding,
    Plan,
    Reminders,
    Role,
    Schedule,
    Target,
    Task,
    Unit,
)
from models import (
    AreaRecord,
    EvidenceRequirementRecord,
    PlanRecord,
    Position,
    TargetRecord,
    TaskCriterion,
    TaskRecord,
    TaskSupport,
    TaskTarget,
    UnitRecord,
)
from storage.audit import record
from storage.units import ensure_unit

Row = TypeVar("Row", bound=SQLModel)


@dataclass
class LoadReport:
    """What a load did, per kind of record: created, updated, archived, unchanged."""

    plan: str
    unit: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, kind: str, outcome: str) -> None:
        bucket = self.counts.setdefault(
            kind, {"created": 0, "updated": 0, "archived": 0, "unchanged": 0}
        )
        bucket[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["archived"] for c in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "unit": self.unit,
            "changed": self.changed,
            "counts": self.counts,
        }


def _reminders_dict(r: Reminders) -> dict[str, Any]:
    return {"before": list(r.before), "escalate": list(r.escalate), "at": r.at.strftime("%H:%M")}


def _schedule_dict(s: Schedule) -> dict[str, Any]:
    due = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in s.due.as_dict().items()}
    return {
        "every": s.every,
        "rrule": s.rrule,
        "start": s.start.isoformat(),
        "until": s.until.isoformat(),
        "due": due,
    }


def _duties(role: Role) -> list[dict[str, Any]]:
    return [{"ref": d.ref, "text": d.text, "tasks": list(d.tasks)} for d in role.duties]


def _role(row: Position) -> Role:
    return Role(
        row.code,
        row.title,
        row.title_en,
        row.reports_to,
        row.source,
        row.note,
        wording=row.wording,
        inferred=tuple(row.inferred),
        duties=tuple(Duty(d["ref"], d["text"], tuple(d.get("tasks") or ())) for d in row.duties),
    )


def _snapshot(row: SQLModel, fields: Sequence[str]) -> dict[str, Any]:
    out = {}
    for name in fields:
        value = getattr(row, name)
        out[name] = value.isoformat() if isinstance(value, dt.date) else value
    return out


@dataclass
class _Loader:
    session: Session
    actor: str
    now: dt.datetime
    unit_id: int
    report: LoadReport

    def audit(
        self, action: str, entity: str, key: str, before: Any = None, after: Any = None
    ) -> None:
        record(
            session=self.session,
            actor=self.actor,
            now=self.now,
            action=action,
            entity=entity,
            key=key,
            unit_id=self.unit_id,
            before=before,
            after=after,
        )

    def upsert(
        self,
        kind: str,
        key: str,
        existing: Row | None,
        values: dict[str, Any],
        make: Callable[[], Row],
    ) -> Row:
        """Create, update or leave one row; unarchive it when the plan lists it again."""
        # a row's place in the file is kept but is not a change of its own: removing one task
        # must not count (and audit) every later task as updated
        fields = [name for name in values if name != "position"]
        if existing is None:
            row = make()
            for name, value in values.items():
                setattr(row, name, value)
            self.session.add(row)
            self.session.flush()
            self.audit("create", kind, key, after=_snapshot(row, fields))
            self.report.add(kind, "created")
            return row
        before = _snapshot(existing, fields)
        was_archived = getattr(existing, "archived_at", None) is not None
        for name, value in values.items():
            setattr(existing, name, value)
        if was_archived:
            existing.archived_at = None
        after = _snapshot(existing, fields)
        if before != after or was_archived:
            self.session.add(existing)
            self.audit(
                "restore" if was_archived else "update", kind, key, before=before, after=after
            )
            self.report.add(kind, "updated")
        else:
            self.report.add(kind, "unchanged")
        return existing

    def archive_missing(
        self, kind: str, rows: Sequence[Any], keep: set[str], key: Callable[[Any], str]
    ) -> None:
        for row in rows:
            if key(row) not in keep and row.archived_at is None:
                row.archived_at = self.now
                self.session.add(row)
                self.audit("archive", kind, key(row))
                self.report.add(kind, "archived")


def load_plan(
    plan: Plan,
    *,
    session: Session,
    actor: str,
    now: dt.datetime,
    unit_code: str | None = None,
    sha256: str = "",
) -> LoadReport:
    """Store ``plan`` for its unit (or ``unit_code``), creating or revising it in place."""
    unit = (
        plan.unit
        if unit_code in (None, plan.unit.code)
        else Unit(unit_code or "", parent=plan.unit.parent)
    )
    unit_row = ensure_unit(unit, session=session, actor=actor, now=now)
    assert unit_row.id is not None
    report = LoadReport(plan=plan.code, unit=unit_row.code)
    ld = _Loader(session, actor, now, unit_row.id, report)
    uid = unit_row.id

    positions = {p.code: p for p in session.exec(select(Position).where(Position.unit_id == uid))}
    for role in plan.roles:
        ld.upsert(
            "position",
            role.code,
            positions.get(role.code),
            {
                "title": role.title,
                "title_en": role.title_en,
                "reports_to": role.reports_to,
                "source": role.source,
                "note": role.note,
                "wording": role.wording,
                "inferred": list(role.inferred),
                "duties": _duties(role),
            },
            partial(Position, unit_id=uid, code=role.code),
        )

    existing_plan = session.exec(
        select(PlanRecord).where(PlanRecord.unit_id == uid, PlanRecord.code == plan.code)
    ).first()
    plan_row = ld.upsert(
        "plan",
        plan.code,
        existing_plan,
        {
            "title": plan.title,
            "year": plan.year,
            "issued": plan.issued,
            "basis": list(plan.basis),
            "framework_code": plan.framework,
            "timezone": plan.timezone,
            "roll": plan.roll,
            "reminders": _reminders_dict(plan.reminders),
            "inferred": list(plan.inferred),
            "funding": plan.funding.as_dict() if plan.funding else None,
        },
        lambda: PlanRecord(unit_id=uid, code=plan.code, title=plan.title, year=plan.year),
    )
    if plan_row.source_sha256 != sha256:
        plan_row.source_sha256 = sha256
        session.add(plan_row)
    pid = plan_row.id
    assert pid is not None

    areas = {a.code: a for a in session.exec(select(AreaRecord).where(AreaRecord.plan_id == pid))}
    for i, area in enumerate(plan.areas):
        ld.upsert(
            "area",
            area.code,
            areas.get(area.code),
            {"title": area.title, "title_en": area.title_en, "position": i},
            partial(AreaRecord, plan_id=pid, code=area.code, title=area.title),
        )
    ld.archive_missing("area", list(areas.values()), {a.code for a in plan.areas}, lambda r: r.code)

    targets = {
        t.code: t for t in session.exec(select(TargetRecord).where(TargetRecord.plan_id == pid))
    }
    for i, target in enumerate(plan.targets):
        ld.upsert(
            "target",
            target.code,
            targets.get(target.code),
            {
                "title": target.title,
                "title_en": target.title_en,
                "metric": target.metric,
                "scope": dict(target.scope),
                "op": target.op,
                "value": target.value,
                "unit": target.unit,
                "owner": target.owner,
                "source": target.source,
                "note": target.note,
                "compare": target.compare,
                "inferred": list(target.inferred),
                "position": i,
            },
            partial(
                TargetRecord,
                plan_id=pid,
                code=target.code,
                title=target.title,
                metric=target.metric,
                owner=target.owner,
            ),
        )
    ld.archive_missing(
        "target", list(targets.values()), {t.code for t in plan.targets}, lambda r: r.code
    )

    tasks = {t.code: t for t in session.exec(select(TaskRecord).where(TaskRecord.plan_id == pid))}
    for i, task in enumerate(plan.tasks):
        row = ld.upsert(
            "task",
            task.code,
            tasks.get(task.code),
            {
                "area": task.area,
                "title": task.title,
                "title_en": task.title_en,
                "lead": task.lead,
                "approver": task.approver,
                "schedule": _schedule_dict(task.schedule),
                "reminders": _reminders_dict(task.reminders),
                "source": task.source,
                "note": task.note,
                "inferred": list(task.inferred),
                "position": i,
            },
            partial(
                TaskRecord,
                plan_id=pid,
                unit_id=uid,
                code=task.code,
                area=task.area,
                title=task.title,
                lead=task.lead,
            ),
        )
        _sync_task_links(ld, row, task)
    ld.archive_missing("task", list(tasks.values()), {t.code for t in plan.tasks}, lambda r: r.code)
    session.flush()
    return report


def _sync_links(
    ld: _Loader,
    kind: str,
    task_code: str,
    model: type[Any],
    column: str,
    task_id: int,
    wanted: Sequence[str],
) -> None:
    """Make a task's link rows (support roles, criteria, targets) equal ``wanted``."""
    rows = {
        getattr(r, column): r
        for r in ld.session.exec(select(model).where(model.task_id == task_id))
    }
    if list(rows) == list(wanted) or set(rows) == set(wanted):
        if kind == "support":
            for i, code in enumerate(wanted):
                if rows[code].position != i:
                    rows[code].position = i
                    ld.session.add(rows[code])
        return
    for code, row in rows.items():
        if code not in wanted:
            ld.session.delete(row)
    for i, code in enumerate(wanted):
        if code not in rows:
            values = {"task_id": task_id, column: code}
            if kind == "support":
                values["position"] = i
            ld.session.add(model(**values))
    ld.audit(
        "update" if rows else "create",
        f"task.{kind}",
        task_code,
        before={kind: sorted(rows)},
        after={kind: list(wanted)},
    )
    ld.report.add(f"task.{kind}", "updated" if rows else "created")


def _sync_task_links(ld: _Loader, row: TaskRecord, task: Task) -> None:
    assert row.id is not None
    tid = row.id
    _sync_links(ld, "support", task.code, TaskSupport, "role", tid, task.support)
    _sync_links(ld, "criteria", task.code, TaskCriterion, "criterion", tid, task.criteria)
    _sync_links(ld, "targets", task.code, TaskTarget, "target", tid, task.targets)
    existing = {
        e.name: e
        for e in ld.session.exec(
            select(EvidenceRequirementRecord).where(EvidenceRequirementRecord.task_id == tid)
        )
    }
    for i, ev in enumerate(task.evidence):
        ld.upsert(
            "evidence_requirement",
            f"{task.code}/{ev.name}",
            existing.get(ev.name),
            {"kind": ev.kind, "required": ev.required, "position": i},
            partial(EvidenceRequirementRecord, task_id=tid, name=ev.name, kind=ev.kind),
        )
    ld.archive_missing(
        "evidence_requirement",
        list(existing.values()),
        {f"{task.code}/{e.name}" for e in task.evidence},
        lambda r: f"{task.code}/{r.name}",
    )


# --- reading back ------------------------------------------------------------------------


def find_plan(*, session: Session, unit_id: int, code: str | None = None) -> PlanRecord:
    """The plan ``code`` of a unit, or its latest plan (highest year) when no code is given."""
    query = select(PlanRecord).where(PlanRecord.unit_id == unit_id)
    if code:
        query = query.where(PlanRecord.code == code)
    row = session.exec(
        query.order_by(col(PlanRecord.year).desc(), col(PlanRecord.id).desc())
    ).first()
    if row is None:
        raise (
            NotFoundError("error.plan_not_found", code=code)
            if code
            else NotFoundError("error.no_plan")
        )
    return row


def timezone_of_unit(unit_id: Any) -> Any:
    """``unit_timezone`` as a scalar subquery (``unit_id`` a column of the outer query): the
    time zone of the unit's latest plan, NULL when it has none."""
    return (
        select(PlanRecord.timezone)
        .where(PlanRecord.unit_id == unit_id)
        .order_by(col(PlanRecord.year).desc(), col(PlanRecord.id).desc())
        .limit(1)
        .scalar_subquery()
    )


def unit_timezone(*, session: Session, unit_id: int) -> str:
    """The time zone of a unit's latest plan (the default when it has none)."""
    from domain.clock import DEFAULT_TIMEZONE

    row = session.exec(
        select(PlanRecord.timezone)
        .where(PlanRecord.unit_id == unit_id)
        .order_by(col(PlanRecord.year).desc(), col(PlanRecord.id).desc())
    ).first()
    return row or DEFAULT_TIMEZONE


UNIT_DEPTH = 16  # ward → district → city → …: far deeper than any real chain, and no loop


@cache
def _chain_statement() -> Any:
    """Each unit bound in ``unit_ids`` and the units above it, nearest last: one recursive
    query, built once — building it (the aliased table's columns) costs far more than running
    it, and every plan read runs it."""
    chain = (
        sa_select(
            col(UnitRecord.id).label("start"),
            col(UnitRecord.parent_id).label("parent_id"),
            col(UnitRecord.code).label("code"),
            col(UnitRecord.name).label("name"),
            literal(0).label("depth"),
        )
        .where(col(UnitRecord.id).in_(bindparam("unit_ids", expanding=True)))
        .cte("unit_chain", recursive=True)
    )
    above = aliased(UnitRecord)
    chain = chain.union_all(
        sa_select(
            chain.c.start,
            col(above.parent_id),
            col(above.code),
            col(above.name),
            chain.c.depth + 1,
        ).where(col(above.id) == chain.c.parent_id, chain.c.depth < UNIT_DEPTH)
    )
    return sa_select(chain.c.start, chain.c.code, chain.c.name).order_by(
        chain.c.start, chain.c.depth.desc()
    )


def unit_chains(unit_ids: Collection[int], *, session: Session) -> dict[int, Unit]:
    """Each of ``unit_ids`` as a ``Unit`` with the units above it, read in one statement (a
    recursive query); an id with no unit is left out."""
    units: dict[int, Unit] = {}
    if not unit_ids:
        return units
    for start, code, name in session.execute(_chain_statement(), {"unit_ids": list(unit_ids)}):
        units[start] = Unit(code=code, name=name, parent=units.get(start))
    return units


def _unit_chain(unit_id: int | None, session: Session) -> Unit | None:
    """The unit and the units above it (``unit_chains`` of one)."""
    if unit_id is None:
        return None
    return unit_chains([unit_id], session=session).get(unit_id)


def _reminders(value: dict[str, Any]) -> Reminders:
    hours, minutes = value.get("at", "07:30").split(":")
    return Reminders(
        before=tuple(value.get("before", ())),
        escalate=tuple(value.get("escalate", ())),
        at=dt.time(int(hours), int(minutes)),
    )


def _schedule(value: dict[str, Any]) -> Schedule:
    due = dict(value.get("due") or {})
    if "date" in due:
        due["date"] = dt.date.fromisoformat(due["date"])
    return Schedule(
        every=value["every"],
        rrule=value.get("rrule"),
        start=dt.date.fromisoformat(value["start"]),
        until=dt.date.fromisoformat(value["until"]),
        due=Due(**due),
    )


def read_plan_record(
    plan_row: PlanRecord,
    *,
    session: Session,
    positions: Sequence[Position] | None = None,
    unit: Unit | None = None,
) -> Plan:
    """The stored plan as a domain ``Plan`` (archived rows left out).

    Its areas, targets and tasks are kept per process by the hash of the file they were
    loaded from (``source_sha256``): the stored rows are a function of that file's bytes, and
    a revision changes the hash, so another process's ``plan load`` is seen at the next read.
    The unit and the positions (shared by a unit's plans) are read each time (``positions``:
    the unit's, from :func:`unit_positions`, and ``unit`` its chain, from :func:`unit_chains`,
    when the caller has already read them)."""
    pid = plan_row.id
    if unit is None:
        unit = _unit_chain(plan_row.unit_id, session)
    assert unit is not None and pid is not None
    content = _BODIES.get(plan_row.source_sha256)
    if content is None:
        content = _read_body(pid, session)
        _BODIES.put(plan_row.source_sha256, content)
    areas, targets, tasks = content
    roles = (
        positions if positions is not None else unit_positions(plan_row.unit_id, session=session)
    )
    return Plan(
        code=plan_row.code,
        title=plan_row.title,
        unit=unit,
        year=plan_row.year,
        issued=plan_row.issued,
        basis=tuple(plan_row.basis),
        framework=plan_row.framework_code,
        timezone=plan_row.timezone,
        roll=plan_row.roll,
        reminders=_reminders(plan_row.reminders),
        inferred=tuple(plan_row.inferred),
        funding=Funding.from_dict(plan_row.funding),
        areas=areas,
        roles=tuple(_role(r) for r in roles),
        targets=targets,
        tasks=tasks,
    )


def unit_positions(unit_id: int, *, session: Session) -> Sequence[Position]:
    """A unit's positions, in the order they were created."""
    return units_positions([unit_id], session=session).get(unit_id, [])


def units_positions(unit_ids: Collection[int], *, session: Session) -> dict[int, list[Position]]:
    """The positions of each of ``unit_ids`` (one statement), in the order they were created;
    a unit with none is left out."""
    found: dict[int, list[Position]] = {}
    for position in session.exec(
        select(Position).where(col(Position.unit_id).in_(unit_ids)).order_by(col(Position.id))
    ):
        found.setdefault(position.unit_id, []).append(position)
    return found


_Body = tuple[tuple[Area, ...], tuple[Target, ...], tuple[Task, ...]]


class _BodyCache:
    """The last few plans' areas, targets and tasks by source hash (thread-safe, bounded)."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.items: OrderedDict[str, _Body] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, sha256: str) -> _Body | None:
        if not sha256:  # a plan loaded from no file (tests, scripts): never kept
            return None
        with self.lock:
            found = self.items.get(sha256)
            if found is not None:
                self.items.move_to_end(sha256)
            return found

    def put(self, sha256: str, body: _Body) -> None:
        if not sha256:
            return
        with self.lock:
            self.items[sha256] = body
            self.items.move_to_end(sha256)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_BODIES = _BodyCache()


def _read_body(pid: int, session: Session) -> _Body:
    areas = session.exec(
        select(AreaRecord)
        .where(AreaRecord.plan_id == pid, col(AreaRecord.archived_at).is_(None))
        .order_by(col(AreaRecord.position))
    ).all()
    targets = session.exec(
        select(TargetRecord)
        .where(TargetRecord.plan_id == pid, col(TargetRecord.archived_at).is_(None))
        .order_by(col(TargetRecord.position))
    ).all()
    tasks = session.exec(
        select(TaskRecord)
        .where(TaskRecord.plan_id == pid, col(TaskRecord.archived_at).is_(None))
        .order_by(col(TaskRecord.position))
    ).all()
    task_ids = [t.id for t in tasks]
    support: dict[int, list[TaskSupport]] = {}
    for s in session.exec(select(TaskSupport).where(col(TaskSupport.task_id).in_(task_ids))):
        support.setdefault(s.task_id, []).append(s)
    criteria: dict[int, list[str]] = {}
    for c in session.exec(select(TaskCriterion).where(col(TaskCriterion.task_id).in_(task_ids))):
        criteria.setdefault(c.task_id, []).append(c.criterion)
    task_targets: dict[int, list[str]] = {}
    for x in session.exec(select(TaskTarget).where(col(TaskTarget.task_id).in_(task_ids))):
        task_targets.setdefault(x.task_id, []).append(x.target)
    evidence: dict[int, list[EvidenceRequirementRecord]] = {}
    for e in session.exec(
        select(EvidenceRequirementRecord)
        .where(
            col(EvidenceRequirementRecord.task_id).in_(task_ids),
            col(EvidenceRequirementRecord.archived_at).is_(None),
        )
        .order_by(col(EvidenceRequirementRecord.position))
    ):
        evidence.setdefault(e.task_id, []).append(e)
    return (
        tuple(Area(a.code, a.title, a.title_en) for a in areas),
        tuple(target_of(t) for t in targets),
        tuple(
            Task(
                code=t.code,
                area=t.area,
                title=t.title,
                lead=t.lead,
                schedule=_schedule(t.schedule),
                reminders=_reminders(t.reminders),
                title_en=t.title_en,
                support=tuple(
                    s.role for s in sorted(support.get(t.id or 0, []), key=lambda s: s.position)
                ),
                approver=t.approver,
                evidence=tuple(
                    EvidenceRequirement(e.name, e.kind, e.required)
                    for e in evidence.get(t.id or 0, [])
                ),
                criteria=tuple(sorted(criteria.get(t.id or 0, []))),
                targets=tuple(sorted(task_targets.get(t.id or 0, []))),
                source=t.source,
                note=t.note,
                inferred=tuple(t.inferred),
            )
            for t in tasks
        ),
    )


def target_of(t: TargetRecord) -> Target:
    """A stored target as the domain reads it."""
    return Target(
        code=t.code,
        title=t.title,
        metric=t.metric,
        owner=t.owner,
        title_en=t.title_en,
        scope=dict(t.scope),
        op=t.op,
        value=t.value,
        unit=t.unit,
        source=t.source,
        note=t.note,
        compare=t.compare,
        inferred=tuple(t.inferred),
    )
