"""The PAR Index self-assessment — "tự đánh giá Chỉ số CCHC": scores, submission, the pack.

Use cases take a unit of work, the acting ``Identity``, ``now`` and typed inputs, and return
typed results. Every change asks the policy first, on the unit's local date
(``local_today(now, plan.timezone)``): scores, explanations, survey and appraisal results,
bonus and penalty (``par.edit``) are the CCHC officer's or the chairman's; submitting and
reopening (``par.submit`` / ``par.reopen``) are the chairman's (or the acting chairman's).
What a valid entry is (within the item's maximum, a reason for overriding the suggestion, no
self-score for survey items, nothing once submitted) is decided here; storage only keeps it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from application.access import Gate, Identity
from application.frozen import frozen_card
from application.units import letterhead
from application.uow import UnitOfWork
from domain.audit_chain import Anchor
from domain.clock import DEFAULT_TIMEZONE, local_today
from domain.errors import LocalizedError, terms
from domain.framework import Framework, Item
from domain.plan import Plan
from domain.scoring import Scorecard
from models import Assessment, UnitRecord
from responsibilities.policy import Subject
from storage.assessment import (
    ENTRY_FIELDS,
    entry_values,
    evidence_files,
    freeze,
    get_assessment,
    mark_open,
    plan_for_year,
    save_adjustments,
    save_entry,
)
from storage.assessment import (
    scorecard as score_year,
)
from storage.audit import head as log_head
from storage.frameworks import read_framework_record
from storage.plans import read_plan_record
from storage.units import resolve_unit

if TYPE_CHECKING:
    from sqlmodel import Session

    from storage.blobs import BlobStore

SCORED = ("self_score", "survey", "appraisal_1", "appraisal_2")


@dataclass(frozen=True)
class _Year:
    """A unit's assessment year inside an open unit of work."""

    session: Session
    unit: UnitRecord
    year: int
    plan: Plan
    today: dt.date
    gate: Gate

    @property
    def unit_id(self) -> int:
        return self.unit.id or 0

    def assessment(self) -> tuple[Framework, Assessment]:
        """The year's framework and assessment row (created when first needed)."""
        if not self.plan.framework:
            raise LocalizedError("error.plan_without_framework", plan=self.plan.code)
        fw = read_framework_record(self.plan.framework, session=self.session)
        return fw, get_assessment(self.session, self.unit_id, self.year, fw.code)

    def check(self, identity: Identity, action: str, *, entity: str, key: str) -> str:
        """The acting officer's email when the policy allows ``action``; ``Refused`` otherwise."""
        actor = self.gate.check(identity, action, Subject(), on=self.today, entity=entity, key=key)
        return actor.identity


def _open_year(session: Session, unit: str | None, year: int, now: dt.datetime) -> _Year:
    unit_row = resolve_unit(unit, session=session)
    plan_row = plan_for_year(session, unit_row.id or 0, year)
    plan = read_plan_record(plan_row, session=session)
    today = local_today(now, plan_row.timezone or DEFAULT_TIMEZONE)
    gate = Gate.load(session, unit_row.id or 0, plan)
    return _Year(session, unit_row, year, plan, today, gate)


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScorecardResult:
    """The scorecard of a year and the assessment's state (``open`` or ``submitted``)."""

    card: Scorecard
    status: str
    snapshot_sha256: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.card.as_dict(),
            "status": self.status,
            "snapshot_sha256": self.snapshot_sha256 or None,
        }


def scorecard(
    uow: UnitOfWork, now: dt.datetime, *, unit: str | None = None, year: int
) -> ScorecardResult:
    """``cchc par score``: maximum, suggested, self-assessed and appraised points per item;
    a submitted assessment's are its snapshot's."""
    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        card, assessment = _card(session, unit_row.id or 0, year, now)
        return ScorecardResult(card, assessment.status, assessment.snapshot_sha256 or None)


def _card(
    session: Session, unit_id: int, year: int, now: dt.datetime
) -> tuple[Scorecard, Assessment]:
    """The year's scorecard: the submitted snapshot's while submitted, else scored now."""
    card, assessment = score_year(session, unit_id=unit_id, year=year, now=now, create=False)
    return frozen_card(assessment) or card, assessment


@dataclass(frozen=True)
class PackResult:
    """Where the submission pack was written and how many evidence files it holds."""

    folder: str
    sheet: str
    report: str
    files: int
    framework: str = ""
    model: bool = False  # scored on a model framework, not the issued index
    anchor: str = ""  # the audit log's head when the pack was made (cchc-anchor:COUNT:HASH)

    def as_dict(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "sheet": self.sheet,
            "report": self.report,
            "files": self.files,
            "framework": self.framework,
            "model": self.model,
            "anchor": self.anchor,
        }


def export_pack(
    uow: UnitOfWork,
    now: dt.datetime,
    *,
    unit: str | None = None,
    year: int,
    out_dir: Path,
    blobs: BlobStore,
    template: Path | None = None,
) -> PackResult:
    """``cchc par export``: the score sheet, the report, the evidence by item and a manifest,
    written into ``out_dir`` (evidence copied from ``blobs``). Changes nothing stored.

    The report is dated today (the plan's time zone), issued by the unit under its parent and
    signed by whoever holds the chairman's position today; ``template``: a ward's own .docx
    to write it on."""
    from application.submission_pack import write_pack

    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        card, assessment = _card(session, uid, year, now)
        files = evidence_files(session, unit_id=uid, year=year)
        today = local_today(now, plan_for_year(session, uid, year).timezone or DEFAULT_TIMEZONE)
        head = letterhead(session, unit_row, today)
        anchor = Anchor(*log_head(session=session)).token
        summary = write_pack(
            card,
            out_dir,
            year=year,
            head=head,
            difficulties=assessment.difficulties,
            files=files,
            open_blob=blobs.open,
            template=template,
            anchor=anchor,
        )
    return PackResult(**summary, framework=card.framework, model=card.model)


# --- entering scores -------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryResult:
    """What an item's entry was and is now."""

    year: int
    item: str
    actor: str
    before: dict[str, Any]
    after: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "item": self.item,
            "actor": self.actor,
            "before": self.before,
            "after": self.after,
        }


def set_score(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None = None,
    year: int,
    item: str,
    points: float | None = None,
    reason: str | None = None,
    level: str | None = None,
    survey: float | None = None,
    appraisal_1: float | None = None,
    appraisal_2: float | None = None,
) -> EntryResult:
    """``cchc par set``: a self-score overriding the suggestion (with its reason), the level
    chosen, the survey result, the district's appraisal (rounds 1 and 2)."""
    values = {
        "self_score": points,
        "self_reason": reason or None,
        "level": level,
        "survey": survey,
        "appraisal_1": appraisal_1,
        "appraisal_2": appraisal_2,
    }
    return _enter(uow, identity, now, unit=unit, year=year, item=item, values=values)


def explain(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None = None,
    year: int,
    item: str,
    text: str,
) -> EntryResult:
    """``cchc par explain``: the explanation ("giải trình") for an item scored without
    evidence."""
    return _enter(uow, identity, now, unit=unit, year=year, item=item, values={"explanation": text})


def _enter(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None,
    year: int,
    item: str,
    values: dict[str, Any],
) -> EntryResult:
    with uow as session:
        ctx = _open_year(session, unit, year, now)
        actor = ctx.check(identity, "par.edit", entity="assessment_item", key=f"{year}/{item}")
        fw, assessment = ctx.assessment()
        _require_open(assessment)
        node = next((i for i in fw.items() if i.code == item), None)
        if node is None:
            raise LocalizedError("error.item_not_found", item=item, framework=fw.code)
        _check_entry(node, values)
        unknown = set(values) - set(ENTRY_FIELDS)
        assert not unknown, unknown
        before, after = save_entry(
            session, assessment, item=item, values=values, actor=actor, now=now
        )
        return EntryResult(year, item, actor, before, after)


def _check_entry(node: Item, values: dict[str, Any]) -> None:
    """An entry's rules: scores within the item's maximum; a self-score carries its reason
    and is not for survey items; a level is one of the rule's."""
    for name in SCORED:
        value = values.get(name)
        if value is not None and not 0 <= value <= node.max:
            raise LocalizedError(
                "error.score_out_of_range", item=node.code, value=value, max=node.max
            )
    if values.get("self_score") is not None:
        if not (values.get("self_reason") or "").strip():
            raise LocalizedError("error.reason_required", action=terms("action.par.edit"))
        if node.assessed_by == "survey":
            raise LocalizedError("error.survey_not_self", item=node.code)
    level = values.get("level")
    if level is not None and level not in node.rule.levels:
        raise LocalizedError(
            "error.bad_level", item=node.code, level=level, allowed=", ".join(node.rule.levels)
        )


def _require_open(assessment: Assessment) -> None:
    if assessment.status == "submitted":
        raise LocalizedError("error.assessment_frozen", year=assessment.year)


@dataclass(frozen=True)
class AdjustResult:
    """Bonus and penalty before and after (capped by the framework)."""

    year: int
    actor: str
    before: dict[str, Any]
    after: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "actor": self.actor, "before": self.before, "after": self.after}


def adjust(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None = None,
    year: int,
    bonus: float | None = None,
    bonus_reason: str = "",
    penalty: float | None = None,
    penalty_reason: str = "",
    difficulties: str | None = None,
) -> AdjustResult:
    """``cchc par adjust``: bonus and penalty points (each capped by the framework) with
    their reasons, and the report's difficulties."""
    with uow as session:
        ctx = _open_year(session, unit, year, now)
        actor = ctx.check(identity, "par.edit", entity="assessment", key=str(year))
        fw, assessment = ctx.assessment()
        _require_open(assessment)
        changes = _adjustments(fw, bonus, bonus_reason, penalty, penalty_reason, difficulties)
        before, after = save_adjustments(session, assessment, changes=changes, actor=actor, now=now)
        return AdjustResult(year, actor, before, after)


def _adjustments(
    fw: Framework,
    bonus: float | None,
    bonus_reason: str,
    penalty: float | None,
    penalty_reason: str,
    difficulties: str | None,
) -> dict[str, Any]:
    for name, value in (("bonus", bonus), ("penalty", penalty)):
        if value is not None and not (math.isfinite(value) and value >= 0):
            cap = fw.bonus_max if name == "bonus" else fw.penalty_max
            raise LocalizedError("error.score_out_of_range", item=name, value=value, max=cap)
    changes: dict[str, Any] = {}
    if bonus is not None:
        changes |= {"bonus": min(bonus, fw.bonus_max), "bonus_reason": bonus_reason}
    if penalty is not None:
        changes |= {"penalty": min(penalty, fw.penalty_max), "penalty_reason": penalty_reason}
    if difficulties is not None:
        changes["difficulties"] = difficulties
    return changes


# --- submitting and reopening ---------------------------------------------------------------


@dataclass(frozen=True)
class StatusResult:
    """The assessment's state after a submission or a reopening."""

    year: int
    status: str
    snapshot_sha256: str | None
    actor: str
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "year": self.year,
            "status": self.status,
            "snapshot_sha256": self.snapshot_sha256,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        return out


def submit(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, unit: str | None = None, year: int
) -> StatusResult:
    """``cchc par submit``: freeze the self-assessment into a snapshot with its SHA-256."""
    with uow as session:
        ctx = _open_year(session, unit, year, now)
        actor = ctx.check(identity, "par.submit", entity="assessment", key=str(year))
        card, assessment = score_year(session, unit_id=ctx.unit_id, year=year, now=now)
        _require_open(assessment)
        snapshot = {
            "year": year,
            "scorecard": card.as_dict(),
            "difficulties": assessment.difficulties,
            "bonus_reason": assessment.bonus_reason,
            "penalty_reason": assessment.penalty_reason,
            "bonus": assessment.bonus,
            "penalty": assessment.penalty,
            "entries": entry_values(session, assessment),
            "submitted_by": actor,
            "submitted_at": now.isoformat(),
        }
        freeze(session, assessment, snapshot=snapshot, index=card.self_index, actor=actor, now=now)
        return StatusResult(year, assessment.status, assessment.snapshot_sha256, actor)


def reopen(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None = None,
    year: int,
    reason: str,
) -> StatusResult:
    """``cchc par reopen``: open a submitted assessment again, with a reason; the snapshot it
    had stays in the audit log."""
    with uow as session:
        ctx = _open_year(session, unit, year, now)
        actor = ctx.check(identity, "par.reopen", entity="assessment", key=str(year))
        if not reason.strip():
            raise LocalizedError("error.reason_required", action=terms("action.par.reopen"))
        _, assessment = ctx.assessment()
        if assessment.status != "submitted":
            raise LocalizedError("error.assessment_not_submitted", year=year)
        mark_open(session, assessment, reason=reason, actor=actor, now=now)
        return StatusResult(year, assessment.status, None, actor, reason)
