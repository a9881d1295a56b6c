"""Completeness — "mức đầy đủ tài liệu kiểm chứng": which documents each occurrence of a plan
needs, which were provided and accepted, grouped by position, area, criterion or officer, and
who still owes what (read-only).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from application.access import Gate, Identity
from application.occurrences import plan_of_year, progress_item
from application.unit_view import Viewing, check_read
from application.units import unit_of
from application.uow import UnitOfWork
from domain import completeness as report_core
from domain.clock import local_today
from domain.errors import LocalizedError
from domain.i18n import Lang, normalize_lang, t
from domain.names import fold
from domain.plan import Plan
from domain.progress import Progress, summarize
from models import PlanRecord, UnitRecord
from responsibilities.policy import Subject, decide
from storage.evidence import REJECTED, uploads_of
from storage.occurrences import Context, context, plan_occurrences, views
from storage.plans import find_plan, unit_timezone

if TYPE_CHECKING:
    from sqlmodel import Session


READ = "completeness.read"
BOARD = ("area", "position", "officer")  # the groupings the Tiến độ page shows


@dataclass(frozen=True)
class Board:
    """The Tiến độ page as data: one report per grouping of ``BOARD`` (the same
    occurrences, progress and who-owes-what in each), and whose unit it is (another unit's
    is read-only: ``application.unit_view``)."""

    reports: tuple[report_core.CompletenessReport, ...]
    viewing: Viewing | None = None  # whose unit, and whether read-only (another unit's)

    @property
    def first(self) -> report_core.CompletenessReport:
        return self.reports[0]

    def as_dict(self) -> dict[str, Any]:
        return {r.by: r.as_dict() for r in self.reports}


def completeness(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None = None,
    year: int | None = None,
    plan: str | None = None,
    by: str = "position",
    lang: str = "vi",
    with_predecessors: bool = False,
) -> report_core.CompletenessReport:
    """``cchc completeness``: required, provided and accepted documents of a plan (``plan`` by
    code, else the plan of ``year``, else the unit's latest), grouped ``by`` position, area,
    criterion or officer, and the due occurrences still missing documents — for the CCHC
    officer, the chairman or the operator (``completeness.read``); ``with_predecessors``: with
    the occurrences of the same year of the units merged into it."""
    return progress_board(
        uow,
        identity,
        now,
        unit=unit,
        year=year,
        plan=plan,
        by=(by,),
        lang=lang,
        with_predecessors=with_predecessors,
    ).first


def progress_board(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None = None,
    year: int | None = None,
    plan: str | None = None,
    by: Sequence[str] = BOARD,
    lang: str = "vi",
    with_predecessors: bool = False,
) -> Board:
    """The Tiến độ page: the report grouped each way of ``by``, read once."""
    for way in by:
        if way not in report_core.BY:
            raise LocalizedError("error.evidence_bad_by", by=way, allowed=", ".join(report_core.BY))
    language = normalize_lang(lang)
    with uow as session:
        unit_row = unit_of(session, identity, unit, now)
        uid = unit_row.id or 0
        if plan:
            plan_row = find_plan(session=session, unit_id=uid, code=plan)
        else:
            plan_row = plan_of_year(session, uid, year)
        ctx = context(plan_row, session=session, actor=identity.audit_name, now=now)
        viewing = check_read(
            session,
            identity,
            unit_row,
            action=READ,
            now=now,
            on=ctx.today,
            gate=Gate.of(ctx),  # the holdings and officers the context has read
            entity="plan",
            key=plan_row.code,
            year=ctx.plan.year,
            with_history=True,
        )
        rows, items = _rows(session, plan_row, ctx, now=now, lang=language)
        history: list[str] = []
        if with_predecessors:
            for other, other_ctx, code in _predecessor_plans(session, unit_row, ctx, now, identity):
                more, more_items = _rows(session, other, other_ctx, now=now, lang=language)
                rows += more
                items += more_items
                history.append(code)
        progress = summarize(items, now)
        return Board(
            tuple(
                _report(
                    ctx, plan_row, unit_row, rows, progress, by=way, lang=language,
                    predecessors=tuple(history),
                )
                for way in by
            ),
            viewing,
        )  # fmt: skip


def _predecessor_plans(
    session: Session, unit_row: UnitRecord, ctx: Context, now: dt.datetime, identity: Identity
) -> list[tuple[PlanRecord, Context, str]]:
    """The plans of the same year of the units merged into ``unit_row`` (transitively) that
    existed that year, with their contexts."""
    from application.units import history_ids

    out = []
    for uid in history_ids(session, unit_row, ctx.plan.year)[1:]:
        found = session.exec(
            select(PlanRecord).where(PlanRecord.unit_id == uid, PlanRecord.year == ctx.plan.year)
        ).first()
        other = session.get(UnitRecord, uid)
        if found is None or other is None:
            continue
        out.append(
            (found, context(found, session=session, actor=identity.audit_name, now=now), other.code)
        )
    return out


def may(uow: UnitOfWork, identity: Identity, now: dt.datetime, action: str = READ) -> bool:
    """Whether the policy lets ``identity`` do ``action`` (``completeness.read``,
    ``occurrence.remind``) in the unit today — what a front end asks before offering it."""
    with uow as session:
        unit_row = unit_of(session, identity, None, now)
        uid = unit_row.id or 0
        gate = Gate.load(session, uid)
        on = local_today(now, unit_timezone(session=session, unit_id=uid))
        return decide(gate.actor(identity), action, Subject(), on, gate.holdings).allowed


def _rows(
    session: Session, plan_row: PlanRecord, ctx: Context, *, now: dt.datetime, lang: Lang
) -> tuple[list[report_core.OccurrenceEvidence], list[Any]]:
    tasks = {x.code: x for x in ctx.plan.tasks}
    # the plan's occurrences read once: for the rows, and for the progress line
    everything = plan_occurrences(plan_row, session=session)
    seen = views(plan_row, session=session, now=now, lang=lang, ctx=ctx, occurrences=everything)
    uploads: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for occ_id, name, status in uploads_of([v.id for v in seen], session=session):
        uploads[occ_id].append((name, status))
    rows = []
    for v in seen:
        task = tasks.get(v.task)
        got = uploads.get(v.id, [])
        rows.append(
            report_core.OccurrenceEvidence(
                occurrence_id=v.id,
                task=v.task,
                title=v.title,
                area=v.area,
                period=v.period,
                due_date=v.due_date,
                status=v.status,
                lead_role=v.lead_role,
                officer=v.officer_email,
                officer_name=v.officer_name,
                criteria=task.criteria if task else (),
                required=tuple(r.name for r in task.evidence if r.required) if task else (),
                provided=tuple(sorted({n for n, s in got if n and s != REJECTED})),
                accepted=tuple(sorted({n for n, s in got if n and s == "accepted"})),
                working_days_left=v.working_days_left,
                due_so_far=v.due_at <= now,
            )
        )
    return rows, [progress_item(o, ctx.plan.timezone) for o in everything]


def _report(
    ctx: Context,
    plan_row: PlanRecord,
    unit_row: UnitRecord,
    rows: Sequence[report_core.OccurrenceEvidence],
    progress: Progress,
    *,
    by: str,
    lang: Lang,
    predecessors: tuple[str, ...] = (),
) -> report_core.CompletenessReport:
    label, order = _labels(ctx.plan, by, lang, rows)
    return report_core.CompletenessReport(
        unit=unit_row.code,
        plan=plan_row.code,
        year=ctx.plan.year,
        by=by,
        today=ctx.today,
        groups=tuple(report_core.groups(rows, by, label, order)),
        total=report_core.total(rows, t("label.total", lang)),
        owed=tuple(report_core.owed(rows)),
        occurrences=tuple(rows),
        progress=progress,
        predecessors=predecessors,
    )


def _labels(
    plan: Plan, by: str, lang: Lang, rows: Sequence[report_core.OccurrenceEvidence]
) -> tuple[Callable[[str], str], dict[str, int]]:
    """How to name a group key, and the plan's order of keys."""
    vacant = t("label.vacant", lang)
    if by == "position":
        titles = {
            r.code: (r.title_en if lang == "en" and r.title_en else r.title) for r in plan.roles
        }
        order = {r.code: i for i, r in enumerate(plan.roles)}
    elif by == "area":
        titles = {
            a.code: f"{a.code}. " + (a.title_en if lang == "en" and a.title_en else a.title)
            for a in plan.areas
        }
        order = {a.code: i for i, a in enumerate(plan.areas)}
    elif by == "officer":  # by name (case and diacritics aside), the vacant group last
        titles = {r.officer: r.officer_name or r.officer for r in rows if r.officer}
        ranked = sorted(titles, key=lambda k: (fold(titles[k]), titles[k], k))
        order = {k: i for i, k in enumerate(ranked)}
    else:
        titles, order = {}, {}

    def label(key: str) -> str:
        return titles.get(key, key) if key else vacant

    return label, order
