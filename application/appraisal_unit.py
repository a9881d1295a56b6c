"""One unit's appraisal as its web page reads it — "thẩm định của một đơn vị".

- :func:`unit_page` — the unit's appraisal of a year, item by item, as
  ``application.appraisal.show`` lets the reader see it, with what the policy lets the reader
  do on each item (score and comment, explain) and the unit's evidence;
- :func:`open_document` — one of the unit's evidence documents, for whoever may read the
  unit's appraisal (the province's staff and appraisers hold no position in the unit, so the
  unit's own ``/tai-lieu/{id}`` refuses them).

The reader is checked by the policy before anything about the unit is read; reading writes
nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from application.access import Identity
from application.appraisal import AppraisalView, _context, _Ctx, show
from application.appraisal_board import IN_ROUND, items_of, may_score, next_step
from application.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlmodel import Session

    from application.evidence_files import EvidenceFile
    from storage.blobs import BlobStore


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
            for item, area, criterion in items_of(framework):
                areas[item.code] = (area, criterion)
                if stage in IN_ROUND and may_score(
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
