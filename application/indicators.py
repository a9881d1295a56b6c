"""Chỉ tiêu in the browser: the plan's targets against the one-stop KPIs (the same figures as
``cchc kpi``: :func:`application.dossiers.kpis`), each rate month by month, the fields side by
side, the late dossiers owed an apology slip, the manual measurements — and uploading an
export or the procedure catalogue through the same use cases as ``cchc dossiers import`` and
``cchc procedures import``.

Who may read: ``dossier.import`` — those who feed the KPIs read them: the one-stop desk, the
CCHC officer, the chairman (and the operator). ``cchc kpi`` asks nobody (whoever runs the
command line reads the database anyway); a page needs a rule, and ``completeness.read`` would
keep the one-stop desk, who imports the exports, from the figures it answers for. Writing asks
its own action: ``dossier.import`` (uploads), ``measure.set``, ``dossier.apology`` (the slip).
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, select

from application.access import Gate, Identity
from application.dossiers import (
    ImportReport,
    KpiResult,
    MeasurementView,
    default_period,
    import_dossiers,
    kpis,
    list_measurements,
)
from application.late_dossiers import LateDossiers, late_dossiers
from application.plans import unit_plan
from application.procedures import CatalogueImport, import_procedures
from application.tables import check_xlsx_size
from application.unit_view import Viewing, check_read
from application.units import unit_of
from application.uow import UnitOfWork
from domain.clock import local_today
from domain.kpi import KPIS, Rate, period_of, scope_fields
from domain.plan import Target
from models import Dossier
from responsibilities.policy import Subject, decide
from storage.kpi_inputs import kpis as kpi_report
from storage.plans import unit_timezone

R = TypeVar("R")
READ = "dossier.import"
WRITES = ("dossier.import", "measure.set", "dossier.apology")
SERIES = KPIS


@dataclass(frozen=True)
class Bucket:
    """One point of a chart: a month (``2020-03``) or a quarter (``2020-Q2``)."""

    key: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Series:
    """One KPI over the buckets of the period (None: no dossier to count), the plan's
    thresholds for it (target code, threshold), and each field's rate over the whole period
    with the threshold a target sets for that field."""

    metric: str
    values: list[Rate]
    targets: list[tuple[str, float]]
    fields: list[tuple[str, Rate, float | None]] = field(default_factory=list)


@dataclass(frozen=True)
class Indicators:
    """What the Chỉ tiêu page shows."""

    unit: str
    unit_name: str
    year: int
    quarter: int | None
    today: dt.date
    result: KpiResult
    buckets: list[Bucket]
    series: list[Series]
    late: LateDossiers
    measurements: list[MeasurementView]
    manual: list[Target]
    dossiers: int
    may: dict[str, bool]
    viewing: Viewing | None = None


def _unit(session: Session, identity: Identity, now: dt.datetime) -> tuple[int, str, dt.date]:
    row = unit_of(session, identity, None, now)
    uid = row.id or 0
    return uid, row.code, local_today(now, unit_timezone(session=session, unit_id=uid))


def require(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, action: str, *, target: str = ""
) -> str:
    """The code of ``identity``'s unit, once the policy lets them do ``action`` there
    (``Refused`` naming the rule otherwise): asked before a form's input is looked at. For
    ``measure.set``, ``target`` names the plan target whose owner may record it too."""
    with uow as session:
        uid, code, today = _unit(session, identity, now)
        plan = unit_plan(session, uid)
        owner = None
        if target and plan is not None:
            owner = next((t.owner for t in plan.targets if t.code == target), None)
        Gate.load(session, uid, plan).check(
            identity,
            action,
            Subject(task=target or None, owner=owner),
            on=today,
            entity="indicators",
            key=code,
        )
        return code


def _buckets(start: dt.date, end: dt.date) -> list[Bucket]:
    """The months from ``start`` to ``end``."""
    out = []
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        out.append(Bucket(f"{month:%Y-%m}", month, following - dt.timedelta(days=1)))
        month = following
    return out


def _field_thresholds(targets: list[Target], metric: str, fields: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for target in targets:
        if target.metric != metric or target.value is None or target.compare:
            continue
        covered = scope_fields(target, fields)
        for code in fields if covered is None else covered:
            out.setdefault(code, float(target.value))
    return out


def indicators(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    year: int | None = None,
    quarter: int | None = None,
    unit: str | None = None,
) -> Indicators:
    """The Chỉ tiêu page of ``identity``'s unit (or of ``unit``: another unit's is read-only,
    ``application.unit_view``) for ``year`` (the latest plan's by default) or one ``quarter``
    of it: ``cchc kpi``'s result, each KPI month by month, the late dossiers (``cchc dossiers
    late``) and the year's measurements (``cchc measure list``)."""
    with uow as session:
        row = unit_of(session, identity, unit, now)
        uid, code = row.id or 0, row.code
        today = local_today(now, unit_timezone(session=session, unit_id=uid))
        gate = Gate.load(session, uid, unit_plan(session, uid))
        viewing = check_read(
            session,
            identity,
            row,
            action=READ,
            now=now,
            on=today,
            gate=gate,
            entity="indicators",
            key=code,
            year=year,
        )
        actor = gate.actor(identity)
        may = {
            a: not viewing.read_only and decide(actor, a, Subject(), today, gate.holdings).allowed
            for a in WRITES
        }
        if year is None:
            year = default_period(session, uid, now)[0].year
        dossiers = int(
            session.exec(
                select(func.count()).select_from(Dossier).where(Dossier.unit_id == uid)
            ).one()
        )
    if quarter is not None:
        period = period_of(quarter=f"{year}-Q{quarter}")
    else:
        period = period_of(year=year)
    assert period is not None
    result = kpis(uow, now, unit=code, period=period)
    buckets = _buckets(*period)
    plan_targets = [line.target for line in result.targets if line.target is not None]
    with uow as session:
        monthly = [
            kpi_report(
                session=session,
                unit_id=uid,
                start=b.start,
                end=b.end,
                now=now,
                fields=False,
                timezone=result.timezone,
            )
            for b in buckets
        ]
        manual = [t for t in plan_targets if t.metric == "manual"]
    series = []
    for name in SERIES:
        kpi = result.report.kpis[name]
        thresholds = sorted(
            {
                (t.code, float(t.value))
                for t in plan_targets
                if t.metric == name and t.value is not None and not t.compare
            }
        )
        per_field = _field_thresholds(plan_targets, name, sorted(kpi.fields))
        series.append(
            Series(
                name,
                [m.kpis[name].overall for m in monthly],
                thresholds,
                [(f, r, per_field.get(f)) for f, r in sorted(kpi.fields.items())],
            )
        )
    return Indicators(
        unit=code,
        unit_name=result.unit_name,
        year=year,
        quarter=quarter,
        today=today,
        result=result,
        buckets=buckets,
        series=series,
        late=late_dossiers(uow, now, unit=code, period=period),
        measurements=list_measurements(uow, unit=code, year=year),
        manual=manual,
        dossiers=dossiers,
        may=may,
        viewing=viewing,
    )


# --- uploads ---------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
SUFFIXES = (".csv", ".xlsx", ".xlsm")


def safe_name(name: str) -> str:
    """An uploaded file's name as a plain file name (its folders and odd characters dropped;
    problems name the file by it). A name not ending in ``.csv`` or ``.xlsx`` is read as CSV."""
    base = _UNSAFE.sub("-", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(".-") or "tep"
    if not base.lower().endswith(SUFFIXES):
        base += ".csv"
    return base[-120:]


def _with_file(name: str, data: bytes, run: Callable[[Path], R]) -> R:
    """``run(path)`` on ``data`` written to a private temporary file named ``name``."""
    with tempfile.TemporaryDirectory(prefix="cchc-upload-") as folder:
        path = Path(folder) / safe_name(name)
        path.write_bytes(data)
        check_xlsx_size(path)  # a small upload must not unpack into gigabytes
        return run(path)


def upload_dossiers(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, name: str, data: bytes
) -> ImportReport:
    """``cchc dossiers import`` of an uploaded export, for the uploader's own unit: all or
    nothing (``DossierFileInvalid`` lists every bad row)."""
    unit = require(uow, identity, now, "dossier.import")
    return _with_file(
        name, data, lambda path: import_dossiers(uow, identity, now, path=path, unit=unit)
    )


def upload_procedures(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, name: str, data: bytes
) -> CatalogueImport:
    """``cchc procedures import`` of an uploaded catalogue for the uploader's own unit."""
    unit = require(uow, identity, now, "dossier.import")
    return _with_file(
        name, data, lambda path: import_procedures(uow, identity, now, path=path, unit=unit)
    )


def apology_docx(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, dossier: str
) -> tuple[str, bytes]:
    """``cchc dossiers apology ID --docx``: the slip (Mẫu 04) of one of the unit's dossiers as
    Word, A4, for ``dossier.apology``."""
    from application.apology_document import write_apology_slip
    from application.late_dossiers import apology_slip

    unit = require(uow, identity, now, "dossier.apology")
    slip = apology_slip(uow, dossier_id=dossier, unit=unit, now=now)
    name = f"phieu-xin-loi-{safe_name(dossier).removesuffix('.csv')}.docx"
    with tempfile.TemporaryDirectory(prefix="cchc-slip-") as folder:
        path = Path(folder) / "slip.docx"
        write_apology_slip(slip, path)
        return name, path.read_bytes()
