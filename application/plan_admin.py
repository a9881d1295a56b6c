"""Kế hoạch and Lịch làm việc in the browser: the plans as read, an uploaded plan or framework
checked and previewed before it is loaded, and the working-day calendar changed with the
deadlines it moves.

An upload is kept under the installation's home, named by the SHA-256 of its bytes: the
preview names that hash and the confirmation loads exactly that file (the bytes are hashed
again before loading). A preview is the load itself — the plan stored, its year's
occurrences scheduled again — in a transaction that is rolled back; the confirmation does the
same and keeps it. The policy (``plan.load``, ``framework.load``, ``calendar.edit``) is asked
before a file or a form is read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from application.access import Identity
from application.messages import t
from application.plans import authorize, installation_unit
from application.rescheduling import (
    OccurrenceChange,
    changes_between,
    reschedule,
    scheduled,
    snapshot,
)
from application.uow import UnitOfWork
from domain.errors import CchcError, InvalidInput, LocalizedError, NotFoundError
from domain.i18n import Lang
from domain.plan import Plan
from models import PlanRecord, UnitRecord

KINDS = ("plan", "framework")


class PlanAdminError(LocalizedError):
    """A form of these pages that cannot be done as filled in: worded in the application's
    catalogue (``plans.*``); 422."""

    def render(self, lang: Lang = "vi") -> str:
        return t(self.key, lang, **self.params)


SHA = re.compile(r"^[0-9a-f]{64}$")
UPLOADS = "plan-uploads"
KEPT_SECONDS = 7 * 24 * 3600

# --- reading the plans ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanLine:
    """One task as the plan's table reads it: STT, content, lead, support, time, products."""

    number: int
    code: str
    title: str
    lead: str
    support: tuple[str, ...]
    timing: str
    products: tuple[str, ...]


@dataclass(frozen=True)
class PlanArea:
    code: str
    title: str
    lines: tuple[PlanLine, ...]


@dataclass(frozen=True)
class PlansOverview:
    """Every loaded plan; the current plan's table by area and its responsibility matrix
    (positions named)."""

    plans: tuple[Any, ...]
    plan: Plan | None = None
    areas: tuple[PlanArea, ...] = ()
    matrix: Any = None
    positions: tuple[tuple[str, str], ...] = ()


def _timing(task: Any, lang: Lang) -> str:
    s = task.schedule
    every = t(f"every.{s.every}", lang) if s.every else t("every.rrule", lang)
    due = s.due
    if due.date is not None:
        when = t("plans.due_date", lang, date=f"{due.date:%d/%m/%Y}")
    elif due.month_day is not None:
        when = t("plans.due_month_day", lang, n=due.month_day)
    elif due.working_days is not None:
        when = t("plans.due_working_days", lang, n=due.working_days)
    elif due.before_end_working_days is not None:
        when = t("plans.due_before_end", lang, n=due.before_end_working_days)
    else:
        when = ""
    return f"{every}; {when}" if when else every


def plans_overview(uow: UnitOfWork, *, lang: Lang = "vi", unit: str | None = None) -> PlansOverview:
    """The plans (``cchc plan list``), the latest plan's table and matrix (``cchc matrix``)."""
    from application.people import matrix
    from application.plans import list_plans

    listed = tuple(list_plans(uow))
    if not listed:
        return PlansOverview(listed)
    try:
        shown = matrix(uow, unit=unit, lang=lang)
    except NotFoundError:
        return PlansOverview(listed)
    plan = shown.plan

    def name(code: str) -> str:
        for r in plan.roles:
            if r.code == code:
                return r.title_en if lang == "en" and r.title_en else r.title
        return code

    areas: list[PlanArea] = []
    number = 0
    for area in plan.areas:
        lines = []
        for task in (x for x in plan.tasks if x.area == area.code):
            number += 1
            lines.append(
                PlanLine(
                    number,
                    task.code,
                    task.title_en if lang == "en" and task.title_en else task.title,
                    name(task.lead),
                    tuple(name(s) for s in task.support),
                    _timing(task, lang),
                    tuple(e.name for e in task.evidence),
                )
            )
        if lines:
            title = area.title_en if lang == "en" and area.title_en else area.title
            areas.append(PlanArea(area.code, title, tuple(lines)))
    positions = tuple((code, name(code)) for code in shown.matrix.positions)
    return PlansOverview(listed, plan, tuple(areas), shown.matrix, positions)


def may(uow: UnitOfWork, identity: Identity, now: dt.datetime, action: str) -> bool:
    """Whether the policy lets ``identity`` do ``action`` (``plan.load``, ``framework.load``,
    ``calendar.edit``) in its unit today — what the page asks before offering a form."""
    from application.access import Refused

    try:
        with uow as session:
            _ask(session, identity, now, action)
            session.rollback()
    except Refused:
        return False
    except CchcError:
        return False
    return True


def _ask(session: Session, identity: Identity, now: dt.datetime, action: str) -> None:
    """Ask the policy for ``action`` in the officer's unit (``Refused`` when it says no)."""
    entity = {"plan.load": "plan", "framework.load": "framework"}.get(action, "calendar_override")
    authorize(session, identity, now, _unit(session, identity, now), action, entity=entity, key="-")


def _unit(session: Session, identity: Identity, now: dt.datetime) -> UnitRecord | None:
    """The signed-in officer's own unit, else the only unit with a plan (None: no unit yet)."""
    if identity.kind == "officer":
        from storage.identity import officer_in_post

        officer = officer_in_post(identity.name, session=session, now=now)
        found = session.get(UnitRecord, officer.unit_id) if officer is not None else None
        if found is not None:
            return found
    return installation_unit(session, None)


# --- uploads ---------------------------------------------------------------------------------


def _folder(home: Path) -> Path:
    return home / UPLOADS


def stage(home: Path, data: bytes) -> str:
    """Keep ``data`` under ``home`` named by its SHA-256; returns the hash."""
    import time

    digest = hashlib.sha256(data).hexdigest()
    folder = _folder(home)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.yaml"):  # uploads previewed and left a week ago
        if old.stat().st_mtime < time.time() - KEPT_SECONDS:
            old.unlink(missing_ok=True)
    path = folder / f"{digest}.yaml"
    if not path.exists():
        tmp = folder / f"{digest}.tmp"
        tmp.write_bytes(data)
        tmp.replace(path)
    return digest


def staged(home: Path, digest: str) -> Path:
    """The kept upload named ``digest``, its bytes hashed again; NotFound when it is not kept
    (or no longer has that hash)."""
    path = _folder(home) / f"{digest}.yaml"
    if not SHA.match(digest) or not path.is_file():
        raise NotFoundError("error.file_not_found", path=digest)
    if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
        raise NotFoundError("error.file_not_found", path=digest)
    return path


@dataclass(frozen=True)
class Preview:
    """What loading an uploaded file would change — or did, once ``loaded``."""

    kind: str
    file: str
    digest: str
    problems: tuple[dict[str, Any], ...] = ()
    code: str = ""
    unit: str = ""
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    framework_loaded: str | None = None
    rerouted: int = 0
    occurrences: tuple[OccurrenceChange, ...] = ()
    loaded: bool = False

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def moves(self) -> tuple[OccurrenceChange, ...]:
        """The occurrences moved or cancelled (new ones are only counted)."""
        return tuple(o for o in self.occurrences if o.kind != "created")

    @property
    def created(self) -> int:
        return sum(1 for o in self.occurrences if o.kind == "created")

    @property
    def changed(self) -> bool:
        return bool(
            any(
                c.get("created") or c.get("updated") or c.get("archived")
                for c in self.counts.values()
            )
            or self.occurrences
            or self.rerouted
        )


def _problems(problems: Any, file: str, lang: Lang) -> tuple[dict[str, Any], ...]:
    out = []
    for p in problems:
        d = p.as_dict(lang)
        d["file"] = file
        out.append(d)
    return tuple(out)


def preview(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    home: Path,
    kind: str,
    file_name: str,
    data: bytes,
    lang: Lang = "vi",
) -> Preview:
    """Check an uploaded plan or framework and show what loading it would change (nothing is
    kept but the file, under its hash)."""
    _may_load(uow, identity, now, kind)
    if not data:
        raise PlanAdminError("plans.empty_file")
    digest = stage(home, data)
    return _run(
        uow, identity, now, home=home, kind=kind, file_name=file_name, digest=digest, lang=lang
    )


def confirm(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    home: Path,
    kind: str,
    file_name: str,
    digest: str,
    lang: Lang = "vi",
) -> Preview:
    """Load the upload previewed under ``digest``, exactly those bytes."""
    _may_load(uow, identity, now, kind)
    return _run(
        uow,
        identity,
        now,
        home=home,
        kind=kind,
        file_name=file_name,
        digest=digest,
        lang=lang,
        keep=True,
    )


def _may_load(uow: UnitOfWork, identity: Identity, now: dt.datetime, kind: str) -> None:
    """The policy asked (``plan.load`` or ``framework.load``), then the kind of file checked."""
    action = "framework.load" if kind == "framework" else "plan.load"
    with uow as session:
        _ask(session, identity, now, action)
    if kind not in KINDS:
        raise PlanAdminError("plans.bad_choice", value=kind)


def _run(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    home: Path,
    kind: str,
    file_name: str,
    digest: str,
    lang: Lang,
    keep: bool = False,
) -> Preview:
    from application.plans import validate

    path = staged(home, digest)
    name = Path(file_name).name or digest
    if kind == "framework":
        checked = validate([], [path], lang=lang)
    else:
        checked = validate([path], lang=lang)
    problems = [p for f in checked.files for p in f.problems]
    if problems:
        return Preview(kind, name, digest, _problems(problems, name, lang))
    try:
        if kind == "framework":
            return _framework(uow, identity, now, path, name, digest, keep=keep)
        return _plan(uow, identity, now, path, name, digest, keep=keep)
    except InvalidInput as exc:
        return Preview(kind, name, digest, _problems(exc.problems, name, lang))


def _plan(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    path: Path,
    name: str,
    digest: str,
    *,
    keep: bool,
) -> Preview:
    from application.plans import load_plan
    from storage.units import get_unit

    changes: tuple[OccurrenceChange, ...] = ()

    def schedule(session: Session, report: Any) -> None:
        nonlocal changes
        stored = get_unit(report.unit, session=session)
        rows = list(session.exec(select(PlanRecord).where(PlanRecord.unit_id == stored.id)))
        ids = [r.id or 0 for r in rows]
        before = snapshot(session, ids)
        # only plans already scheduled are scheduled again (as the nightly job would)
        reschedule(session, scheduled(session, rows), actor=identity.audit_name, now=now)
        session.flush()
        changes = changes_between(before, snapshot(session, ids))

    loaded = load_plan(uow, identity, now, path=path, dry_run=not keep, after_load=schedule)
    return Preview(
        "plan",
        name,
        digest,
        code=loaded.report.plan,
        unit=loaded.report.unit,
        counts=loaded.report.counts,
        framework_loaded=loaded.framework,
        rerouted=loaded.rerouted,
        occurrences=changes,
        loaded=keep,
    )


def _framework(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    path: Path,
    name: str,
    digest: str,
    *,
    keep: bool,
) -> Preview:
    from application.plans import FrameworkSource, check_framework, read_text, sha256
    from storage.frameworks import load_framework as store_framework

    fw = check_framework(FrameworkSource(path, None, read_text(path)))
    with uow as session:
        authorize(
            session,
            identity,
            now,
            _unit(session, identity, now),
            "framework.load",
            entity="framework",
            key=fw.code,
        )
        counts = store_framework(
            fw, session=session, actor=identity.audit_name, now=now, sha256=sha256(path)
        )
        if not keep:
            session.rollback()
    tally = {
        "created": counts.get("created", 0),
        "updated": counts.get("updated", 0),
        "archived": counts.get("removed", 0),
    }
    return Preview(
        "framework", name, digest, code=fw.code, counts={"criterion": tally}, loaded=keep
    )


# --- the working-day calendar -----------------------------------------------------------------


@dataclass(frozen=True)
class GridDay:
    date: dt.date
    working: bool
    kind: str  # "working" | "weekend" | "holiday" | "override" | "make_up"
    reason: str = ""


@dataclass(frozen=True)
class GridMonth:
    month: int
    weeks: tuple[tuple[GridDay | None, ...], ...]


@dataclass(frozen=True)
class CalendarGrid:
    year: int
    working_days: int
    months: tuple[GridMonth, ...]
    days: tuple[Any, ...]  # the holidays and overrides, as ``cchc calendar show``


def calendar_grid(uow: UnitOfWork, *, year: int, lang: Lang = "vi") -> CalendarGrid:
    """The year's days month by month (weeks from Monday), each working or not and why."""
    import calendar as cal_module

    from application.administration import calendar_year

    shown = calendar_year(uow, year=year, lang=lang)
    special = {d.date: d for d in shown.days}
    months = []
    for month in range(1, 13):
        weeks = []
        for week in cal_module.Calendar(0).monthdatescalendar(year, month):
            row: list[GridDay | None] = []
            for day in week:
                if day.month != month:
                    row.append(None)
                elif day in special:
                    s = special[day]
                    row.append(GridDay(day, s.working, s.kind, s.reason))
                elif day.weekday() >= 5:
                    row.append(GridDay(day, False, "weekend"))
                else:
                    row.append(GridDay(day, True, "working"))
            weeks.append(tuple(row))
        months.append(GridMonth(month, tuple(weeks)))
    return CalendarGrid(year, shown.working_days, tuple(months), shown.days)


@dataclass(frozen=True)
class CalendarChanged:
    day: dt.date
    change: str  # "off" | "working" | "clear"
    reason: str
    done: bool
    moved: tuple[OccurrenceChange, ...] = ()


CHANGES = ("off", "working", "clear")


def change_calendar(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    day: str,
    change: str,
    reason: str = "",
) -> CalendarChanged:
    """Make ``day`` an extra day off, a make-up working day (with its legal source), or an
    ordinary day again (``cchc calendar set/clear``); the open deadlines of the plans of that
    year (and the year before) are found again and those that moved are returned."""
    from responsibilities.roster import parse_date
    from storage.calendar import clear_override, set_override

    with uow as session:
        authorize(
            session,
            identity,
            now,
            _unit(session, identity, now),
            "calendar.edit",
            entity="calendar_override",
            key=day,
        )
        parsed = parse_date(day.strip()) if day.strip() else None
        if parsed is None:
            raise LocalizedError("error.bad_date", value=day)
        if change not in CHANGES:
            raise PlanAdminError("plans.bad_choice", value=change)
        if change != "clear" and not reason.strip():
            raise PlanAdminError("plans.reason_required")
        # a day early in a year may hold deadlines of the year before's last periods
        years = (parsed.year - 1, parsed.year)
        plans = list(session.exec(select(PlanRecord).where(col(PlanRecord.year).in_(years))))
        ids = [p.id or 0 for p in plans]
        before = snapshot(session, ids)
        actor = identity.audit_name
        if change == "clear":
            done = clear_override(parsed, session=session, actor=actor, now=now)
        else:
            set_override(
                parsed, change == "working", reason.strip(), session=session, actor=actor, now=now
            )
            done = True
        session.flush()
        reschedule(session, scheduled(session, plans), actor=actor, now=now)
        session.flush()
        moved = changes_between(before, snapshot(session, ids))
    return CalendarChanged(parsed, change, reason.strip(), done, moved)
