"""Plans and frameworks — "kế hoạch", "bộ chỉ số": checking files, loading and reading them.

Checking files is pure (no database): every problem of every file is reported together.
Loading asks the policy first (``plan.load``, ``framework.load``: the CCHC officer, the
chairman or the operator); a plan load may change who leads what, so it re-routes the unit's
open work afterwards. ``current_plan`` is the one way to find "the current plan of a unit";
``authorize`` the one way an administrative change asks the policy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from application.access import Gate, Identity, Refused
from application.uow import UnitOfWork
from domain.clock import DEFAULT_TIMEZONE, local_today
from domain.errors import CchcError, InvalidInput, LocalizedError, NotFoundError, Problem
from domain.framework import Framework
from domain.frameworkfile import read_framework
from domain.i18n import Lang
from domain.plan import Plan
from domain.planfile import read_plan
from domain.plansummary import plan_summary
from domain.progress import Progress, summarize
from domain.yamlsrc import parse
from models import PlanRecord, UnitRecord
from plans import bundled_frameworks
from responsibilities.policy import Actor, Subject
from storage.origins import Origin
from storage.plans import LoadReport, find_plan, read_plan_record, unit_timezone
from storage.units import resolve_unit, units_with_plans

# --- the current plan, and asking the policy -------------------------------------------------


def current_plan(
    session: Session, unit: str | None, code: str | None = None
) -> tuple[UnitRecord, PlanRecord, Plan]:
    """The unit ``unit`` (or the only unit with a plan), its plan ``code`` (or its latest
    plan) as stored, and that plan as the core reads it."""
    unit_row = resolve_unit(unit, session=session)
    plan_row = find_plan(session=session, unit_id=unit_row.id or 0, code=code)
    return unit_row, plan_row, read_plan_record(plan_row, session=session)


def installation_unit(session: Session, unit: str | None) -> UnitRecord | None:
    """The unit an installation-wide change (calendar, framework, outbox) is checked against:
    ``unit``, or the only unit with a plan; None while there is no unit yet."""
    if unit is None and not units_with_plans(session=session):
        return None
    return resolve_unit(unit, session=session)


def authorize(
    session: Session,
    identity: Identity,
    now: dt.datetime,
    unit_row: UnitRecord | None,
    action: str,
    subject: Subject | None = None,
    *,
    entity: str,
    key: str,
    plan: Plan | None = None,
) -> Actor:
    """The acting ``Actor`` when the policy lets ``identity`` do ``action`` in ``unit_row``
    today (the unit's local day); ``Refused`` otherwise. Without a unit nobody is an officer
    yet, so only the operator may."""
    if unit_row is None:
        gate = Gate(0, [], {}, plan)
        timezone = plan.timezone if plan else DEFAULT_TIMEZONE
    else:
        uid = unit_row.id or 0
        if plan is None:
            plan = unit_plan(session, uid)
        gate = Gate.load(session, uid, plan)
        timezone = plan.timezone if plan else unit_timezone(session=session, unit_id=uid)
    try:
        return gate.check(
            identity,
            action,
            subject or Subject(),
            on=local_today(now, timezone),
            entity=entity,
            key=key,
        )
    except Refused as refusal:
        if unit_row is None:
            refusal.unit_id = None
        raise


def unit_plan(session: Session, unit_id: int, year: int | None = None) -> Plan | None:
    """The unit's plan for ``year`` (else its latest plan), or None when it has none."""
    try:
        from application.occurrences import plan_of_year

        row = plan_of_year(session, unit_id, year)
    except NotFoundError:
        if year is None:
            return None
        return unit_plan(session, unit_id)
    return read_plan_record(row, session=session)


# --- reading users' files ---------------------------------------------------------------------


def read_text(path: Path) -> str:
    """A user's file as text (UTF-8, with or without a byte-order mark)."""
    if not path.is_file():
        raise NotFoundError("error.file_not_found", path=path)
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            [
                Problem(
                    "unreadable",
                    file=str(path),
                    params={"detail": f"not UTF-8 at byte {exc.start}"},
                )
            ]
        ) from exc


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class FrameworkSource:
    """A framework file's text and the code it declares."""

    path: Path
    code: str | None
    text: str


def _declared(text: str, file: str, section: str, key: str) -> str | None:
    """``<section>.<key>`` of a YAML file, read without checking the rest."""
    data = parse(text, file).data
    if isinstance(data, dict) and isinstance(data.get(section), dict):
        value = data[section].get(key)
        return None if value is None else str(value)
    return None


def framework_sources(paths: Iterable[Path]) -> dict[str, FrameworkSource]:
    """Frameworks by code from ``paths``; later paths win over earlier ones."""
    out: dict[str, FrameworkSource] = {}
    for path in paths:
        text = read_text(path)
        code = _declared(text, str(path), "framework", "code")
        if code is not None:
            out[code] = FrameworkSource(path, code, text)
    return out


def check_framework(source: FrameworkSource, plan_targets: set[str] | None = None) -> Framework:
    return read_framework(source.text, str(source.path), targets=plan_targets)


def check_plan(path: Path, frameworks: dict[str, Framework | None]) -> Plan:
    """Read a plan, checking its criteria against its framework when that is known.

    ``frameworks`` maps codes to frameworks; a code mapped to None exists but is itself
    invalid (its own problems are reported separately), so criteria are not checked.
    """
    text = read_text(path)
    fw_code = _declared(text, str(path), "plan", "framework")
    if fw_code is None:
        return read_plan(text, str(path), criteria=None)
    if fw_code not in frameworks:
        return read_plan(text, str(path), criteria=None, framework_known=False)
    fw = frameworks[fw_code]
    return read_plan(text, str(path), criteria=fw.codes() if fw else None)


# --- validating (no database) -----------------------------------------------------------------


@dataclass(frozen=True)
class FileCheck:
    """One file's problems (none: valid)."""

    file: str
    problems: tuple[Problem, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.problems

    def as_dict(self, lang: Lang = "vi") -> dict[str, Any]:
        return {
            "file": self.file,
            "valid": self.valid,
            "problems": [p.as_dict(lang) for p in self.problems],
        }


@dataclass(frozen=True)
class Validation:
    """Every checked file, in the order checked."""

    files: tuple[FileCheck, ...]

    @property
    def valid(self) -> bool:
        return all(f.valid for f in self.files)

    def as_dict(self, lang: Lang = "vi") -> dict[str, Any]:
        return {"valid": self.valid, "files": [f.as_dict(lang) for f in self.files]}


def _problems(fn: Any, *args: Any) -> tuple[Any, tuple[Problem, ...]]:
    try:
        return fn(*args), ()
    except InvalidInput as exc:
        return None, tuple(exc.problems)


def _unreadable(path: Path, exc: CchcError, lang: Lang) -> tuple[Problem, ...]:
    return (Problem("unreadable", file=str(path), params={"detail": exc.render(lang)}),)


def validate(
    plans: Sequence[Path],
    frameworks: Sequence[Path] = (),
    *,
    plan_targets_from: Sequence[Path] = (),
    lang: Lang = "vi",
) -> Validation:
    """Check ``plans`` (against their frameworks: bundled or among ``frameworks``) and
    ``frameworks`` (whose rules may name the targets of the plans ``plan_targets_from``)."""
    outcomes: list[FileCheck] = []
    pool: dict[str, FrameworkSource] = {}
    readable: list[Path] = []
    for path in [*bundled_frameworks(), *frameworks]:
        try:
            pool.update(framework_sources([path]))
            readable.append(path)
        except CchcError as exc:
            outcomes.append(FileCheck(str(path), _unreadable(path, exc, lang)))

    targets: set[str] | None = None
    for path in plan_targets_from:
        plan, _ = _problems(read_plan, read_text(path), str(path))
        if plan is not None:
            targets = (targets or set()) | {t.code for t in plan.targets}

    checked: dict[str, Framework | None] = {}
    for code, source in pool.items():
        fw, problems = _problems(check_framework, source, targets)
        checked[code] = fw
        if source.path in frameworks:
            outcomes.append(FileCheck(str(source.path), problems))
    for path in frameworks:
        if path in readable and not any(s.path == path for s in pool.values()):
            _, problems = _problems(
                check_framework, FrameworkSource(path, None, read_text(path)), targets
            )
            outcomes.append(FileCheck(str(path), problems))

    for path in plans:
        try:
            _, problems = _problems(check_plan, path, checked)
        except CchcError as exc:
            problems = _unreadable(path, exc, lang)
        outcomes.append(FileCheck(str(path), problems))
    return Validation(tuple(outcomes))


# --- loading ----------------------------------------------------------------------------------


def plan_for_load(path: Path, *, session: Session) -> tuple[Plan, Framework | None, Path | None]:
    """The checked plan, and its framework when that must be loaded from the bundled files.

    A framework already in the database is used to check the plan's criteria codes;
    otherwise a bundled framework with the plan's code is checked and returned.
    """
    from storage.frameworks import framework_codes, read_framework_record

    in_db = set(framework_codes(session=session))
    text_pool = framework_sources(bundled_frameworks())
    frameworks: dict[str, Framework | None] = {code: None for code in text_pool}
    wanted = _declared(read_text(path), str(path), "plan", "framework")
    to_load: tuple[Framework | None, Path | None] = (None, None)
    if wanted is not None and wanted in in_db:
        frameworks[wanted] = read_framework_record(wanted, session=session)
    elif wanted is not None and wanted in text_pool:
        source = text_pool[wanted]
        fw = check_framework(source)
        frameworks[wanted] = fw
        to_load = (fw, source.path)
    plan = check_plan(path, frameworks)
    return plan, *to_load


@dataclass(frozen=True)
class PlanLoaded:
    """What ``plan load`` did: the plan's counts, the bundled framework loaded with it (if
    any), how many open occurrences moved to a new lead; nothing was kept on a dry run."""

    report: LoadReport
    framework: str | None = None
    framework_path: str | None = None
    framework_counts: dict[str, int] | None = None
    rerouted: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.report.as_dict(),
            "framework_loaded": self.framework_counts,
            "rerouted": self.rerouted,
            "dry_run": self.dry_run,
        }


def load_plan(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    path: Path,
    unit: str | None = None,
    dry_run: bool = False,
    after_load: Callable[[Session, LoadReport], None] | None = None,
) -> PlanLoaded:
    """Load (or revise) the plan in ``path`` for its unit (or ``unit``), with its bundled
    framework when the database has none; then re-route open work the revision moved.
    ``after_load`` runs in the same transaction once the plan is stored (the web's preview
    schedules the plan's occurrences again there, to show which deadlines move)."""
    from application.frozen import FrozenInputs
    from application.occurrences import reroute_unit
    from storage.frameworks import load_framework as store_framework
    from storage.origins import forget_origin
    from storage.plans import load_plan as store_plan
    from storage.units import get_unit

    with uow as session:
        plan, fw, fw_path = plan_for_load(path, session=session)
        if plan.is_template:
            raise LocalizedError("error.template_not_loadable", file=str(path), code=plan.code)
        code = unit or plan.unit.code
        try:
            unit_row: UnitRecord | None = get_unit(code, session=session)
        except NotFoundError:
            unit_row = None  # a new unit: nobody holds a position in it yet
        authorize(
            session, identity, now, unit_row, "plan.load", entity="plan", key=plan.code, plan=plan
        )
        actor = identity.audit_name
        frozen = FrozenInputs.take(session, [unit_row.id or 0] if unit_row else [], now)
        fw_counts = None
        if fw is not None and fw_path is not None:
            fw_counts = store_framework(
                fw, session=session, actor=actor, now=now, sha256=sha256(fw_path)
            )
        report = store_plan(
            plan, session=session, actor=actor, now=now, unit_code=unit, sha256=sha256(path)
        )
        stored = get_unit(report.unit, session=session)
        forget_origin(
            find_plan(session=session, unit_id=stored.id or 0, code=plan.code),
            session=session,
            actor=actor,
            now=now,
        )
        rerouted = reroute_unit(session, stored.id or 0, actor=actor, now=now)
        if after_load is not None:
            after_load(session, report)
        frozen.check(session, change=f"plan load {path.name}")
        if dry_run:
            session.rollback()
    return PlanLoaded(
        report,
        fw.code if fw_counts is not None and fw is not None else None,
        str(fw_path) if fw_counts is not None else None,
        fw_counts,
        rerouted,
        dry_run,
    )


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanListed:
    unit: str
    code: str
    year: int
    title: str

    def as_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "code": self.code, "year": self.year, "title": self.title}


def list_plans(uow: UnitOfWork) -> list[PlanListed]:
    """Every loaded plan, by unit and year."""
    with uow as session:
        rows = session.exec(
            select(PlanRecord, UnitRecord)
            .join(UnitRecord)
            .order_by(col(UnitRecord.code), col(PlanRecord.year))
        ).all()
        return [PlanListed(u.code, p.code, p.year, p.title) for p, u in rows]


@dataclass(frozen=True)
class PlanShown:
    """A stored plan and its summary (targets, areas, tasks), and the progress of its
    occurrences at ``now`` in the five categories (None before any was scheduled)."""

    plan: Plan
    summary: dict[str, Any]
    progress: Progress | None = None
    origin: Origin | None = None  # the template and overlay a derived plan came from

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.summary,
            "progress": self.progress.as_dict() if self.progress else None,
            "origin": self.origin.as_dict() if self.origin else None,
        }


def show_plan(
    uow: UnitOfWork,
    *,
    plan: str | None = None,
    unit: str | None = None,
    lang: Lang = "vi",
    now: dt.datetime | None = None,
) -> PlanShown:
    """The plan ``plan`` (or the latest) of ``unit`` (or the only unit with a plan); with
    ``now``, the progress of the unit's occurrences of that plan so far."""
    from application.occurrences import progress_item
    from models import Occurrence
    from storage.origins import origin_of

    with uow as session:
        _, plan_row, stored = current_plan(session, unit, plan)
        progress = None
        if now is not None:
            rows = session.exec(select(Occurrence).where(Occurrence.plan_id == plan_row.id)).all()
            if rows:
                progress = summarize((progress_item(o, stored.timezone) for o in rows), now)
        origin = origin_of(plan_row.id or 0, session=session)
    return PlanShown(stored, plan_summary(stored, lang), progress, origin)


# --- frameworks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameworkLoaded:
    framework: str
    path: str
    counts: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"framework": self.framework, "counts": self.counts}


def load_framework(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, path: Path, unit: str | None = None
) -> FrameworkLoaded:
    """Load (or revise) the framework in ``path``. Frameworks are shared by the installation:
    the policy is asked for ``unit`` (or the only unit; the operator while there is none)."""
    from storage.frameworks import load_framework as store_framework

    fw = check_framework(FrameworkSource(path, None, read_text(path)))
    with uow as session:
        authorize(
            session,
            identity,
            now,
            installation_unit(session, unit),
            "framework.load",
            entity="framework",
            key=fw.code,
        )
        counts = store_framework(
            fw, session=session, actor=identity.audit_name, now=now, sha256=sha256(path)
        )
    return FrameworkLoaded(fw.code, str(path), counts)


def show_framework(uow: UnitOfWork, *, code: str | None = None) -> Framework:
    """The framework ``code`` (by default the last one loaded)."""
    from storage.frameworks import framework_codes, read_framework_record

    with uow as session:
        codes = framework_codes(session=session)
        if code is None:
            if not codes:
                raise NotFoundError("error.framework_not_found", code="—")
            code = codes[-1]
        return read_framework_record(code, session=session)
