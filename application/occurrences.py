"""Occurrences — "lần thực hiện": scheduling a plan year, routing work, and acting on it.

Use cases take a unit of work, the acting ``Identity``, ``now`` and typed inputs, and return
typed results. The follow-ups live here once: materialising re-routes what a holder change
moved; every transition asks the policy first; a submission needs its evidence (or a written
reason) and tells whoever reviews it; a review tells the lead officer.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel import Session, col, select

from application.access import Gate, Identity
from application.approvals import approver_of as approver_of  # re-exported: the replay uses it
from application.frozen import FrozenInputs
from application.notices import notify_assignment, notify_review, notify_submission
from application.units import unit_of
from application.uow import UnitOfWork
from domain.clock import local_moment
from domain.errors import LocalizedError, NotFoundError
from domain.lifecycle import ACTIVE, STATUSES, TRANSITIONS, apply
from domain.occurrence import (
    DocumentView,
    HistoryEntry,
    OccurrenceDetail,
    OccurrenceView,
    UploadView,
)
from domain.periods import parse_period, period_term
from domain.plan import MAX_YEAR as PLAN_MAX_YEAR
from domain.plan import MIN_YEAR as PLAN_MIN_YEAR
from domain.plan import Plan, Task
from domain.progress import Item as ProgressItem
from domain.progress import Progress, summarize
from domain.reminders import local
from domain.workdays import weekday_date
from models import AuditEntry, Evidence, Occurrence, PlanRecord, UnitRecord
from responsibilities.holding import holders
from responsibilities.policy import CHAIRMAN, Subject, decide, submission_is_final
from storage.audit import find_entries
from storage.evidence import list_evidence as evidence_rows
from storage.evidence import missing_for
from storage.occurrences import (
    Context,
    MaterialiseReport,
    context,
    contexts,
    find_occurrence,
    materialise_plans,
    reroute,
    views,
)
from storage.occurrences import transition as change_state
from storage.officers import find_officer
from storage.plans import find_plan
from storage.units import resolve_unit

ACTIONS = ("start", "submit", "accept", "return", "waive")


def subject_of(plan: Plan, task: Task | None, occ: Occurrence) -> Subject:
    """An occurrence as the policy sees it."""
    if task is None:
        return Subject(task=occ.task_code, lead=occ.lead_role, approver=CHAIRMAN)
    return Subject(
        task=task.code,
        area=task.area,
        lead=task.lead,
        support=tuple(task.support),
        approver=approver_of(plan, task),
        submitted_by=occ.submitted_by or None,
    )


def plan_of_year(session: Session, unit_id: int, year: int | None) -> PlanRecord:
    """The unit's plan for ``year``, or its latest plan."""
    if year is None:
        return find_plan(session=session, unit_id=unit_id)
    if not PLAN_MIN_YEAR <= year <= PLAN_MAX_YEAR:  # no plan can be for it (nor fit a column)
        raise NotFoundError("error.no_plan_for_year", year=year)
    row = session.exec(
        select(PlanRecord)
        .where(PlanRecord.unit_id == unit_id, PlanRecord.year == year)
        .order_by(col(PlanRecord.id).desc())
    ).first()
    if row is None:  # the unit may have other years' plans: say which year is missing
        raise NotFoundError("error.no_plan_for_year", year=year)
    return row


# --- scheduling ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Moved:
    """An open occurrence a holder change gave to another officer — "chuyển việc": the
    task, its period, and who has it now (email and name; None: nobody holds the position)."""

    task: str
    period: str
    title: str
    title_en: str
    officer: str | None
    officer_name: str | None
    acting_for: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _follow(ctx: Context) -> list[Moved]:
    moved = reroute(ctx)
    for occ in moved:
        notify_assignment(ctx, occ)
    emails = {v: k for k, v in ctx.officer_ids.items()}
    names = {h.officer: h.name for h in ctx.holdings}
    tasks = {t.code: t for t in ctx.plan.tasks}
    out = []
    for occ in moved:
        task = tasks.get(occ.task_code)
        email = emails.get(occ.officer_id or -1)
        out.append(
            Moved(
                occ.task_code,
                occ.period,
                task.title if task else "",
                task.title_en if task else "",
                email,
                names.get(email or "") if email else None,
                emails.get(occ.acting_for_id or -1),
            )
        )
    return out


def follow_holder_change(ctx: Context) -> int:
    """A holder change re-routes open work to whoever answers for it now, and tells them."""
    return len(_follow(ctx))


def reroute_unit_moves(
    session: Session, unit_id: int, *, actor: str, now: dt.datetime
) -> list[Moved]:
    """After the roster of a unit changed: re-route the open work of its plans; what moved."""
    moved: list[Moved] = []
    for plan_row in session.exec(select(PlanRecord).where(PlanRecord.unit_id == unit_id)):
        moved += _follow(context(plan_row, session=session, actor=actor, now=now))
    return moved


def reroute_unit(session: Session, unit_id: int, *, actor: str, now: dt.datetime) -> int:
    """After the roster of a unit changed: re-route the open work of its plans."""
    return len(reroute_unit_moves(session, unit_id, actor=actor, now=now))


def materialise_plan(
    plan_row: PlanRecord, *, session: Session, actor: str, now: dt.datetime
) -> MaterialiseReport:
    """Create and update a plan year's occurrences, then follow holder changes."""
    return materialise_all([plan_row], session=session, actor=actor, now=now)[0]


def materialise_all(
    plan_rows: Sequence[PlanRecord], *, session: Session, actor: str, now: dt.datetime
) -> list[MaterialiseReport]:
    """Create and update the occurrences of each plan's year, then follow holder changes:
    what every plan needs is read together, for both (the daily job over a province)."""
    with cycle_collection_paused():
        ctxs = contexts(plan_rows, session=session, actor=actor, now=now)
        reports = materialise_plans(ctxs)
        for ctx, report in zip(ctxs, reports, strict=True):
            report.rerouted = follow_holder_change(ctx)
    return reports


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector off for the block, as it was after. A province's year is
    some hundred thousand short-lived rows, dicts and tuples that hold no cycles (reference
    counting frees them); each batch of them would otherwise start a collection, and a full
    one walks every object of the process: measured, a third of the job's time."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def schedule(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None = None,
    year: int | None = None,
) -> MaterialiseReport:
    """``cchc schedule``: materialise a plan year by hand (an administrator or a job)."""
    with uow as session:
        return schedule_unit(session, identity, now, resolve_unit(unit, session=session), year)


def schedule_unit(
    session: Session, identity: Identity, now: dt.datetime, unit_row: UnitRecord, year: int | None
) -> MaterialiseReport:
    """Materialise ``unit_row``'s plan of ``year`` (its latest: None) if the policy lets
    ``identity`` (``job.materialise``); ``NotFoundError`` when it has no such plan."""
    plan_row = plan_of_year(session, unit_row.id or 0, year)
    ctx = context(plan_row, session=session, actor=identity.audit_name, now=now)
    Gate.of(ctx).check(
        identity,
        "job.materialise",
        Subject(),
        on=ctx.today,
        entity="plan",
        key=plan_row.code,
    )
    return materialise_plan(plan_row, session=session, actor=identity.audit_name, now=now)


# --- acting on an occurrence ----------------------------------------------------------------


@dataclass(frozen=True)
class TransitionResult:
    """What a transition did; ``final`` when a chairman's own submission closed it."""

    task: str
    period: str
    before: str
    after: str
    reason: str | None
    actor: str
    final: bool = False

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["from"], out["to"] = out.pop("before"), out.pop("after")
        return out


def act(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    action: str,
    task: str,
    period: str,
    reason: str | None = None,
    unit: str | None = None,
    plan: str | None = None,
) -> TransitionResult:
    """Start, submit, accept, return or waive one occurrence, as ``identity``; ``period`` as
    officers write it (``Q2/2020``, ``tháng 6/2020`` …)."""
    period = parse_period(period)
    with uow as session:
        unit_row = unit_of(session, identity, unit, now)
        occ = find_occurrence(unit_row.id or 0, task, period, session=session, plan=plan)
        plan_row = session.get(PlanRecord, occ.plan_id)
        assert plan_row is not None
        ctx = context(plan_row, session=session, actor=identity.audit_name, now=now)
        return perform(ctx, identity, occ, action, reason)


def allowed_actions(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    task: str,
    period: str,
    actions: Sequence[str],
    unit: str | None = None,
) -> frozenset[str]:
    """Which of ``actions`` (policy actions: ``occurrence.submit``, ``evidence.upload`` …)
    the policy lets ``identity`` take on this occurrence today, asked in one unit of work —
    what a page offers (the use case still decides when the form is sent)."""
    period = parse_period(period)
    with uow as session:
        unit_row = unit_of(session, identity, unit, now)
        occ = find_occurrence(unit_row.id or 0, task, period, session=session)
        plan_row = session.get(PlanRecord, occ.plan_id)
        assert plan_row is not None
        ctx = context(plan_row, session=session, actor=identity.audit_name, now=now)
        found = next((t for t in ctx.plan.tasks if t.code == occ.task_code), None)
        actor = Gate.of(ctx).actor(identity)
        subject = subject_of(ctx.plan, found, occ)
        return frozenset(
            action
            for action in actions
            if decide(actor, action, subject, ctx.today, ctx.holdings).allowed
        )


def perform(
    ctx: Context, identity: Identity, occ: Occurrence, action: str, reason: str | None
) -> TransitionResult:
    """The transition inside an open unit of work: policy, then the lifecycle, evidence rule,
    state, notices. The policy comes first (after the action's name) so that an officer who
    may not act on the occurrence learns nothing of its state (403, not 409)."""
    if action not in TRANSITIONS:
        apply(occ.status, action, reason)  # names the actions there are
    task = next((t for t in ctx.plan.tasks if t.code == occ.task_code), None)
    subject = subject_of(ctx.plan, task, occ)
    gate = Gate.of(ctx)
    actor = gate.check(
        identity,
        f"occurrence.{action}",
        subject,
        on=ctx.today,
        entity="occurrence",
        key=f"{occ.task_code}/{occ.period}",
    )
    apply(occ.status, action, reason)  # a move the lifecycle has no way for
    reasoned = bool(reason and reason.strip())
    if action == "submit" and not reasoned:
        require_evidence(ctx, occ, task)
    if action == "accept" and not occ.reason.strip():
        require_evidence(ctx, occ, task)  # a submission without evidence carried a reason
    frozen = FrozenInputs.take(ctx.session, [occ.unit_id], ctx.now)
    before = occ.status
    if action == "submit":
        occ.reason = ""  # a new submission's reason replaces the last return's
    change_state(
        occ, action, session=ctx.session, actor=actor.identity, now=ctx.now, reason=reason, ctx=ctx
    )
    final = action == "submit" and submission_is_final(actor, subject, ctx.today, ctx.holdings)
    if final:
        change_state(
            occ,
            "accept",
            session=ctx.session,
            actor=actor.identity,
            now=ctx.now,
            ctx=ctx,
            rule="own_submission_final",
        )
        accept_pending_evidence(ctx, occ, actor.identity, own_too=True)
    elif action == "submit" and task is not None:
        notify_submission(ctx, occ, task, submitter=actor.label)
    elif action in ("accept", "return"):
        if action == "accept":
            accept_pending_evidence(ctx, occ, actor.identity, own_too=False)
        notify_review(ctx, occ, action, reviewer=actor.label, reason=reason)
    frozen.check(ctx.session, change=f"{action} {occ.task_code} {occ.period}")
    return TransitionResult(
        task=occ.task_code,
        period=occ.period,
        before=before,
        after=occ.status,
        reason=reason,
        actor=actor.identity,
        final=final,
    )


def transition(
    occ: Occurrence,
    action: str,
    *,
    session: Session,
    actor: str,
    now: dt.datetime,
    reason: str | None = None,
) -> TransitionResult:
    """``perform`` for the officer ``actor`` inside a session the caller owns (scripts and
    tests; front ends use ``act``, whose unit of work also audits a refusal)."""
    plan_row = session.get(PlanRecord, occ.plan_id)
    assert plan_row is not None
    ctx = context(plan_row, session=session, actor=actor, now=now)
    return perform(ctx, Identity.officer(actor), occ, action, reason)


def accept_pending_evidence(ctx: Context, occ: Occurrence, actor: str, *, own_too: bool) -> int:
    """Accepting an occurrence accepts its documents still waiting for review — except, for an
    approver, a file they uploaded themselves (nobody reviews their own upload: it stays
    waiting, and the submission pack flags it). A final submission (``own_too``) vouches for
    all of them: nobody else may review what the chairman submitted."""
    from storage.evidence import list_evidence, review

    pending = list_evidence(
        session=ctx.session,
        unit_id=occ.unit_id,
        task=occ.task_code,
        period=occ.period,
        status="pending",
    )
    accepted = 0
    for evidence, _occurrence in pending:
        if evidence.uploaded_by == actor and not own_too:
            continue
        review(evidence.id or 0, "accept", session=ctx.session, actor=actor, now=ctx.now)
        accepted += 1
    return accepted


def require_evidence(ctx: Context, occ: Occurrence, task: Task | None) -> None:
    """The evidence rule: every required document has an upload that was not rejected."""
    absent = missing_for(occ, task, session=ctx.session)
    if absent:
        raise LocalizedError(
            "error.evidence_missing",
            task=occ.task_code,
            period=period_term(occ.period),
            period_code=occ.period,
            n=len(absent),
            missing="; ".join(f"'{name}'" for name in absent),
        )


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskFilter:
    """Which occurrences ``tasks`` shows. ``officer``: an email or a name; ``mine``: the
    acting officer's own."""

    officer: str | None = None
    mine: bool = False
    position: str | None = None
    status: tuple[str, ...] = ()
    overdue: bool = False
    due_within: int | None = None


@dataclass(frozen=True)
class TaskList:
    """The occurrences ``tasks`` shows, and their progress ("tiến độ") in the categories task
    tracking reports use (domain/progress.py)."""

    rows: tuple[OccurrenceView, ...]
    progress: Progress

    def as_dict(self) -> dict[str, Any]:
        return {"tasks": [r.as_dict() for r in self.rows], "progress": self.progress.as_dict()}


def list_tasks(
    uow: UnitOfWork,
    now: dt.datetime,
    *,
    unit: str | None = None,
    where: TaskFilter = TaskFilter(),
    lang: str = "vi",
    identity: Identity | None = None,
) -> list[OccurrenceView]:
    """What is to be done, by whom, by when (an officer's calendar feed, the replay);
    ``where.mine``: the tasks of ``identity``, who must be an officer."""
    return list(task_list(uow, now, unit=unit, where=where, lang=lang, identity=identity).rows)


def task_list(
    uow: UnitOfWork,
    now: dt.datetime,
    *,
    unit: str | None = None,
    where: TaskFilter = TaskFilter(),
    lang: str = "vi",
    identity: Identity | None = None,
) -> TaskList:
    """``cchc tasks``: what is to be done, by whom, by when, with the progress of what is
    shown; ``where.mine``: the tasks of ``identity``, who must be an officer."""
    unknown = [s for s in where.status if s not in STATUSES]
    if unknown:
        raise LocalizedError(
            "error.bad_status", status=", ".join(unknown), allowed=", ".join(STATUSES)
        )
    who = where.officer
    if where.mine:
        if where.officer:
            raise LocalizedError("error.mine_with_officer")
        if identity is None or identity.kind != "officer":
            raise LocalizedError("error.mine_needs_officer")
        who = identity.name
    with uow as session:
        unit_row = (
            unit_of(session, identity, unit, now)
            if identity is not None
            else resolve_unit(unit, session=session)
        )
        uid = unit_row.id or 0
        plan_row = find_plan(session=session, unit_id=uid)
        query = select(Occurrence).where(Occurrence.plan_id == plan_row.id)
        if who:
            officer = find_officer(who, session=session, unit_id=uid)
            query = query.where(Occurrence.officer_id == officer.id)
        if where.position:
            query = query.where(Occurrence.lead_role == where.position)
        if where.status:
            query = query.where(col(Occurrence.status).in_(where.status))
        elif where.overdue or where.due_within is not None:
            query = query.where(col(Occurrence.status).in_(ACTIVE))
        rows = session.exec(
            query.order_by(col(Occurrence.due_date), col(Occurrence.task_code))
        ).all()
        out = views(plan_row, session=session, now=now, occurrences=rows, lang=lang)
        timezone = plan_row.timezone
    if where.overdue:
        out = [v for v in out if v.overdue]
    if where.due_within is not None:
        out = [v for v in out if 0 <= v.working_days_left <= where.due_within and not v.overdue]
    shown = {v.id for v in out}
    items = [progress_item(o, timezone) for o in rows if o.id in shown]
    return TaskList(tuple(out), summarize(items, now))


def progress_item(occ: Occurrence, timezone: str) -> ProgressItem:
    """An occurrence as the progress categories see it (its period begins at local midnight)."""
    return ProgressItem(
        status=occ.status,
        period_start=local(occ.period_start, dt.time(0), timezone),
        due_at=occ.due_at,
        submitted_at=occ.submitted_at,
    )


def show_occurrence(
    uow: UnitOfWork,
    now: dt.datetime,
    *,
    task: str,
    period: str,
    unit: str | None = None,
    plan: str | None = None,
    lang: str = "vi",
    identity: Identity | None = None,
) -> OccurrenceDetail:
    """``cchc occurrence show``: one occurrence in full — deadline, lead and approver, the
    documents with what was uploaded for each, and its history from the audit log (read-only);
    ``period`` as officers write it; without ``unit``, of ``identity``'s own unit (an
    installation may hold several), else of the only unit with a plan."""
    key = parse_period(period)
    with uow as session:
        unit_row = (
            unit_of(session, identity, unit, now)
            if identity is not None
            else resolve_unit(unit, session=session)
        )
        uid = unit_row.id or 0
        occ = find_occurrence(uid, task, key, session=session, plan=plan)
        plan_row = session.get(PlanRecord, occ.plan_id)
        assert plan_row is not None
        ctx = context(plan_row, session=session, actor="", now=now)
        [view] = views(plan_row, session=session, now=now, occurrences=[occ], lang=lang, ctx=ctx)
        uploads = [
            e
            for e, o in evidence_rows(
                session=session, unit_id=uid, task=occ.task_code, period=occ.period
            )
            if o.id == occ.id
        ]
        entries = find_entries(
            session=session,
            obj=f"occurrence:{occ.task_code}/{occ.period}",
            unit_ids=[uid],
            unitless=False,
        )
    timezone = ctx.plan.timezone
    found = next((t for t in ctx.plan.tasks if t.code == occ.task_code), None)
    names = ctx.names()
    approver = approver_of(ctx.plan, found) if found else CHAIRMAN

    def shown(e: Evidence) -> UploadView:
        return UploadView(
            id=e.id or 0,
            file=e.file_name,
            revision=e.revision,
            status=e.status,
            reason=e.reason,
            uploaded_by=e.uploaded_by,
            uploaded_at=local_moment(e.uploaded_at, timezone),
        )

    documents = tuple(
        DocumentView(
            name=r.name,
            kind=r.kind,
            required=r.required,
            uploads=tuple(shown(e) for e in uploads if e.requirement == r.name),
        )
        for r in (found.evidence if found else ())
    )
    asked = {d.name for d in documents}
    history = tuple(
        _history_entry(row, names, timezone) for row in reversed(entries) if row.action != "refused"
    )
    return OccurrenceDetail(
        unit=view.unit,
        plan=view.plan,
        task=view.task,
        title=view.title,
        area=view.area,
        period=view.period,
        period_start=view.period_start,
        period_end=view.period_end,
        due_date=view.due_date,
        due_weekday=weekday_date(view.due_date, lang),
        due_at=local_moment(view.due_at, timezone),
        status=view.status,
        overdue=view.overdue,
        working_days_left=view.working_days_left,
        lead_role=view.lead_role,
        lead_title=_role_title(ctx.plan, view.lead_role, lang),
        officer_email=view.officer_email,
        officer_name=view.officer_name,
        acting_for=view.acting_for,
        approver_role=approver,
        approver_title=_role_title(ctx.plan, approver, lang),
        approver_officers=tuple(
            h.name for h in holders(ctx.holdings, approver, ctx.today, view.area or None)
        ),
        reason=view.reason,
        documents=documents,
        extra=tuple(shown(e) for e in uploads if e.requirement not in asked),
        history=history,
    )


def _role_title(plan: Plan, code: str, lang: str) -> str:
    try:
        role = plan.role(code)
    except KeyError:
        return code
    return role.title_en if lang == "en" and role.title_en else role.title


def _history_entry(row: AuditEntry, names: dict[str, str], timezone: str) -> HistoryEntry:
    """An audit entry of an occurrence as its history shows it."""
    before, after = row.before or {}, row.after or {}
    changes = {k: v for k, v in after.items() if k not in ("status", "reason", "rule")}
    return HistoryEntry(
        at=local_moment(row.when, timezone),
        action=row.action,
        actor=row.actor,
        actor_name=names.get(row.actor),
        before=before.get("status"),
        after=after.get("status"),
        reason=after.get("reason") or None,
        rule=after.get("rule"),
        changes=changes or None,
    )
