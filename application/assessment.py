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
from application.unit_view import Viewing, check_read, without_appraisal
from application.units import letterhead
from application.uow import UnitOfWork
from domain.audit_chain import Anchor
from domain.clock import DEFAULT_TIMEZONE, local_today
from domain.errors import CchcError, ConflictError, LocalizedError, terms
from domain.framework import Framework, Item
from domain.i18n import Lang
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
READ = (
    "completeness.read"  # reading the year's assessment on a page: the CCHC officer, the chairman
)


class AssessmentError(CchcError):
    """A problem with the self-assessment worded in the application catalogue (``par.*``)."""

    key = "par.error"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: Lang = "vi") -> str:
        from application.messages import t

        params = dict(self.params)
        if "what" in params:
            params["what"] = t(f"par.{params['what']}", lang)
        return t(self.key, lang, **params)


class OverCap(AssessmentError):
    """A bonus or penalty over the framework's cap (the page refuses it rather than cap it)."""

    key = "par.over_cap"


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


def _open_year(
    session: Session,
    unit: str | None,
    year: int,
    now: dt.datetime,
    identity: Identity | None = None,
) -> _Year:
    """The year of ``unit``; else of a signed-in officer's own unit; else of the only unit."""
    from application.units import unit_of

    if identity is not None:
        unit_row = unit_of(session, identity, unit, now)
    else:
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
    predecessors: tuple[str, ...] = ()
    """The units merged into this one whose work of the year counts (``--with-predecessors``)."""
    frozen: bool = False  # the submitted snapshot, as it was submitted

    def as_dict(self) -> dict[str, Any]:
        out = {
            **self.card.as_dict(),
            "status": self.status,
            "snapshot_sha256": self.snapshot_sha256 or None,
        }
        if self.predecessors:
            out["predecessors"] = list(self.predecessors)
        return out


def scorecard(
    uow: UnitOfWork,
    now: dt.datetime,
    *,
    unit: str | None = None,
    year: int,
    with_predecessors: bool = False,
) -> ScorecardResult:
    """``cchc par score``: maximum, suggested, self-assessed and appraised points per item;
    a submitted assessment's are its snapshot's. ``with_predecessors``: the suggested points,
    completion and evidence also count the work of the year of the units merged into it (that
    existed that year) and their dossiers — never a submitted snapshot, which stays as it was
    submitted."""
    from application.units import history_ids

    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        also = history_ids(session, unit_row, year)[1:] if with_predecessors else []
        card, assessment = score_year(
            session, unit_id=uid, year=year, now=now, create=False, also=also
        )
        frozen = frozen_card(assessment)
        codes: tuple[str, ...] = ()
        if frozen is None and also:
            rows = (session.get(UnitRecord, i) for i in also)
            codes = tuple(r.code for r in rows if r is not None)
        return ScorecardResult(
            frozen or card,
            assessment.status,
            assessment.snapshot_sha256 or None,
            predecessors=codes,
            frozen=frozen is not None,
        )


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
        ctx = _open_year(session, unit, year, now, identity)
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
        raise ConflictError("error.assessment_frozen", year=assessment.year)


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
    refuse_over_cap: bool = False,
) -> AdjustResult:
    """``cchc par adjust``: bonus and penalty points (each capped by the framework) with
    their reasons, and the report's difficulties. ``refuse_over_cap`` (the web page, which
    shows the caps beside the fields): a value over its cap is refused naming the cap
    (``OverCap``) instead of being brought down to it."""
    with uow as session:
        ctx = _open_year(session, unit, year, now, identity)
        actor = ctx.check(identity, "par.edit", entity="assessment", key=str(year))
        fw, assessment = ctx.assessment()
        _require_open(assessment)
        if refuse_over_cap:
            for name, value, cap in (
                ("bonus", bonus, fw.bonus_max),
                ("penalty", penalty, fw.penalty_max),
            ):
                if value is not None and math.isfinite(value) and value > cap:
                    raise OverCap(what=name, value=value, cap=cap)
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
        ctx = _open_year(session, unit, year, now, identity)
        actor = ctx.check(identity, "par.submit", entity="assessment", key=str(year))
        return _freeze_year(session, ctx, actor, now)


def submit_confirmed(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    unit: str | None = None,
    year: int,
    password: str,
    code: str = "",
) -> StatusResult:
    """Submitting from the web page: as ``submit``, once the signed-in officer has given
    their password again (and the current TOTP code when their account has two-step
    sign-in): ``WrongPassword`` / ``WrongCode`` otherwise, and nothing is frozen. The policy
    is asked first, so an officer who may not submit is refused whatever they type."""
    from application.identity import counting_failed_proofs
    from application.totp import reauthenticate

    with counting_failed_proofs(uow, identity, now, "par.submit"), uow as session:
        ctx = _open_year(session, unit, year, now, identity)
        actor = ctx.check(identity, "par.submit", entity="assessment", key=str(year))
        reauthenticate(session, identity, password=password, code=code, now=now)
        return _freeze_year(session, ctx, actor, now)


def _freeze_year(session: Session, ctx: _Year, actor: str, now: dt.datetime) -> StatusResult:
    year = ctx.year
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
        ctx = _open_year(session, unit, year, now, identity)
        actor = ctx.check(identity, "par.reopen", entity="assessment", key=str(year))
        if not reason.strip():
            raise LocalizedError("error.reason_required", action=terms("action.par.reopen"))
        _, assessment = ctx.assessment()
        if assessment.status != "submitted":
            raise LocalizedError("error.assessment_not_submitted", year=year)
        from storage.appraisal import cycle_of

        if cycle_of(session, assessment.id or 0) is not None:
            raise ConflictError("error.assessment_in_appraisal", year=year)
        mark_open(session, assessment, reason=reason, actor=actor, now=now)
        return StatusResult(year, assessment.status, None, actor, reason)


# --- the web page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedOccurrence:
    """An occurrence of a plan task linked to an item: what its completion suggestion read."""

    task: str
    period: str
    status: str


@dataclass(frozen=True)
class AssessmentPage:
    """The Tự đánh giá page of one year: the scorecard (the snapshot's once submitted), the
    caps of bonus and penalty, each item's evidence and linked occurrences, and what the
    reader may do (the policy's answers)."""

    year: int
    unit: str
    result: ScorecardResult
    bonus_max: float
    penalty_max: float
    bonus_reason: str
    penalty_reason: str
    difficulties: str
    levels: dict[str, tuple[str, ...]]
    evidence: dict[str, list[Any]]
    occurrences: dict[str, list[LinkedOccurrence]]
    may_edit: bool
    may_submit: bool
    may_reopen: bool
    submitted_at: dt.datetime | None = None
    submitted_by: str = ""  # the name of who submitted it (their email when unknown)
    viewing: Viewing | None = None  # whose unit; another unit's is read-only

    @property
    def card(self) -> Scorecard:
        return self.result.card

    @property
    def submitted(self) -> bool:
        return self.result.status == "submitted"


def flags(item: Any) -> tuple[str, ...]:
    """What an item's line warns about: scored without evidence (nor explanation), an input
    without data, a self-score that differs from the suggestion without a reason."""
    out = []
    if item.needs_explanation:
        out.append("no_evidence")
    if item.needs_input:
        out.append("no_data")
    if (
        not item.is_survey
        and item.self_score is not None
        and item.suggested is not None
        and item.self_score != item.suggested
        and not (item.self_reason or "").strip()
    ):
        out.append("no_reason")
    return tuple(out)


def assessment_page(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    year: int | None = None,
    unit: str | None = None,
) -> AssessmentPage:
    """The signed-in officer's unit's assessment of ``year`` (else of this year, in the
    plan's time zone), for whoever may read it (``completeness.read``); reading writes
    nothing. ``unit``: another unit's, read-only (``application.unit_view``): no change
    offered, and its appraisal scores only for those who may read its appraisal."""
    from sqlmodel import select

    from application.units import unit_of
    from models import Occurrence as OccurrenceRow
    from responsibilities.policy import decide
    from storage.assessment import linked_items

    with uow as session:
        unit_row = unit_of(session, identity, unit, now)
        if year is None:
            from application.occurrences import plan_of_year

            year = plan_of_year(session, unit_row.id or 0, None).year
        ctx = _open_year(session, unit, year, now, identity)
        viewing = check_read(
            session,
            identity,
            ctx.unit,
            action=READ,
            now=now,
            on=ctx.today,
            gate=ctx.gate,
            entity="assessment",
            key=str(year),
            year=year,
        )
        card, assessment = _card(session, ctx.unit_id, year, now)
        if not viewing.show_appraisal:
            card = without_appraisal(card)
        framework = read_framework_record(ctx.plan.framework or "", session=session)
        by_item: dict[str, list[Any]] = {}
        for f in evidence_files(session, unit_id=ctx.unit_id, year=year):
            by_item.setdefault(f.item, []).append(f)
        plan_row = plan_for_year(session, ctx.unit_id, year)
        occs: dict[str, list[OccurrenceRow]] = {}
        for occ in session.exec(select(OccurrenceRow).where(OccurrenceRow.plan_id == plan_row.id)):
            occs.setdefault(occ.task_code, []).append(occ)
        linked = {
            code: [
                LinkedOccurrence(o.task_code, o.period, o.status)
                for t in tasks
                for o in sorted(occs.get(t, []), key=lambda o: o.period)
            ]
            for code, tasks in linked_items(ctx.plan).items()
        }
        actor = ctx.gate.actor(identity)

        def may(action: str) -> bool:
            if viewing.read_only:
                return False
            return decide(actor, action, Subject(), ctx.today, ctx.gate.holdings).allowed

        snap = (assessment.snapshot or {}) if assessment.status == "submitted" else {}
        return AssessmentPage(
            year=year,
            unit=unit_row.name,
            result=ScorecardResult(card, assessment.status, assessment.snapshot_sha256 or None),
            bonus_max=framework.bonus_max,
            penalty_max=framework.penalty_max,
            bonus_reason=assessment.bonus_reason or "",
            penalty_reason=assessment.penalty_reason or "",
            difficulties=assessment.difficulties or "",
            levels={i.code: tuple(i.rule.levels) for i in framework.items() if i.rule.levels},
            evidence=by_item,
            occurrences=linked,
            may_edit=may("par.edit"),
            may_submit=may("par.submit"),
            may_reopen=may("par.reopen"),
            submitted_at=(
                dt.datetime.fromisoformat(snap["submitted_at"])
                if snap.get("submitted_at")
                else None
            ),
            submitted_by=ctx.gate.names.get(str(snap.get("submitted_by") or ""))
            or str(snap.get("submitted_by") or ""),
            viewing=viewing,
        )


def pack_zip(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    year: int,
    blobs: BlobStore,
) -> tuple[str, bytes]:
    """The submission pack of ``export_pack`` as one ZIP (its name, its bytes), for whoever
    may read the assessment (``completeness.read``). Changes nothing stored."""
    import io
    import tempfile
    import zipfile

    with uow as session:
        ctx = _open_year(session, None, year, now, identity)
        ctx.check(identity, READ, entity="assessment", key=str(year))
        unit_code = ctx.unit.code
    with tempfile.TemporaryDirectory(prefix="cchc-pack-") as tmp:
        out = Path(tmp) / "pack"
        export_pack(uow, now, unit=unit_code, year=year, out_dir=out, blobs=blobs)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(out).as_posix())
    return f"ho-so-cchc-{unit_code}-{year}.zip", buffer.getvalue()


def check_may(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, action: str, year: int | None = None
) -> None:
    """``Refused`` unless the policy lets ``identity`` do ``action`` (``par.submit``,
    ``par.reopen``) on the year's assessment today — asked before a confirmation page."""
    from application.units import unit_of

    with uow as session:
        if year is None:
            from application.occurrences import plan_of_year

            unit_row = unit_of(session, identity, None, now)
            year = plan_of_year(session, unit_row.id or 0, None).year
        ctx = _open_year(session, None, year, now, identity)
        ctx.check(identity, action, entity="assessment", key=str(year))
