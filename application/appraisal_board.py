"""The province's appraisal as its web pages read it — "bảng thẩm định".

- :func:`board` — the units below the reader's unit for a year: each one's self-assessment
  and appraisal stage (with the explanation deadline), the reader's own items still to score
  in the open round (an appraiser's), and the step the province's staff may take next;
- :func:`unit_page` — one unit's appraisal, item by item, as ``application.appraisal.show``
  lets the reader see it, with what the policy lets the reader do on each item (score and
  comment, explain) and the unit's evidence;
- :func:`open_document` — one of the unit's evidence documents, for whoever may read the
  unit's appraisal (the province's staff and appraisers never hold a position in the unit);
- :func:`own_result` — a unit's own published result and its place in the province's ranking.

Every reader is checked by the policy (``responsibilities.policy`` ``APPRAISAL``) before
anything about a unit is read; a refusal is ``Refused``. Reading writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from application.access import Identity
from application.appraisal import AppraisalView, _context, _Ctx, show
from application.uow import UnitOfWork
from domain.errors import LocalizedError
from responsibilities.policy import APPRAISER

if TYPE_CHECKING:
    from sqlmodel import Session

    from application.evidence_files import EvidenceFile
    from domain.framework import Framework
    from storage.blobs import BlobStore

IN_ROUND = ("round1", "round2")


def next_step(stage: str, today: dt.date, due: dt.date | None) -> str:
    """What the province's staff may do next to a unit at ``stage``: ``open`` (round 1 of a
    submitted self-assessment, round 2 once the explanation window is over), ``close``,
    ``publish``, or nothing (waiting for the unit)."""
    if stage == "submitted":
        return "open"
    if stage == "explanation":
        return "open" if due is not None and today > due else ""
    if stage in IN_ROUND:
        return "close"
    if stage == "closed":
        return "publish"
    return ""


def _items_of(framework: Framework) -> list[tuple[Any, str, str]]:
    """Each item of ``framework`` with the codes of its area and criterion."""
    return [(i, a.code, c.code) for a in framework.areas for c in a.criteria for i in c.items]


def _may_score(
    ctx: _Ctx, identity: Identity, year: int, stage: str, item: Any, *where: str
) -> bool:
    area, criterion = where
    subject = ctx.subject(
        task=item.code, item=item.code, area=area, criterion=criterion, year=year, stage=stage
    )
    return ctx.may(identity, "appraisal.score", subject)


# --- the overview --------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardLine:
    """A unit on the overview: ``stage`` is ``missing`` (no self-assessment), ``open`` (not
    submitted), ``submitted`` (waiting for round 1) or the cycle's stage; ``to_score`` of
    ``in_scope``: the reader's items without a score in the open round."""

    code: str
    name: str
    stage: str
    explanation_due: dt.date | None
    self_index: float | None
    appraised_index: float | None
    grade: str | None
    next_step: str
    in_scope: int = 0
    to_score: int = 0


@dataclass(frozen=True)
class Board:
    """The appraisal of the units below ``unit`` in ``year``, for its reader."""

    unit: str
    name: str
    year: int
    today: dt.date
    staff: bool
    appraiser: bool
    lines: list[BoardLine] = field(default_factory=list)

    def ready(self, step: str) -> int:
        """How many units the step ``open``, ``close`` or ``publish`` applies to now."""
        return sum(1 for line in self.lines if line.next_step == step)


@dataclass(frozen=True)
class OwnUnit:
    """The reader is an officer of a unit with nothing below it: their unit's own page."""

    unit: str
    year: int


def _default_year(session: Session, unit_ids: list[int], today: dt.date) -> int:
    """This year when a unit below has submitted this year's assessment, else last year (the
    council sits in the year after the one assessed)."""
    from storage.appraisal_board import board_rows

    rows = board_rows(session, unit_ids, today.year)
    return today.year if any(r.status == "submitted" for r in rows.values()) else today.year - 1


def board(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None = None,
    year: int | None = None,
) -> Board | OwnUnit:
    """The overview of the units below ``unit`` (default: the reader's own unit) for the
    province's staff and appraisers (``ranking.read``). An officer of a unit with nothing
    below it who may read that unit's appraisal is sent to it (``OwnUnit``)."""
    from application.completeness import unit_of
    from storage.appraisal import tree
    from storage.appraisal_board import board_rows, scored_items
    from storage.frameworks import read_framework_record

    with uow as session:
        shape = tree(session)
        row = unit_of(session, identity, unit, now)
        ctx = _context(session, row.code, now, shape)
        below = shape.below(ctx.unit_id)
        if year is None:
            year = _default_year(session, below or [ctx.unit_id], ctx.today)
        subject = ctx.subject(year=year)
        if not below and unit is None and ctx.may(identity, "appraisal.explain", subject):
            return OwnUnit(row.code, year)
        ctx.check(identity, "ranking.read", subject, key=str(year))
        if not below:
            raise LocalizedError("error.province_no_units", unit=row.code)
        staff = ctx.may(identity, "appraisal.manage", subject)
        me = identity.name
        appraiser = any(
            g.officer == me and g.role == APPRAISER and g.active(ctx.today)
            and g.year in (None, year)
            for g in ctx.grants
        )  # fmt: skip
        rows = board_rows(session, below, year)
        in_round = [r for r in rows.values() if r.cycle is not None and r.cycle.stage in IN_ROUND]
        scored = scored_items(session, [r.assessment_id for r in in_round]) if appraiser else set()
        frameworks: dict[str, list[tuple[Any, str, str]]] = {}
        lines = []
        for uid in below:
            found = rows.get(uid)
            cycle = found.cycle if found else None
            stage = cycle.stage if cycle else (found.status if found else "missing")
            due = cycle.explanation_due if cycle else None
            in_scope = to_score = 0
            if appraiser and found is not None and stage in IN_ROUND:
                if found.framework not in frameworks:
                    record = read_framework_record(found.framework, session=session)
                    frameworks[found.framework] = _items_of(record)
                round_ = 1 if stage == "round1" else 2
                for item, area, criterion in frameworks[found.framework]:
                    if _may_score(ctx, identity, year, stage, item, area, criterion):
                        in_scope += 1
                        to_score += (found.assessment_id, item.code, round_) not in scored
            published = cycle is not None and stage == "published"
            lines.append(
                BoardLine(
                    code=shape.units[uid].code,
                    name=shape.units[uid].name,
                    stage=stage,
                    explanation_due=due,
                    self_index=cycle.self_index if cycle else None,
                    appraised_index=cycle.appraised_index if published and cycle else None,
                    grade=cycle.grade if published and cycle else None,
                    next_step=next_step(stage, ctx.today, due) if staff else "",
                    in_scope=in_scope,
                    to_score=to_score,
                )
            )
        return Board(row.code, row.name, year, ctx.today, staff, appraiser, lines)


# --- one unit ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One evidence document of the unit, as a line links to it."""

    id: int
    name: str
    status: str
    task: str
    period: str


@dataclass(frozen=True)
class ItemLine:
    """An item of the unit's appraisal: what the reader sees (``show``'s answer), the unit's
    own reason and explanation, its documents, and what the reader may do on it."""

    code: str
    title: str
    max: float
    area: str
    criterion: str
    self_score: float | None
    self_reason: str
    self_explanation: str
    round1: float | None
    comment1: str
    reply: str
    reply_evidence: tuple[int, ...]
    round2: float | None
    comment2: str
    documents: tuple[Document, ...] = ()
    uploads: tuple[tuple[str, str], ...] = ()  # (task, period) where the unit can add one
    may_score: bool = False
    may_explain: bool = False


@dataclass(frozen=True)
class UnitAppraisal:
    """A unit's appraisal of a year on its page (``items`` empty: not submitted yet)."""

    unit: str
    name: str
    year: int
    today: dt.date
    stage: str
    explanation_due: dt.date | None
    steps: list[dict[str, Any]]
    self_index: float | None
    appraised_index: float | None
    grade: str | None
    shows_round1: bool
    shows_final: bool
    may_manage: bool
    next_step: str
    items: list[ItemLine] = field(default_factory=list)
    province: bool = False  # the reader is one of the province's (staff or appraiser)
    area_titles: dict[str, str] = field(default_factory=dict)

    @property
    def scoring_round(self) -> int | None:
        return {"round1": 1, "round2": 2}.get(self.stage)

    def may_score_any(self) -> bool:
        return any(i.may_score for i in self.items)

    def may_explain_any(self) -> bool:
        return any(i.may_explain for i in self.items)


@dataclass(frozen=True)
class _Access:
    """What the first look found: the unit's stage and the reader's rights on each item."""

    unit: str
    name: str
    today: dt.date
    stage: str
    submitted: bool
    due: dt.date | None
    may_manage: bool
    may_explain: bool
    province: bool
    areas: dict[str, tuple[str, str]]
    area_titles: dict[str, str]
    scorable: frozenset[str]
    reasons: dict[str, tuple[str, str]]
    documents: dict[str, tuple[Document, ...]]
    uploads: dict[str, tuple[tuple[str, str], ...]]


def _check_reader(ctx: _Ctx, identity: Identity, year: int) -> bool:
    """``Refused`` unless the reader may read the unit's appraisal (the province's) or answer
    it (the unit's CCHC officer and chairman); whether the reader is the province's."""
    subject = ctx.subject(year=year)
    province = ctx.may(identity, "appraisal.read", subject)
    if not province and not ctx.may(identity, "appraisal.explain", subject):
        ctx.check(identity, "appraisal.read", subject, key=str(year))
    return province


def _uploads(session: Session, unit_id: int, year: int) -> dict[str, tuple[tuple[str, str], ...]]:
    """Per item, the occurrences of the tasks linked to it (where a document is uploaded)."""
    from sqlmodel import select

    from models import Occurrence
    from storage.assessment import linked_items, plan_for_year
    from storage.plans import read_plan_record

    plan_row = plan_for_year(session, unit_id, year)
    plan = read_plan_record(plan_row, session=session)
    occs: dict[str, list[str]] = {}
    for task, period in session.exec(
        select(Occurrence.task_code, Occurrence.period).where(Occurrence.plan_id == plan_row.id)
    ):
        occs.setdefault(task, []).append(period)
    return {
        item: tuple((t, p) for t in tasks for p in sorted(occs.get(t, [])))
        for item, tasks in linked_items(plan).items()
    }


def _first_look(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, unit: str, year: int
) -> _Access:
    from application.appraisal import _assessment, _cycle
    from application.frozen import frozen_card
    from storage.assessment import evidence_files
    from storage.frameworks import read_framework_record

    with uow as session:
        ctx = _context(session, unit, now)
        province = _check_reader(ctx, identity, year)
        assessment = _assessment(session, ctx.unit_id, year)
        submitted = assessment is not None and assessment.status == "submitted"
        cycle = _cycle(session, assessment) if assessment is not None and submitted else None
        stage = (
            cycle.stage if cycle else (assessment.status if assessment is not None else "missing")
        )
        subject = ctx.subject(year=year, stage=stage)
        due = cycle.explanation_due if cycle else None
        may_explain = (
            stage == "explanation"
            and (due is None or ctx.today <= due)
            and ctx.may(identity, "appraisal.explain", subject)
        )
        areas: dict[str, tuple[str, str]] = {}
        titles: dict[str, str] = {}
        scorable: set[str] = set()
        reasons: dict[str, tuple[str, str]] = {}
        documents: dict[str, list[Document]] = {}
        uploads: dict[str, tuple[tuple[str, str], ...]] = {}
        if assessment is not None and submitted:
            framework = read_framework_record(assessment.framework_code, session=session)
            titles.update({a.code: a.title for a in framework.areas})
            for item, area, criterion in _items_of(framework):
                areas[item.code] = (area, criterion)
                if stage in IN_ROUND and _may_score(
                    ctx, identity, year, stage, item, area, criterion
                ):
                    scorable.add(item.code)
            card = frozen_card(assessment)
            for i in card.items() if card else []:
                reasons[i.code] = (i.self_reason, i.explanation)
            seen: set[tuple[str, int]] = set()
            for f in evidence_files(session, unit_id=ctx.unit_id, year=year):
                if (f.item, f.evidence_id) not in seen:
                    seen.add((f.item, f.evidence_id))
                    documents.setdefault(f.item, []).append(
                        Document(f.evidence_id, f.file_name, f.status, f.task, f.period)
                    )
            if may_explain:
                uploads = _uploads(session, ctx.unit_id, year)
        return _Access(
            unit=ctx.unit.code,
            name=ctx.unit.name,
            today=ctx.today,
            stage=stage,
            submitted=submitted,
            due=due,
            may_manage=ctx.may(identity, "appraisal.manage", subject),
            may_explain=may_explain,
            province=province,
            areas=areas,
            area_titles=titles,
            scorable=frozenset(scorable),
            reasons=reasons,
            documents={k: tuple(v) for k, v in documents.items()},
            uploads=uploads,
        )


def unit_page(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, unit: str, year: int
) -> UnitAppraisal:
    """``unit``'s appraisal of ``year`` for the page: the province's staff and appraisers see
    everything; the unit's CCHC officer and chairman their stage, round 1's scores and comments
    once round 1 is closed, the final scores once published; anyone else is refused."""
    look = _first_look(uow, identity, now, unit, year)
    step = next_step(look.stage, look.today, look.due) if look.may_manage else ""
    if not look.submitted:
        return UnitAppraisal(
            look.unit, look.name, year, look.today, look.stage, None, [], None, None, None,
            False, False, look.may_manage, step, [], look.province,
        )  # fmt: skip
    view: AppraisalView = show(uow, identity, now, unit=unit, year=year)
    items = []
    for i in view.items:
        area, criterion = look.areas.get(i.code, ("", ""))
        reason, explanation = look.reasons.get(i.code, ("", ""))
        items.append(
            ItemLine(
                code=i.code,
                title=i.title,
                max=i.max,
                area=area,
                criterion=criterion,
                self_score=i.self_score,
                self_reason=reason,
                self_explanation=explanation,
                round1=i.round1,
                comment1=i.comment1,
                reply=i.reply,
                reply_evidence=i.evidence,
                round2=i.round2,
                comment2=i.comment2,
                documents=look.documents.get(i.code, ()),
                uploads=look.uploads.get(i.code, ()),
                may_score=i.code in look.scorable,
                may_explain=look.may_explain,
            )
        )
    return UnitAppraisal(
        unit=view.unit,
        name=view.name,
        year=year,
        today=look.today,
        stage=view.stage,
        explanation_due=view.explanation_due,
        steps=view.steps,
        self_index=view.self_index,
        appraised_index=view.appraised_index,
        grade=view.grade,
        shows_round1=view.shows_round1,
        shows_final=view.shows_final,
        may_manage=look.may_manage,
        next_step=step,
        items=items,
        province=look.province,
        area_titles=look.area_titles,
    )


def open_document(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str,
    year: int,
    evidence_id: int,
    store: BlobStore,
) -> EvidenceFile:
    """One evidence document of ``unit``'s ``year``, for whoever may read the unit's
    appraisal; its content verified against its SHA-256 as when the unit opens it."""
    from application.evidence_files import (
        DOWNLOAD,
        INLINE,
        NEUTRAL,
        EvidenceFile,
        _verified,
        inline_type,
    )
    from domain.errors import NotFoundError
    from models import Blob, Evidence
    from storage.assessment import evidence_files

    with uow as session:
        ctx = _context(session, unit, now)
        _check_reader(ctx, identity, year)
        known = {f.evidence_id for f in evidence_files(session, unit_id=ctx.unit_id, year=year)}
        row = session.get(Evidence, evidence_id) if evidence_id in known else None
        if row is None:
            raise NotFoundError("error.evidence_not_found", id=evidence_id)
        blob = session.get(Blob, row.blob_sha256)
        stored = blob.media_type if blob else NEUTRAL
        size = blob.size if blob else 0
        name, sha256 = row.file_name, row.blob_sha256
    content = _verified(store, sha256, size, evidence_id)
    inline = inline_type(stored, content)
    # a type that would be shown in place but whose content is not that type: neutral
    served = stored if inline or (stored in DOWNLOAD and stored not in INLINE) else NEUTRAL
    return EvidenceFile(evidence_id, name, served, content, inline)
