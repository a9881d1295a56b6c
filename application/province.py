"""The province's view of its units — "theo dõi tiến độ các đơn vị": for a parent unit (a
city, a province, a district of past years) and a year, every unit below it side by side.

- :func:`province_progress` — units × areas: what was due so far, done, overdue, the
  documents provided, the progress categories, and the units whose self-assessment is not
  submitted yet (days left to the deadline when one is given);
- :func:`province_kpis` — each one-stop KPI of every unit over the year (or a quarter),
  ranked, with the unit's verdict against its own plan's targets and the KPI month by month.

Both read with a fixed number of SQL statements whatever the number of units
(``storage.province``). Who may: :func:`check_reader` — today the policy's
``completeness.read`` as applied to the parent unit (the operator always may); the province
officers' own role plugs in there.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from application.access import Gate, Identity
from application.kept_results import PROVINCE as KEPT
from application.units import EndedUnit
from application.uow import UnitOfWork
from domain.clock import DEFAULT_TIMEZONE, local_today, require_aware
from domain.completeness import Tally
from domain.errors import LocalizedError, NotFoundError
from domain.i18n import Lang, normalize_lang, t
from domain.kpi import KPIS, Rate, Verdict, rate
from domain.plan import MAX_YEAR, MIN_YEAR
from domain.progress import CATEGORIES, Progress, category
from domain.province import ranks, sparkline, verdict
from models import UnitRecord
from responsibilities.policy import Subject
from storage import province as store
from storage import province_kpis as kpi_store
from storage.audit import last_entry
from storage.units import get_unit

if TYPE_CHECKING:
    from sqlmodel import Session

READ = "completeness.read"


def check_reader(session: Session, identity: Identity, parent: UnitRecord, on: dt.date) -> None:
    """May ``identity`` follow the units below ``parent``? The one place the province's rule
    lives: the province's staff and appraisers with a role at ``parent`` or above it
    (``ranking.read``: they read every unit below), else ``completeness.read`` as the policy
    applies it to ``parent`` itself (its CCHC officer, its chairman; the operator always)."""
    from responsibilities.policy import decide
    from storage.appraisal import grants_over, tree

    grants, names = grants_over(session, tree(session).above(parent.id or 0))
    gate = Gate.load(session, parent.id or 0)
    if grants and identity.kind == "officer":
        gate.names = {**names, **gate.names}
        province = Subject(grants=tuple(grants))
        if decide(gate.actor(identity), "ranking.read", province, on, gate.holdings).allowed:
            return
    gate.check(identity, READ, Subject(), on=on, entity="unit", key=parent.code)


def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise NotFoundError("error.no_plan_for_year", year=year)
    return year


@dataclass(frozen=True)
class _Scope:
    parent: UnitRecord
    units: list[UnitRecord]
    plans: dict[int, Any]
    todays: dict[int, dt.date]
    today: dt.date
    ended: dict[int, EndedUnit] = field(default_factory=dict)
    above: tuple[int, ...] = ()  # the parent and the units above it, nearest first


def _scope(
    session: Session, identity: Identity, now: dt.datetime, unit: str | None, year: int
) -> _Scope:
    from application.units import units_of_year

    if unit is None:  # a signed-in officer: the units below their own
        from application.units import unit_of

        parent = unit_of(session, identity, None, now)
    else:
        parent = get_unit(unit, session=session)
    below, above = store.units_below(
        parent.id or 0, dt.date(year, 1, 1), dt.date(year, 12, 31), session=session
    )
    # the units as they were that year: none made later; those merged during it marked
    by_id = {u.id or 0: u for u in below}
    in_force, ended = units_of_year(session, by_id, list(by_id), year)
    kept = {*in_force, *ended}
    units = [u for u in below if (u.id or 0) in kept]
    plans = store.plans_of_year([u.id or 0 for u in units], year, session=session)
    zones = {uid: p.timezone for uid, p in plans.items()}
    zone = next(iter(zones.values()), DEFAULT_TIMEZONE)
    today = local_today(now, zone)
    check_reader(session, identity, parent, today)
    if not units:
        raise LocalizedError("error.province_no_units", unit=parent.code)
    todays = {uid: local_today(now, z) for uid, z in zones.items()}
    return _Scope(parent, units, plans, todays, today, ended, tuple(above))


# --- progress ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One unit in one area (or all areas): occurrences due so far, done (accepted) and
    overdue (still open after the deadline) among them, the documents they ask for, and the
    occurrences due by today still missing a document."""

    due: int = 0
    done: int = 0
    overdue: int = 0
    documents: Tally = field(default_factory=Tally)
    owing: int = 0
    year: int = 0  # occurrences of the whole year (waived and cancelled aside)

    def share(self) -> float | None:
        """The documents provided of those required so far (None: nothing required yet)."""
        return self.documents.share(self.documents.provided)

    def as_dict(self) -> dict[str, Any]:
        return {
            "due_so_far": self.due,
            "done": self.done,
            "overdue": self.overdue,
            "year": self.year,
            "owing": self.owing,
            "documents": self.documents.as_dict(),
        }


@dataclass(frozen=True)
class UnitProgress:
    """A unit's row: its plan of the year (None: no plan loaded), a cell per area and in
    total, its progress categories and its self-assessment (``submitted``, ``open`` — begun,
    not submitted — or ``missing``; ``merged`` or ``ended`` for a unit gone before the
    year's end: its work of the year stays listed, it owes no self-assessment)."""

    code: str
    name: str
    plan: str | None
    cells: dict[str, Cell]
    total: Cell
    progress: Progress
    assessment: str
    submitted_at: dt.datetime | None = None
    ended: EndedUnit | None = None

    def assessment_text(self, lang: Lang) -> str:
        """The self-assessment column: "đã nộp", or "sáp nhập vào … từ ngày …"."""
        from application.messages import t as app_t

        if self.ended is not None:
            return self.ended.text(lang)
        return app_t(f"province.assessment.{self.assessment}", lang)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.code,
            "name": self.name,
            "plan": self.plan,
            "areas": {code: c.as_dict() for code, c in self.cells.items()},
            "total": self.total.as_dict(),
            "progress": self.progress.as_dict(),
            "assessment": self.assessment,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "ended": self.ended.as_dict() if self.ended else None,
        }


@dataclass(frozen=True)
class ProvinceProgress:
    """The province's progress table as data."""

    unit: str
    name: str
    year: int
    today: dt.date
    areas: tuple[tuple[str, str], ...]  # (code, label) in the plans' order
    units: tuple[UnitProgress, ...]
    assessment_due: dt.date | None = None

    @property
    def days_left(self) -> int | None:
        """Days from today to the self-assessment deadline (negative: past)."""
        return None if self.assessment_due is None else (self.assessment_due - self.today).days

    @property
    def not_submitted(self) -> tuple[UnitProgress, ...]:
        """Units with a plan, in force at the year's end, whose self-assessment is not
        submitted."""
        return tuple(
            u for u in self.units if u.plan and u.ended is None and u.assessment != "submitted"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name": self.name,
            "year": self.year,
            "today": self.today.isoformat(),
            "areas": [{"code": c, "label": label} for c, label in self.areas],
            "assessment_due": self.assessment_due.isoformat() if self.assessment_due else None,
            "days_left": self.days_left,
            "units": [u.as_dict() for u in self.units],
            "not_submitted": [u.code for u in self.not_submitted],
        }


def province_progress(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None,
    year: int,
    assessment_due: dt.date | None = None,
    lang: str = "vi",
) -> ProvinceProgress:
    """``cchc province progress``: every unit below ``unit`` × the areas of its plan of
    ``year`` — due so far, done, overdue, documents — its progress categories and its
    self-assessment; read-only, with the same statements for 3 units or 300."""
    require_aware(now)
    language = normalize_lang(lang)
    _year(year)
    with uow as session:
        key, entry, kept = _kept(
            session, now, "progress", identity, unit, year, assessment_due, language
        )
        if kept is not None:
            return kept  # type: ignore[no-any-return]
        scope = _scope(session, identity, now, unit, year)
        plan_ids = [p.id or 0 for p in scope.plans.values()]
        cells = store.area_counts(plan_ids, session=session, now=now)
        standings = store.standing_groups(plan_ids, session=session, now=now, todays=scope.todays)
        documents = store.document_groups(plan_ids, session=session, now=now, todays=scope.todays)
        areas = store.area_labels(plan_ids, session=session)
        assessments = store.assessments_of([u.id or 0 for u in scope.units], year, session=session)
        deadline = store.next_deadline(plan_ids, session=session, now=now)
        due = assessment_due
        if due is None:  # the deadline the province set (cchc appraisal deadline)
            due = _deadline_set(session, scope.above, year)
    progress = _progress_table(
        scope, year, cells, standings, documents, areas, assessments, due, language
    )
    KEPT.put(key, entry, now, progress, deadline=deadline)
    return progress


def _kept(
    session: Session, now: dt.datetime, view: str, *asked: Any
) -> tuple[tuple[Any, ...], tuple[int, str] | None, Any | None]:
    """The key ``view`` asked with ``asked`` is kept under on this database, the audit log's
    newest entry, and the result kept there if nothing it was read from has changed since
    (``application.kept_results``), else None."""
    entry = last_entry(session=session)
    database = session.get_bind().engine.url.render_as_string(hide_password=True)
    key = (view, database, *asked)
    return key, entry, KEPT.get(key, entry, now)


def _deadline_set(session: Session, chain: Sequence[int], year: int) -> dt.date | None:
    """The self-assessment deadline of ``year`` set at the first unit of ``chain`` (the
    parent, then the units above it) that has one."""
    from storage.deadlines import deadline_of

    found = deadline_of(session, list(chain), year)
    return found.due if found is not None else None


def _progress_table(
    scope: _Scope,
    year: int,
    cells_counted: Sequence[store.AreaCounts],
    standings: Sequence[store.StandingGroup],
    documents: Sequence[store.DocumentGroup],
    areas: Sequence[store.AreaName],
    assessments: dict[int, store.AssessmentState],
    assessment_due: dt.date | None,
    lang: Lang,
) -> ProvinceProgress:
    counts = {(c.unit_id, c.area): c for c in cells_counted}
    seen: dict[int, set[str]] = defaultdict(set)
    for c in cells_counted:
        seen[c.unit_id].add(c.area)
    # per unit, the categories' counts: the rule asked once per distinct standing
    categories: dict[int, dict[str, int]] = defaultdict(dict)
    kinds: dict[tuple[str, bool, bool, bool, bool], str | None] = {}
    for g in standings:
        case = (g.status, g.ahead, g.past, g.handed_in, g.handed_in_late)
        if case not in kinds:
            kinds[case] = category(
                g.status,
                ahead=g.ahead,
                past=g.past,
                handed_in=g.handed_in,
                handed_in_late=g.handed_in_late,
            )
        kind = kinds[case]
        if kind is not None:
            mine = categories[g.unit_id]
            mine[kind] = mine.get(kind, 0) + g.n
    docs = {(d.unit_id, d.area): d for d in documents}
    order: dict[str, str] = {}
    for a in areas:
        title = a.title_en if lang == "en" and a.title_en else a.title
        order.setdefault(a.code, f"{a.code}. {title}")
    rank = _area_key(order)
    planned = list(order)
    none = store.AreaCounts(0, "", 0, 0, 0, 0)
    no_documents = store.DocumentGroup(0, "", 0, 0, 0, 0)
    rows = []
    for u in scope.units:
        uid = u.id or 0
        plan = scope.plans.get(uid)
        extra = seen[uid].difference(order)
        keys = sorted([*planned, *extra], key=rank) if extra else planned
        cells = {}
        total = [0, 0, 0, 0, 0, 0, 0, 0]  # year, due, done, overdue, required, provided,
        for key in keys:  # accepted, owing
            c = counts.get((uid, key), none)
            got = docs.get((uid, key), no_documents)
            cells[key] = Cell(
                due=c.due,
                done=c.done,
                overdue=c.overdue,
                documents=Tally(c.due, got.required, got.provided, got.accepted),
                owing=got.owing,
                year=c.year,
            )
            total[0] += c.year
            total[1] += c.due
            total[2] += c.done
            total[3] += c.overdue
            total[4] += got.required
            total[5] += got.provided
            total[6] += got.accepted
            total[7] += got.owing
        state = assessments.get(uid)
        gone = scope.ended.get(uid)
        mine = categories.get(uid, {})
        rows.append(
            UnitProgress(
                code=u.code,
                name=u.name or u.code,
                plan=plan.code if plan else None,
                cells=cells if plan else {},
                total=Cell(
                    due=total[1],
                    done=total[2],
                    overdue=total[3],
                    documents=Tally(total[1], total[4], total[5], total[6]),
                    owing=total[7],
                    year=total[0],
                ),
                progress=Progress(**{k: mine.get(k, 0) for k in (*CATEGORIES, "waived")}),
                assessment=gone.stage if gone else (state.status if state else "missing"),
                submitted_at=state.submitted_at if state else None,
                ended=gone,
            )
        )
    shown = [k for k in order if any(k in r.cells for r in rows)]
    extra_keys = sorted({k for r in rows for k in r.cells} - set(shown))
    labels = {**order, "": t("label.vacant", lang)}
    return ProvinceProgress(
        unit=scope.parent.code,
        name=scope.parent.name or scope.parent.code,
        year=year,
        today=scope.today,
        areas=tuple((k, labels.get(k, k)) for k in (*shown, *extra_keys)),
        units=tuple(rows),
        assessment_due=assessment_due,
    )


def _area_key(order: dict[str, str]) -> Any:
    rank = {k: i for i, k in enumerate(order)}
    return lambda k: (rank.get(k, len(rank)), k)


# --- KPIs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankRow:
    """A unit on one KPI: its rank (None: no data), the rate with its counts, its verdict
    against its plan's targets on this KPI (None: no such target) and the rate by month."""

    unit: str
    name: str
    rank: int | None
    rate: Rate
    verdict: Verdict | None
    targets: tuple[tuple[str, Verdict], ...]
    months: tuple[float | None, ...]
    plan: str | None = None  # the unit's plan of the year (None: no plan loaded)

    @property
    def sparkline(self) -> str:
        return sparkline(self.months)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name": self.name,
            "rank": self.rank,
            **self.rate.as_dict(),
            "verdict": self.verdict,
            "targets": {code: v for code, v in self.targets},
            "months": list(self.months),
            "sparkline": self.sparkline,
        }


@dataclass(frozen=True)
class Ranking:
    """Every unit on one KPI, best first, those without data last."""

    kpi: str
    label: str
    rows: tuple[RankRow, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"kpi": self.kpi, "label": self.label, "rows": [r.as_dict() for r in self.rows]}


@dataclass(frozen=True)
class ProvinceKpis:
    """The province's KPI rankings over ``start``..``end``; ``months`` names the columns of
    the sparklines."""

    unit: str
    name: str
    year: int
    quarter: int | None
    start: dt.date
    end: dt.date
    today: dt.date
    months: tuple[int, ...]
    rankings: tuple[Ranking, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name": self.name,
            "year": self.year,
            "quarter": self.quarter,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "today": self.today.isoformat(),
            "months": list(self.months),
            "rankings": [r.as_dict() for r in self.rankings],
        }


def period_of(year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    """The year, or its quarter ``quarter`` (1–4)."""
    if quarter is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if quarter not in (1, 2, 3, 4):
        raise LocalizedError("error.province_bad_quarter", quarter=quarter)
    first = dt.date(year, 3 * quarter - 2, 1)
    last = (
        dt.date(year, 12, 31)
        if quarter == 4
        else dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)
    )
    return first, last


def province_kpis(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None,
    year: int,
    quarter: int | None = None,
    kpi: str | None = None,
    lang: str = "vi",
) -> ProvinceKpis:
    """``cchc province kpi``: each one-stop KPI (or only ``kpi``) of every unit below
    ``unit`` (None: the officer's own unit) over ``year`` or its ``quarter``, ranked best
    first, with each unit's verdict against its own plan's targets and the KPI month by
    month; read-only."""
    require_aware(now)
    language = normalize_lang(lang)
    _year(year)
    if kpi is not None and kpi not in KPIS:
        raise LocalizedError("error.province_bad_kpi", kpi=kpi, allowed=", ".join(KPIS))
    start, end = period_of(year, quarter)
    with uow as session:
        key, entry, kept = _kept(session, now, "kpis", identity, unit, year, quarter, kpi, language)
        if kept is not None:
            return kept  # type: ignore[no-any-return]
        scope = _scope(session, identity, now, unit, year)
        ids = [u.id or 0 for u in scope.units]
        todays = {uid: scope.todays.get(uid, scope.today) for uid in ids}
        figures = kpi_store.kpis_by_unit(ids, session=session, start=start, end=end, todays=todays)
        targets = store.targets_of(
            [p.id or 0 for p in scope.plans.values()], session=session, metrics=KPIS
        )
    plan_of = {uid: p.id for uid, p in scope.plans.items()}
    on_kpi: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for target_plan, plan_targets in targets.items():
        for target in plan_targets:
            on_kpi[(target_plan, target.metric)].append(target)
    # each unit's id, code and name read once (not 8 × per unit from the ORM's records)
    units = [(u.id or 0, u.code, u.name or u.code) for u in scope.units]
    rankings = []
    for name in (kpi,) if kpi else KPIS:
        values = {code: figures[uid].kpis[name].overall.value for uid, code, _ in units}
        placed = ranks(values)
        rows = []
        for uid, code, unit_name in units:
            mine = figures[uid]
            found = mine.kpis[name]
            plan_id = plan_of.get(uid)
            together, each = verdict(on_kpi.get((plan_id or -1, name), []), found)
            rows.append(
                RankRow(
                    unit=code,
                    name=unit_name,
                    rank=placed[code],
                    rate=found.overall,
                    verdict=together,
                    targets=each,
                    months=tuple([rate(r.numerator, r.denominator) for r in mine.months[name]]),
                    plan=scope.plans[uid].code if uid in scope.plans else None,
                )
            )
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit))
        rankings.append(Ranking(name, t(f"metric.{name}", language), tuple(rows)))
    result = ProvinceKpis(
        unit=scope.parent.code,
        name=scope.parent.name or scope.parent.code,
        year=year,
        quarter=quarter,
        start=start,
        end=end,
        today=scope.today,
        months=tuple(kpi_store.months_of(start, end)),
        rankings=tuple(rankings),
    )
    KEPT.put(key, entry, now, result)
    return result
