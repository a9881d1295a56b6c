"""One-stop dossiers and KPIs — "hồ sơ một cửa", "chỉ số", "chỉ tiêu".

Use cases: importing the one-stop system's export (all or nothing), the KPIs against the
plan's targets, and the measurements officers record by hand for targets no export feeds.
The late dossiers and apology slips are in ``application.late_dossiers``; the procedure
catalogue in ``application.procedures``.

Who may: ``dossier.import`` — the one-stop desk, the CCHC officer, the chairman, or the
installation's operator (scripts import exports), checked for every unit the file names;
``measure.set`` — the CCHC officer, the chairman, or the position owning the target in the
plan (a measurement is a claim an officer answers for: the operator may not). The KPIs and
the measurements only read.

Local days and times are in the unit's plan time zone (``plan.timezone``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from application.access import Gate, Identity
from application.frozen import FrozenInputs
from application.plans import unit_plan
from application.uow import UnitOfWork
from domain.clock import local_moment, local_today, require_aware
from domain.dossier_columns import Vocabulary, read_vocabulary
from domain.errors import InvalidInput, NotFoundError, Problem
from domain.kpi import (
    MAX_MEASUREMENT,
    MAX_RATIO,
    TargetResult,
    check_measurement,
    evaluate_kpi,
    evaluate_manual,
)
from domain.plan import Plan, Target
from models import UnitRecord
from plans import DOSSIER_COLUMNS
from responsibilities.policy import Subject
from storage.audit import record
from storage.dossiers import (
    BATCH,
    check_file,
    file_sha256,
    known_units,
    measurements,
    record_measurement,
    write_file,
)
from storage.kpi_inputs import KpiReport
from storage.kpi_inputs import kpis as kpi_report
from storage.plans import find_plan, unit_timezone
from storage.units import resolve_unit

Period = tuple[dt.date, dt.date]


def default_period(session: Session, unit_id: int, now: dt.datetime) -> Period:
    """The year of the unit's latest plan, else the unit's current year."""
    try:
        year = find_plan(session=session, unit_id=unit_id).year
    except NotFoundError:
        year = local_today(now, unit_timezone(session=session, unit_id=unit_id)).year
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --- importing ---------------------------------------------------------------------------


def vocabulary(mapping: Path | None = None) -> Vocabulary:
    """The export's words: the bundled ``plans/dossier-columns.yaml``, extended by the unit's
    ``mapping`` file (same shape; its words win), checked with located problems."""
    bundled = read_vocabulary(DOSSIER_COLUMNS.read_text(encoding="utf-8"), DOSSIER_COLUMNS.name)
    if mapping is None:
        return bundled
    try:
        text = mapping.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) else f"not UTF-8 ({exc.reason})"
        raise InvalidInput(
            [Problem("unreadable", file=str(mapping), params={"detail": detail})],
            source=str(mapping),
        ) from None
    return bundled.extended(read_vocabulary(text, str(mapping)))


@dataclass(frozen=True)
class ImportReport:
    """What one import did."""

    file: str
    rows: int
    created: int
    updated: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "sha256": self.sha256,
        }


def import_dossiers(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    path: Path,
    unit: str | None = None,
    batch: int = BATCH,
    mapping: Path | None = None,
) -> ImportReport:
    """``cchc dossiers import``: a dossier export (CSV or XLSX), all or nothing; idempotent
    by unit + ``ma_ho_so``.

    Every row is checked first (:class:`~domain.dossiers.DossierFileInvalid` lists every
    problem); then ``identity`` must be allowed ``dossier.import`` for every unit the file
    names; only then is the file read again and written, with one audit entry. With
    ``unit``, the file may hold only that unit's dossiers. Headers and labels may be the
    export's Vietnamese words (:func:`vocabulary`, extended by ``mapping``) or codes.
    """
    require_aware(now)
    words = vocabulary(mapping)
    with uow as session:
        units = known_units(session=session)
        allowed: set[str] = set()

        def allow(code: str) -> None:
            if code in allowed:
                return
            unit_id = units.ids[code]
            Gate.load(session, unit_id, unit_plan(session, unit_id)).check(
                identity,
                "dossier.import",
                Subject(),
                on=local_today(now, units.timezone(code)),
                entity="dossier_file",
                key=path.name,
            )
            allowed.add(code)

        only = resolve_unit(unit, session=session).code if unit else None
        if only:
            allow(only)  # before reading a file that would be refused anyway
        named = check_file(path, units=units, only=only, vocabulary=words)
        codes = named or [only or resolve_unit(None, session=session).code]
        for code in codes:
            allow(code)
        frozen = FrozenInputs.take(session, [units.ids[c] for c in codes], now)
        rows, created = write_file(
            path, session=session, units=units, only=only, batch=batch, vocabulary=words
        )
        frozen.check(session, change=f"dossiers import {path.name}")
        report = ImportReport(
            file=path.name,
            rows=rows,
            created=created,
            updated=rows - created,
            sha256=file_sha256(path),
        )
        record(
            session=session,
            actor=identity.audit_name,
            now=now,
            action="import",
            entity="dossier_file",
            key=path.name,
            unit_id=units.ids[named[0]] if len(named) == 1 else None,
            after=report.as_dict(),
        )
    return report


# --- KPIs and targets --------------------------------------------------------------------


@dataclass(frozen=True)
class TargetLine:
    """A plan target with its verdict, for reports."""

    title: str
    title_en: str
    result: TargetResult
    scope: Mapping[str, object] = field(default_factory=dict)
    target: Target | None = None  # the plan's target, for its wording

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.result.as_dict(),
            "title": self.title,
            "title_en": self.title_en,
            "scope": dict(self.scope),
        }


def target_results(
    plan: Plan,
    report: KpiReport,
    measured: Mapping[str, float],
    previous: Mapping[str, float] | None = None,
) -> list[TargetLine]:
    """Each plan target met / not met / no data: KPI targets from the report, manual ones
    from ``measured`` (measurement code = target code; ``previous``: the year before's, for
    targets compared with the previous year)."""
    out = []
    for target in plan.targets:
        if target.metric == "manual":
            before = (previous or {}).get(target.code)
            result = evaluate_manual(target, measured.get(target.code), before)
        else:
            result = evaluate_kpi(target, report.kpis[target.metric])
        out.append(TargetLine(target.title, target.title_en, result, dict(target.scope), target))
    return out


@dataclass(frozen=True)
class KpiResult:
    """The KPIs of a unit over a period and the plan's targets judged against them."""

    unit: str
    unit_name: str
    timezone: str
    report: KpiReport
    targets: list[TargetLine]
    predecessors: tuple[str, ...] = ()
    """The units merged into this one whose dossiers count too (``--with-predecessors``)."""

    @property
    def today(self) -> dt.date:
        """The day the report was made, in the unit's time zone."""
        return local_today(self.report.now, self.timezone)

    def as_dict(self) -> dict[str, Any]:
        out = {
            "unit": self.unit,
            **self.report.as_dict(),
            "targets": [line.as_dict() for line in self.targets],
        }
        if self.predecessors:
            out["predecessors"] = list(self.predecessors)
        return out


def kpis(
    uow: UnitOfWork,
    now: dt.datetime,
    *,
    unit: str | None = None,
    period: Period | None = None,
    with_predecessors: bool = False,
) -> KpiResult:
    """``cchc kpi``: the one-stop KPIs over ``period`` (by default the year of the unit's
    latest plan) and that year's plan targets, manual ones from the measurements;
    ``with_predecessors``: the dossiers of the units merged into it (that existed in the
    period's year) count too."""
    from application.units import history_ids

    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        first, last = period or default_period(session, uid, now)
        plan = unit_plan(session, uid, first.year)
        if plan is None:
            raise NotFoundError("error.no_plan")
        also = history_ids(session, unit_row, first.year)[1:] if with_predecessors else []
        report = kpi_report(
            session=session,
            unit_id=uid,
            start=first,
            end=last,
            now=now,
            timezone=plan.timezone,
            also=also,
        )
        measured = {
            m.code: m.value for m in measurements(session=session, unit_id=uid, year=first.year)
        }
        previous = {
            m.code: m.value for m in measurements(session=session, unit_id=uid, year=first.year - 1)
        }
        return KpiResult(
            unit=unit_row.code,
            unit_name=unit_row.name or unit_row.code,
            timezone=plan.timezone,
            report=report,
            targets=target_results(plan, report, measured, previous),
            predecessors=tuple(_codes(session, also)),
        )


def _codes(session: Session, ids: Sequence[int]) -> list[str]:
    rows = [session.get(UnitRecord, i) for i in ids]
    return [r.code for r in rows if r is not None]


# --- manual measurements ------------------------------------------------------------------


@dataclass(frozen=True)
class MeasurementSet:
    """A measurement recorded by ``recorded_by``."""

    code: str
    year: int
    value: float
    note: str
    recorded_by: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "year": self.year, "value": self.value, "note": self.note}


def set_measurement(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    code: str,
    value: float,
    year: int,
    note: str = "",
    unit: str | None = None,
) -> MeasurementSet:
    """``cchc measure set``: the number for ``code`` in ``year`` (replacing an earlier one),
    by the CCHC officer, the chairman or the position owning the target in ``year``'s plan."""
    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        plan = _plan_measuring(session, uid, year, code)
        target = next((t for t in plan.targets if t.code == code), None)
        measures = _framework_measures(session, plan)
        if target is None and code not in measures:
            known = sorted(t.code for t in plan.targets) + sorted(measures)
            raise NotFoundError("error.unknown_measurement", code=code, known=", ".join(known))
        check_measurement(code, value, high=_highest(target, code))
        timezone = plan.timezone
        actor = Gate.load(session, uid, plan).check(
            identity,
            "measure.set",
            Subject(task=code, owner=target.owner if target else None),
            on=local_today(now, timezone),
            entity="measurement",
            key=f"{year}:{code}",
        )
        frozen = FrozenInputs.take(session, [uid], now)
        record_measurement(
            code,
            value,
            session=session,
            unit_id=uid,
            year=year,
            note=note,
            actor=actor.identity,
            now=now,
        )
        frozen.check(session, change=f"measure set {code} --year {year}")
        return MeasurementSet(code, year, value, note, actor.identity)


def _plan_measuring(session: Session, unit_id: int, year: int, code: str) -> Plan:
    """The plan a measurement of ``code`` in ``year`` belongs to: ``year``'s own, or — for a
    target the next year's plan compares with the year before (``compare: previous_year``,
    such as "the 2020 index above 2019's") — the next year's, so last year's figure can be
    recorded where no plan of that year was loaded."""
    plan = unit_plan(session, unit_id, year)
    if plan is not None and plan.year == year:
        return plan
    following = unit_plan(session, unit_id, year + 1)
    if following is not None and following.year == year + 1:
        for target in following.targets:
            if target.code == code and target.compare == "previous_year":
                return following
    raise NotFoundError("error.no_plan_for_year", year=year)


def _highest(target: Target | None, code: str) -> float:
    """The largest value a measurement of ``code`` may take: a plan target in % is a share
    of a whole (at most 100); a framework measure named ``…_pct`` is a ratio in % that may
    pass 100 (revenue against the estimate); anything else is a count."""
    if target is not None:
        return 100.0 if target.unit == "%" else MAX_MEASUREMENT
    return MAX_RATIO if code.endswith("_pct") else MAX_MEASUREMENT


def _framework_measures(session: Session, plan: Plan) -> set[str]:
    """The ``measure`` and ``count`` codes the rules of the plan's framework read (a code
    ending in ``_pct`` is a percentage)."""
    if not plan.framework:
        return set()
    from storage.frameworks import read_framework_record

    try:
        fw = read_framework_record(plan.framework, session=session)
    except NotFoundError:
        return set()
    return {
        str(item.rule.input[kind])
        for item in fw.items()
        if item.rule.input
        for kind in ("measure", "count")
        if item.rule.input.get(kind)
    }


@dataclass(frozen=True)
class MeasurementView:
    """A recorded measurement; ``recorded_local`` is when, on the unit's wall clock."""

    code: str
    year: int
    value: float
    note: str
    recorded_by: str
    recorded_at: dt.datetime
    recorded_local: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "year": self.year,
            "value": self.value,
            "note": self.note,
            "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at.isoformat(),
        }


def list_measurements(
    uow: UnitOfWork, *, unit: str | None = None, year: int | None = None
) -> list[MeasurementView]:
    """``cchc measure list``: the measurements recorded, by year and code."""
    with uow as session:
        uid = resolve_unit(unit, session=session).id or 0
        timezone = unit_timezone(session=session, unit_id=uid)
        return [
            MeasurementView(
                m.code,
                m.year,
                m.value,
                m.note,
                m.recorded_by,
                m.recorded_at,
                local_moment(m.recorded_at, timezone),
            )
            for m in measurements(session=session, unit_id=uid, year=year)
        ]
