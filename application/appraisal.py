"""The province's appraisal of its units' self-assessments — "thẩm định Chỉ số CCHC".

Per unit and year: the submitted self-assessment → appraisal round 1 by the province's
council (appraisers assigned by area or criterion score and comment each item) → the unit's
explanation window (``days`` Vietnamese working days from round 1's close, ``explanation_due``
inclusive) → appraisal round 2 (final) → closed → published. Each step is dated in the cycle,
audited, and told to the unit's chairman and CCHC officer through the outbox. What each step
locks: the unit's self-assessment cannot be reopened once round 1 opened (appraisal scores the
unit typed in itself before submitting, ``cchc par set --appraisal-1``, are cleared then: only
the council's count); appraisers write only while a round is open (nothing once published);
the unit explains only in its window.

Who may (``responsibilities.policy``, ``APPRAISAL``): province officers are officers of a unit
above the unit (the province, through ``parent_id``) with a ``province_role`` there —
``province_staff`` for a date range, ``appraiser`` for a year and an area or criterion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from application.access import Gate, Identity
from application.uow import UnitOfWork
from domain.clock import local_today
from domain.errors import ConflictError, LocalizedError, NotFoundError, terms
from models import AppraisalCycle, Assessment, Officer, UnitRecord
from responsibilities.policy import APPRAISER, PROVINCE_STAFF, ProvinceGrant, Subject, decide

if TYPE_CHECKING:
    from sqlmodel import Session

    from storage.appraisal import Tree

ROLES = (PROVINCE_STAFF, APPRAISER)
STAGES = ("round1", "explanation", "round2", "closed", "published")
EXPLANATION_DAYS = 5  # working days the unit has to explain, unless the staff say otherwise
_OPENS = {"submitted": ("round1", "open_round1"), "explanation": ("round2", "open_round2")}
_CLOSES = {"round1": ("explanation", "close_round1"), "round2": ("closed", "close_round2")}


@dataclass
class _Ctx:
    """A unit and the roles over it, inside an open unit of work."""

    session: Session
    unit: UnitRecord
    today: dt.date
    gate: Gate
    grants: tuple[ProvinceGrant, ...]
    timezone: str

    @property
    def unit_id(self) -> int:
        return self.unit.id or 0

    def subject(self, **values: Any) -> Subject:
        return Subject(grants=self.grants, **values)

    def check(self, identity: Identity, action: str, subject: Subject, *, key: str) -> str:
        actor = self.gate.check(
            identity, action, subject, on=self.today, entity="appraisal", key=key
        )
        return actor.identity

    def may(self, identity: Identity, action: str, subject: Subject) -> bool:
        actor = self.gate.actor(identity)
        return decide(actor, action, subject, self.today, self.gate.holdings).allowed


def _context(session: Session, unit: str, now: dt.datetime, shape: Tree | None = None) -> _Ctx:
    from storage.appraisal import grants_over, tree
    from storage.plans import unit_timezone
    from storage.units import get_unit

    row = get_unit(unit, session=session)
    shape = shape or tree(session)
    grants, names = grants_over(session, shape.above(row.id or 0))
    gate = Gate.load(session, row.id or 0)
    gate.names = {**names, **gate.names}
    timezone = unit_timezone(session=session, unit_id=row.id or 0)
    return _Ctx(session, row, local_today(now, timezone), gate, tuple(grants), timezone)


# --- roles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleResult:
    """A province role given: to whom, which, for which year and scope, from when."""

    unit: str
    email: str
    role: str
    year: int | None
    scope: str
    start: dt.date
    end: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "email": self.email,
            "role": self.role,
            "year": self.year,
            "scope": self.scope,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
        }


def grant_role(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str,
    email: str,
    role: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> RoleResult:
    """``cchc appraisal role``: make an officer of the province (``unit``) its CCHC staff
    (``province_staff``) or an appraiser for every year and item (``appraiser``), from
    ``start`` (today) to ``end`` (open)."""
    if role not in ROLES:
        raise LocalizedError("error.appraisal_bad_role", role=role, allowed=", ".join(ROLES))
    return _give(uow, identity, now, unit=unit, email=email, role=role, start=start, end=end)


def assign(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str,
    email: str,
    year: int,
    area: str | None = None,
    criterion: str | None = None,
) -> RoleResult:
    """``cchc appraisal assign``: an officer of the province appraises ``year``'s items of
    one area or one criterion (an area or criterion of a framework loaded here)."""
    if (area is None) == (criterion is None):
        raise LocalizedError("error.appraisal_one_scope")
    # the year's assessment is appraised the year after: the assignment holds for that year's
    # assessment from its first day, whenever the council sits
    start = dt.date(year, 1, 1)
    return _give(
        uow, identity, now, unit=unit, email=email, role=APPRAISER, year=year,
        scope=(area or criterion or "").strip(),
        level="area" if area is not None else "criterion", start=start,
    )  # fmt: skip


def _check_scope(session: Session, scope: str, level: str) -> str:
    """The code of the area or criterion ``scope`` names in a framework loaded here (an area
    may be given by its number: ``3`` for ``A3``)."""
    from sqlmodel import col, select

    from models import FrameworkNode

    wanted = [scope, f"A{scope}"] if level == "area" else [scope]
    found = session.exec(
        select(FrameworkNode.code).where(
            col(FrameworkNode.code).in_(wanted), FrameworkNode.level == level
        )
    ).all()
    for code in wanted:
        if code in found:
            return code
    if not found:
        raise NotFoundError(
            "error.appraisal_bad_scope", scope=scope, level=terms(f"appraisal.level.{level}")
        )
    return scope


def _give(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str,
    email: str,
    role: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    year: int | None = None,
    scope: str = "",
    level: str = "",
) -> RoleResult:
    """The role given, the policy asked first (a stranger learns nothing of the scope or the
    unit's officers: 403 before 404)."""
    from sqlmodel import select

    from storage.appraisal import add_role

    email = email.strip().lower()
    with uow as session:
        ctx = _context(session, unit, now)
        actor = ctx.check(
            identity, "appraisal.assign", ctx.subject(year=year), key=f"{email}/{role}"
        )
        if level:
            scope = _check_scope(session, scope, level)
        officer = session.exec(
            select(Officer).where(Officer.unit_id == ctx.unit_id, Officer.email == email)
        ).first()
        if officer is None:
            raise NotFoundError("error.appraisal_not_unit_officer", email=email, unit=unit)
        begin = start or ctx.today
        if end is not None and end < begin:
            raise LocalizedError("error.appraisal_bad_dates", start=begin, end=end)
        add_role(
            session,
            unit_id=ctx.unit_id,
            officer=officer,
            role=role,
            start=begin,
            end=end,
            year=year,
            scope=scope,
            actor=actor,
            now=now,
        )
        return RoleResult(unit, email, role, year, scope, begin, end)


# --- the cycle -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StepResult:
    """Where a unit's appraisal stands after a step (``due``: the explanation deadline)."""

    unit: str
    year: int
    stage: str
    due: dt.date | None = None
    appraised_index: float | None = None
    grade: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "year": self.year,
            "stage": self.stage,
            "explanation_due": self.due.isoformat() if self.due else None,
            "appraised_index": self.appraised_index,
            "grade": self.grade,
        }


def open_round(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, unit: str, year: int
) -> list[StepResult]:
    """``cchc appraisal open``: round 1 of a submitted self-assessment, or round 2 once the
    unit's explanation window is over — of ``unit``, or of every unit below it that is ready."""
    return _each(uow, identity, now, unit, year, "open")


def close_round(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str,
    year: int,
    days: int = EXPLANATION_DAYS,
) -> list[StepResult]:
    """``cchc appraisal close``: close round 1 (every item scored; the unit sees the scores
    and comments and explains within ``days`` working days) or round 2."""
    if not 1 <= days <= 60:
        raise LocalizedError("error.appraisal_bad_days", days=days)
    return _each(uow, identity, now, unit, year, "close", days=days)


def publish(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, unit: str, year: int
) -> list[StepResult]:
    """``cchc appraisal publish``: publish the final (round 2) result: the appraised index
    and grade are fixed, the unit sees them, nobody appraises any more."""
    return _each(uow, identity, now, unit, year, "publish")


def _each(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    unit: str,
    year: int,
    what: str,
    *,
    days: int = EXPLANATION_DAYS,
) -> list[StepResult]:
    """The step for ``unit`` itself when it has an assessment of ``year``, else for every
    unit below it whose appraisal is at a stage the step applies to (all or nothing)."""
    from storage.appraisal import tree
    from storage.units import get_unit

    with uow as session:
        shape = tree(session)
        top = get_unit(unit, session=session)
        below = shape.below(top.id or 0)
        targets = below or [top.id or 0]
        results = []
        for uid in targets:
            code = shape.units[uid].code
            ctx = _context(session, code, now, shape)
            assessment = _assessment(session, uid, year)
            cycle = _cycle(session, assessment) if assessment is not None else None
            stage = cycle.stage if cycle else "submitted"
            # the policy first: a stranger learns nothing of the units' stages (403, not 409)
            actor = ctx.check(
                identity, "appraisal.manage", ctx.subject(year=year, stage=stage), key=str(year)
            )
            if assessment is None or assessment.status != "submitted":
                if below:
                    continue
                raise ConflictError("error.appraisal_not_submitted", unit=code, year=year)
            if below and not _applies(what, stage, ctx.today, cycle):
                continue
            results.append(_step(ctx, assessment, cycle, what, actor, now, days))
        if not results:
            raise ConflictError(
                "error.appraisal_nothing_to_do",
                unit=unit,
                year=year,
                what=terms(f"appraisal.do.{what}"),
            )
        return results


def _applies(what: str, stage: str, today: dt.date, cycle: AppraisalCycle | None) -> bool:
    if what == "open":
        if stage == "explanation":
            return (
                cycle is not None
                and cycle.explanation_due is not None
                and today > cycle.explanation_due
            )
        return stage in _OPENS
    if what == "close":
        return stage in _CLOSES
    return stage == "closed"


def _assessment(session: Session, unit_id: int, year: int) -> Assessment | None:
    from sqlmodel import col, select

    return session.exec(
        select(Assessment)
        .where(Assessment.unit_id == unit_id, Assessment.year == year)
        .order_by(col(Assessment.id).desc())
    ).first()


def _cycle(session: Session, assessment: Assessment) -> AppraisalCycle | None:
    from storage.appraisal import cycle_of

    return cycle_of(session, assessment.id or 0)


def _wrong_stage(ctx: _Ctx, year: int, stage: str, what: str) -> ConflictError:
    return ConflictError(
        "error.appraisal_wrong_stage",
        unit=ctx.unit.code,
        year=year,
        stage=terms(f"appraisal.stage.{stage}"),
        what=terms(f"appraisal.do.{what}"),
    )


def _step(
    ctx: _Ctx,
    assessment: Assessment,
    cycle: AppraisalCycle | None,
    what: str,
    actor: str,
    now: dt.datetime,
    days: int,
) -> StepResult:
    from storage.appraisal import step

    session, year = ctx.session, assessment.year
    stage = cycle.stage if cycle else "submitted"
    changes: dict[str, Any]
    if what == "open":
        if stage not in _OPENS:
            raise _wrong_stage(ctx, year, stage, what)
        if stage == "explanation":
            assert cycle is not None and cycle.explanation_due is not None
            if ctx.today <= cycle.explanation_due:
                raise ConflictError(
                    "error.appraisal_window_running",
                    unit=ctx.unit.code,
                    due=f"{cycle.explanation_due:%d/%m/%Y}",
                )
            name = "open_round2"
            changes = {"stage": "round2", "round2_opened_at": now}
        else:
            snap = (assessment.snapshot or {}).get("scorecard", {})
            cycle = AppraisalCycle(
                assessment_id=assessment.id or 0, unit_id=ctx.unit_id, year=year, stage="round1"
            )
            name = "open_round1"
            from storage.appraisal import clear_appraisals

            clear_appraisals(session, assessment, actor=actor, now=now)
            changes = {
                "stage": "round1",
                "round1_opened_at": now,
                "self_index": snap.get("self_index"),
                "survey_total": snap.get("survey_total"),
            }
    elif what == "close":
        if stage not in _CLOSES:
            raise _wrong_stage(ctx, year, stage, what)
        assert cycle is not None
        if stage == "round1":
            _require_scored(ctx, assessment)
            from storage.calendar import load_calendar

            calendar = load_calendar(session=session, years=[ctx.today.year])
            due = calendar.add(ctx.today, days)
            name = "close_round1"
            changes = {"stage": "explanation", "round1_closed_at": now, "explanation_due": due}
        else:
            name = "close_round2"
            changes = {"stage": "closed", "round2_closed_at": now}
    else:
        if stage != "closed":
            raise _wrong_stage(ctx, year, stage, what)
        assert cycle is not None
        from storage.assessment import scorecard

        card, _ = scorecard(session, unit_id=ctx.unit_id, year=year, now=now, create=False)
        name = "publish"
        changes = {
            "stage": "published",
            "published_at": now,
            "published_by": actor,
            "appraised_total": card.appraised_total,
            "appraised_index": card.appraised_index,
            "grade": card.appraised_grade,
        }
    assert cycle is not None
    step(session, cycle, name=name, changes=changes, actor=actor, now=now)
    _tell_unit(ctx, cycle, name, now)
    return StepResult(
        ctx.unit.code, year, cycle.stage, cycle.explanation_due, cycle.appraised_index, cycle.grade
    )


def _require_scored(ctx: _Ctx, assessment: Assessment) -> None:
    """Round 1 closes only when every item has its round 1 score."""
    from storage.appraisal import notes
    from storage.frameworks import read_framework_record

    framework = read_framework_record(assessment.framework_code, session=ctx.session)
    scored = {n.item for n in notes(ctx.session, assessment.id or 0) if n.round == 1}
    missing = [i.code for i in framework.items() if i.code not in scored]
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise ConflictError(
            "error.appraisal_unscored", unit=ctx.unit.code, count=len(missing), items=shown
        )


def _tell_unit(ctx: _Ctx, cycle: AppraisalCycle, name: str, now: dt.datetime) -> None:
    """The unit's chairman and CCHC officer hear of each step, in their language."""
    from application.notices import enqueue, recipient
    from notifications.render import appraisal_context, render
    from responsibilities.holding import holders
    from storage.calendar import load_calendar

    calendar = load_calendar(session=ctx.session, years=[ctx.today.year])
    seen: set[str] = set()
    for position in ("chairman", "cchc_officer"):
        for holder in holders(ctx.gate.holdings, position, ctx.today):
            if holder.officer in seen:
                continue
            seen.add(holder.officer)
            to = recipient(ctx.session, ctx.unit_id, holder.officer, holder.name)
            context = appraisal_context(
                lang=to.lang,
                unit_name=ctx.unit.name or ctx.unit.code,
                recipient_name=to.name,
                step=name,
                year=cycle.year,
                due=cycle.explanation_due,
                index=cycle.appraised_index,
                grade=cycle.grade,
            )
            enqueue(
                ctx.session,
                to=to,
                kind="appraisal",
                key=f"appraisal:{cycle.id}:{name}",
                rendered=render("appraisal", context, to.lang),
                now=now,
                calendar=calendar,
                timezone=ctx.timezone,
                unit_id=ctx.unit_id,
            )


# --- scoring and explaining ----------------------------------------------------------------


@dataclass(frozen=True)
class NoteResult:
    """What was entered for an item: by whom, in which round."""

    unit: str
    year: int
    item: str
    round: int
    actor: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "year": self.year,
            "item": self.item,
            "round": self.round,
            "actor": self.actor,
        }


def _stage(ctx: _Ctx, year: int) -> tuple[AppraisalCycle | None, str]:
    """The appraisal's cycle and stage for the policy, whatever the assessment's state."""
    assessment = _assessment(ctx.session, ctx.unit_id, year)
    cycle = _cycle(ctx.session, assessment) if assessment is not None else None
    return cycle, cycle.stage if cycle else "submitted"


def _year(ctx: _Ctx, year: int) -> tuple[Assessment, AppraisalCycle | None]:
    assessment = _assessment(ctx.session, ctx.unit_id, year)
    if assessment is None or assessment.status != "submitted":
        raise ConflictError("error.appraisal_not_submitted", unit=ctx.unit.code, year=year)
    return assessment, _cycle(ctx.session, assessment)


def _where(ctx: _Ctx, item: str) -> tuple[str | None, str | None]:
    """The area and criterion of ``item`` in a framework loaded here (for the policy, before
    the unit's assessment of the year is looked at); (None, None) when none has it."""
    from sqlmodel import select

    from models import FrameworkNode

    node = ctx.session.exec(
        select(FrameworkNode).where(FrameworkNode.code == item, FrameworkNode.level == "item")
    ).first()
    if node is None or node.parent_code is None:
        return None, None
    parent = ctx.session.exec(
        select(FrameworkNode).where(
            FrameworkNode.framework_id == node.framework_id,
            FrameworkNode.code == node.parent_code,
        )
    ).first()
    return (parent.parent_code if parent else None), node.parent_code


def _item(ctx: _Ctx, assessment: Assessment, item: str) -> tuple[Any, str, str]:
    """The framework's item ``item`` with the codes of its area and criterion."""
    from storage.frameworks import read_framework_record

    framework = read_framework_record(assessment.framework_code, session=ctx.session)
    for area in framework.areas:
        for criterion in area.criteria:
            for node in criterion.items:
                if node.code == item:
                    return node, area.code, criterion.code
    raise LocalizedError("error.item_not_found", item=item, framework=framework.code)


def score(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str,
    year: int,
    item: str,
    points: float,
    comment: str = "",
) -> NoteResult:
    """``cchc appraisal score``: an appraiser's score and comment on an item of ``unit``'s
    assessment in the open round (1 or 2), within the item's maximum."""
    import math

    from storage.appraisal import save_note

    with uow as session:
        ctx = _context(session, unit, now)
        cycle, stage = _stage(ctx, year)
        area, criterion = _where(ctx, item)
        # the policy first: a stranger learns nothing of the unit's stage (403, not 409)
        actor = ctx.check(
            identity,
            "appraisal.score",
            ctx.subject(
                task=item, item=item, area=area, criterion=criterion, year=year, stage=stage
            ),
            key=f"{year}/{item}",
        )
        assessment, cycle = _year(ctx, year)
        node, _, _ = _item(ctx, assessment, item)
        if cycle is None or stage not in ("round1", "round2"):
            raise _wrong_stage(ctx, year, stage, "score")
        if not (math.isfinite(points) and 0 <= points <= node.max):
            raise LocalizedError("error.score_out_of_range", item=item, value=points, max=node.max)
        round_ = 1 if stage == "round1" else 2
        save_note(
            session,
            assessment,
            item=item,
            round_=round_,
            points=points,
            comment=comment.strip(),
            actor=actor,
            now=now,
        )
        return NoteResult(unit, year, item, round_, actor)


def explain(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str,
    year: int,
    item: str,
    text: str,
    evidence: tuple[int, ...] = (),
) -> NoteResult:
    """``cchc appraisal explain``: the unit's explanation of an item after round 1, with the
    ids of its evidence documents of the year — only until the window's last working day."""
    from storage.appraisal import save_reply
    from storage.assessment import evidence_files

    with uow as session:
        ctx = _context(session, unit, now)
        cycle, stage = _stage(ctx, year)
        # the policy first: a stranger learns nothing of the unit's stage (403, not 409)
        actor = ctx.check(
            identity,
            "appraisal.explain",
            ctx.subject(task=item, item=item, year=year, stage=stage),
            key=f"{year}/{item}",
        )
        assessment, cycle = _year(ctx, year)
        if cycle is None or stage != "explanation":
            raise _wrong_stage(ctx, year, stage, "explain")
        if cycle.explanation_due is not None and ctx.today > cycle.explanation_due:
            raise ConflictError(
                "error.appraisal_window_over",
                unit=ctx.unit.code,
                due=f"{cycle.explanation_due:%d/%m/%Y}",
            )
        _item(ctx, assessment, item)
        if not text.strip():
            raise LocalizedError("error.appraisal_empty_explanation", item=item)
        known = {f.evidence_id for f in evidence_files(session, unit_id=ctx.unit_id, year=year)}
        unknown = [str(e) for e in evidence if e not in known]
        if unknown:
            raise NotFoundError(
                "error.appraisal_unknown_evidence", ids=", ".join(unknown), unit=unit, year=year
            )
        save_reply(
            session,
            assessment,
            item=item,
            text=text.strip(),
            evidence_ids=sorted(set(evidence)),
            actor=actor,
            now=now,
        )
        return NoteResult(unit, year, item, 0, actor)


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemView:
    """An item as the reader may see it (None: not shown to this reader)."""

    code: str
    title: str
    max: float
    self_score: float | None
    round1: float | None = None
    comment1: str = ""
    reply: str = ""
    evidence: tuple[int, ...] = ()
    round2: float | None = None
    comment2: str = ""


@dataclass(frozen=True)
class AppraisalView:
    """A unit's appraisal of a year: its stage and dates, and what the reader may see."""

    unit: str
    name: str
    year: int
    stage: str
    steps: list[dict[str, Any]]
    explanation_due: dt.date | None
    self_index: float | None
    appraised_index: float | None
    grade: str | None
    items: list[ItemView] = field(default_factory=list)
    shows_round1: bool = False
    shows_final: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name": self.name,
            "year": self.year,
            "stage": self.stage,
            "steps": self.steps,
            "explanation_due": self.explanation_due.isoformat() if self.explanation_due else None,
            "self_index": self.self_index,
            "appraised_index": self.appraised_index,
            "grade": self.grade,
            "items": [
                {
                    "code": i.code,
                    "max": i.max,
                    "self": i.self_score,
                    "round1": i.round1,
                    "comment1": i.comment1,
                    "explanation": i.reply,
                    "evidence": list(i.evidence),
                    "round2": i.round2,
                    "comment2": i.comment2,
                }
                for i in self.items
            ],
        }


def show(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, unit: str, year: int
) -> AppraisalView:
    """``cchc appraisal show``: the province's users see everything; the unit sees its stage
    and dates, round 1's scores and comments once round 1 is closed, the final scores once
    published; anyone else is refused."""
    from application.frozen import frozen_card
    from storage.appraisal import notes, replies

    with uow as session:
        ctx = _context(session, unit, now)
        assessment, cycle = _year(ctx, year)
        stage = cycle.stage if cycle else "submitted"
        subject = ctx.subject(year=year, stage=stage)
        round1 = ctx.may(identity, "appraisal.read", subject)
        final = ctx.may(identity, "appraisal.read_final", subject)
        if not round1 and not ctx.may(identity, "appraisal.explain", subject):
            ctx.check(identity, "appraisal.read", subject, key=str(year))
        card = frozen_card(assessment)
        by_note = {(n.item, n.round): n for n in notes(session, assessment.id or 0)}
        by_reply = {r.item: r for r in replies(session, assessment.id or 0)}
        items = []
        for i in card.items() if card else []:
            n1, n2, reply = by_note.get((i.code, 1)), by_note.get((i.code, 2)), by_reply.get(i.code)
            items.append(
                ItemView(
                    i.code,
                    i.title,
                    i.max,
                    i.self_score,
                    round1=n1.points if n1 and round1 else None,
                    comment1=n1.comment if n1 and round1 else "",
                    reply=reply.text if reply and round1 else "",
                    evidence=tuple(reply.evidence_ids) if reply and round1 else (),
                    round2=n2.points if n2 and final else None,
                    comment2=n2.comment if n2 and final else "",
                )
            )
        return AppraisalView(
            unit=ctx.unit.code,
            name=ctx.unit.name,
            year=year,
            stage=stage,
            steps=list(cycle.steps) if cycle else [],
            explanation_due=cycle.explanation_due if cycle else None,
            self_index=card.self_index if card else None,
            appraised_index=cycle.appraised_index if cycle and final else None,
            grade=cycle.grade if cycle and final else None,
            items=items,
            shows_round1=round1,
            shows_final=final,
        )
