"""Plans from a province's template — "kế hoạch mẫu": ``cchc plan derive``.

The province issues one template plan (``plan.kind: template``) for its communes. Deriving
gives each unit its plan: the template's tasks, targets, evidence and criteria links under the
unit's code and name from the unit table, with the unit's overlay (``cchc-overlay/1``: local
tasks, moved deadlines, tightened targets). A revised template is derived again the same way;
each unit keeps the overlay stored with its plan unless a new one is given.

Everything is checked before anything is stored, and every unit is derived in one
transaction: all units or none. A dry run is the same work rolled back — the preview of what
changes for each unit (tasks added, changed, archived; open occurrences moved or cancelled;
submitted and accepted work kept as it is).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from application.access import Identity
from application.plans import authorize, plan_for_load, read_text, sha256
from application.rescheduling import (
    OccurrenceChange,
    changes_between,
    reschedule,
    scheduled,
    snapshot,
)
from application.units import EndedUnit
from application.uow import UnitOfWork
from domain.errors import InvalidInput, LocalizedError, NotFoundError, Problem
from domain.framework import Framework
from domain.lifecycle import ACCEPTED, SUBMITTED
from domain.overlay import Overlay, PlanChanges, compare, derive, read_overlay
from domain.plan import Plan
from models import Occurrence, PlanRecord, UnitRecord
from storage.origins import origin_row, record_origin, units_of_template

OVERLAY_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class KeptWork:
    """A submitted or accepted occurrence of a task the revision changes or archives: it
    stays exactly as it is."""

    task: str
    period: str
    status: str

    def as_dict(self) -> dict[str, str]:
        return {"task": self.task, "period": self.period, "status": self.status}


@dataclass(frozen=True)
class UnitDerived:
    """What deriving did (or, on a dry run, would do) to one unit's plan."""

    unit: str
    name: str
    plan: str
    new: bool
    overlay: str = ""  # the overlay's file name; empty: the template alone
    overlay_kept: bool = False  # the overlay stored with the plan, not a new file
    changes: PlanChanges = field(default_factory=PlanChanges)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    occurrences: tuple[OccurrenceChange, ...] = ()
    kept: tuple[KeptWork, ...] = ()
    rerouted: int = 0

    @property
    def changed(self) -> bool:
        return (
            self.new
            or self.changes.any
            or bool(self.occurrences)
            or any(
                c.get("created") or c.get("updated") or c.get("archived")
                for c in self.counts.values()
            )
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name": self.name,
            "plan": self.plan,
            "new": self.new,
            "changed": self.changed,
            "overlay": {"file": self.overlay, "kept": self.overlay_kept} if self.overlay else None,
            **self.changes.as_dict(),
            "counts": self.counts,
            "occurrences": [
                {
                    "task": o.task,
                    "period": o.period,
                    "change": o.kind,
                    "before": o.before.isoformat() if o.before else None,
                    "after": o.after.isoformat() if o.after else None,
                }
                for o in self.occurrences
            ],
            "kept": [k.as_dict() for k in self.kept],
            "rerouted": self.rerouted,
        }


@dataclass(frozen=True)
class UnitSkipped:
    """A unit asked for (or derived from the template before) that no longer exists on the
    day of the derivation — merged into another: its plan and history are left as they are."""

    unit: str
    name: str
    ended: EndedUnit

    def as_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "name": self.name, "ended": self.ended.as_dict()}


@dataclass(frozen=True)
class Derived:
    """``cchc plan derive``: the template and what it did per unit; nothing kept on a dry run."""

    template: str
    version: str
    sha256: str
    units: tuple[UnitDerived, ...]
    framework_loaded: str | None = None
    dry_run: bool = False
    skipped: tuple[UnitSkipped, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "template": {"code": self.template, "version": self.version, "sha256": self.sha256},
            "framework_loaded": self.framework_loaded,
            "units": [u.as_dict() for u in self.units],
            "skipped": [u.as_dict() for u in self.skipped],
            "dry_run": self.dry_run,
        }


@dataclass(frozen=True)
class _Overlaid:
    """A unit's overlay as read: the file it names in problems and in the plan's origin."""

    file: str
    text: str
    kept: bool


def derive_plans(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    template: Path,
    units: Sequence[str] = (),
    overlay_dir: Path | None = None,
    dry_run: bool = False,
) -> Derived:
    """Give each of ``units`` (default: every unit already derived from this template) its
    plan from ``template`` and its overlay (``overlay_dir/UNIT.yaml``, else the one stored
    with its plan), all units or none. A unit that no longer exists on the day of ``now``
    (merged into another) is skipped, its plan and history untouched, and said so; when every
    unit asked for is such a unit, nothing is derived (an error)."""
    from application.frozen import FrozenInputs
    from application.units import ended_by
    from domain.clock import local_today
    from storage.frameworks import load_framework as store_framework

    if overlay_dir is not None and not overlay_dir.is_dir():
        raise NotFoundError("error.file_not_found", path=overlay_dir)
    with uow as session:
        plan, fw, fw_path = plan_for_load(template, session=session)
        template_sha = sha256(template)
        if not plan.is_template:
            raise LocalizedError("error.not_a_template", file=str(template), code=plan.code)
        rows = _units(session, plan, units)
        day = local_today(now, plan.timezone)
        gone = ended_by(session, rows, day)
        skipped = tuple(UnitSkipped(r.code, r.name, gone[r.id or 0]) for r in rows if r.id in gone)
        rows = [r for r in rows if r.id not in gone]
        if not rows:
            codes = [u.unit for u in skipped]
            raise LocalizedError(
                "error.derive_units_ended",
                units=", ".join(codes),
                day=f"{day:%d/%m/%Y}",
                first=codes[0],
            )
        for row in rows:  # the policy first: no overlay is read for someone it refuses
            authorize(session, identity, now, row, "plan.load", entity="plan", key=plan.code)
        criteria = _criteria(session, plan, fw)
        overlays = _read_overlays(session, plan, rows, overlay_dir, criteria)
        actor = identity.audit_name
        frozen = FrozenInputs.take(session, [r.id or 0 for r in rows], now)
        fw_loaded = None
        if fw is not None and fw_path is not None:
            store_framework(fw, session=session, actor=actor, now=now, sha256=sha256(fw_path))
            fw_loaded = fw.code
        done = tuple(
            _derive_unit(session, row, plan, overlays[row.code], template_sha, actor=actor, now=now)
            for row in rows
        )
        frozen.check(session, change=f"plan derive {template.name}")
        if dry_run:
            session.rollback()
    return Derived(plan.code, plan.version, template_sha, done, fw_loaded, dry_run, skipped)


def _units(session: Session, plan: Plan, codes: Sequence[str]) -> list[UnitRecord]:
    from storage.units import get_unit

    wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if not wanted:
        found = units_of_template(plan.code, session=session)
        if not found:
            raise LocalizedError("error.derive_no_units", code=plan.code)
        return found
    rows, missing = [], []
    for code in wanted:
        try:
            rows.append(get_unit(code, session=session))
        except NotFoundError:
            missing.append(code)
    if missing:
        raise LocalizedError("error.derive_unknown_units", units=", ".join(missing))
    return rows


def _criteria(session: Session, plan: Plan, fw: Framework | None) -> set[str] | None:
    """The criteria codes a local task may name: those of the template's framework."""
    from storage.frameworks import framework_codes, read_framework_record

    if plan.framework is None:
        return None
    if fw is not None:
        return set(fw.codes())
    if plan.framework in framework_codes(session=session):
        return set(read_framework_record(plan.framework, session=session).codes())
    return None


def _overlay_file(folder: Path | None, unit: str) -> Path | None:
    if folder is None:
        return None
    for suffix in OVERLAY_SUFFIXES:
        path = folder / f"{unit}{suffix}"
        if path.is_file():
            return path
    return None


def _read_overlays(
    session: Session,
    plan: Plan,
    rows: list[UnitRecord],
    folder: Path | None,
    criteria: set[str] | None,
) -> dict[str, tuple[_Overlaid, Overlay] | None]:
    """Each unit's overlay, checked against the template; every problem of every overlay
    together (``InvalidInput``) before anything is stored."""
    out: dict[str, tuple[_Overlaid, Overlay] | None] = {}
    problems: list[Problem] = []
    for row in rows:
        path = _overlay_file(folder, row.code)
        source: _Overlaid | None = None
        if path is not None:
            source = _Overlaid(str(path), read_text(path), kept=False)
        else:
            stored = _stored_overlay(session, row, plan.code)
            if stored is not None:
                source = stored
        if source is None:
            out[row.code] = None
            continue
        try:
            overlay = read_overlay(
                source.text, source.file, template=plan, unit=row.code, criteria=criteria
            )
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        out[row.code] = (source, overlay)
    problems.extend(_strays(session, folder))
    if problems:
        raise InvalidInput(problems)
    return out


def _strays(session: Session, folder: Path | None) -> list[Problem]:
    """Overlay files named after no unit at all: a misspelt name would otherwise be left out
    without a word (a file of a unit not derived this time is only not used)."""
    if folder is None:
        return []
    known = set(session.exec(select(UnitRecord.code)).all())
    return [
        Problem("overlay_unknown_unit", file=str(path), params={"code": path.stem})
        for path in sorted(folder.iterdir())
        if path.suffix in OVERLAY_SUFFIXES and path.is_file() and path.stem not in known
    ]


def _stored_overlay(session: Session, row: UnitRecord, code: str) -> _Overlaid | None:
    plan_row = _plan_row(session, row, code)
    origin = origin_row(plan_row.id or 0, session=session) if plan_row is not None else None
    if origin is None or not origin.overlay_sha256:
        return None
    return _Overlaid(origin.overlay_file, origin.overlay_text, kept=True)


def _plan_row(session: Session, row: UnitRecord, code: str) -> PlanRecord | None:
    return session.exec(
        select(PlanRecord).where(PlanRecord.unit_id == row.id, PlanRecord.code == code)
    ).first()


def _derive_unit(
    session: Session,
    row: UnitRecord,
    template: Plan,
    overlaid: tuple[_Overlaid, Overlay] | None,
    template_sha: str,
    *,
    actor: str,
    now: dt.datetime,
) -> UnitDerived:
    from application.occurrences import reroute_unit
    from storage.plans import load_plan as store_plan
    from storage.plans import read_plan_record
    from storage.units import unit_of

    uid = row.id or 0
    existing = _plan_row(session, row, template.code)
    before = read_plan_record(existing, session=session) if existing is not None else None
    source, overlay = overlaid if overlaid is not None else (None, None)
    plan = derive(template, unit_of(row, session=session), overlay)
    changes = compare(before, plan)

    rows_before = list(session.exec(select(PlanRecord).where(PlanRecord.unit_id == uid)))
    ids = [r.id or 0 for r in rows_before]
    occurrences_before = snapshot(session, ids)
    overlay_sha = hashlib.sha256(source.text.encode("utf-8")).hexdigest() if source else ""
    # the stored rows are a function of the template's and the overlay's bytes together
    body_sha = hashlib.sha256(f"{template_sha}:{overlay_sha}".encode()).hexdigest()
    report = store_plan(
        plan, session=session, actor=actor, now=now, unit_code=row.code, sha256=body_sha
    )
    plan_row = _plan_row(session, row, template.code)
    assert plan_row is not None
    record_origin(
        plan_row,
        session=session,
        actor=actor,
        now=now,
        template=(template.code, template.version, template_sha),
        overlay=(Path(source.file).name, overlay_sha, source.text) if source else None,
    )
    rerouted = reroute_unit(session, uid, actor=actor, now=now)
    rows_after = list(session.exec(select(PlanRecord).where(PlanRecord.unit_id == uid)))
    # only plans already scheduled are scheduled again (as the nightly job would)
    reschedule(session, scheduled(session, rows_after), actor=actor, now=now)
    session.flush()
    moved = changes_between(occurrences_before, snapshot(session, [r.id or 0 for r in rows_after]))
    touched = {*changes.tasks_changed, *changes.tasks_archived}
    kept = tuple(
        KeptWork(o.task_code, o.period, o.status)
        for o in session.exec(
            select(Occurrence)
            .where(
                Occurrence.plan_id == plan_row.id,
                col(Occurrence.task_code).in_(sorted(touched)),
                col(Occurrence.status).in_((SUBMITTED, ACCEPTED)),
            )
            .order_by(col(Occurrence.task_code), col(Occurrence.period))
        )
    )
    return UnitDerived(
        unit=row.code,
        name=row.name,
        plan=plan.code,
        new=existing is None,
        overlay=Path(source.file).name if source else "",
        overlay_kept=bool(source and source.kept),
        changes=changes,
        counts=report.counts,
        occurrences=moved,
        kept=kept,
        rerouted=rerouted,
    )
