"""The self-assessment of a unit for a year: gathering what the rules read, storing entries,
adjustments, the submitted snapshot and a reopening — each change written to the audit log.
Who may change it, and what a valid entry is, the application layer decides."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from domain.errors import LocalizedError
from domain.framework import Framework
from domain.lifecycle import ACCEPTED, WAIVED
from domain.plan import Plan
from domain.scoring import Entry, Inputs, Scorecard, input_key, score
from models import (
    Assessment,
    AssessmentItem,
    AuditEntry,
    Evidence,
    Measurement,
    Occurrence,
    PlanRecord,
)
from storage.audit import record
from storage.evidence import ACCEPTED as ACCEPTED_EVIDENCE
from storage.evidence import REJECTED
from storage.frameworks import read_framework_record
from storage.plans import read_plan_record


@dataclass(frozen=True)
class EvidenceFile:
    """One evidence document to file under an item's folder (a rejected one is listed, marked,
    and not filed)."""

    item: str
    evidence_id: int
    task: str
    period: str
    file_name: str
    sha256: str
    size: int
    doc_number: str
    doc_date: str
    issuer: str
    summary: str
    status: str
    reason: str = ""

    @property
    def accepted(self) -> bool:
        return self.status == ACCEPTED_EVIDENCE

    @property
    def filed(self) -> bool:
        return self.status != REJECTED


def year_evidence(
    session: Session, plan_row: PlanRecord, plan: Plan, *, rejected: bool = False
) -> list[tuple[Evidence, Occurrence, tuple[str, ...]]]:
    """The evidence of the year: every document uploaded for an occurrence of the year's plan
    (not rejected ones unless asked), with the occurrence and the items it proves — the
    criteria given at upload (by default its task's), else its task's criteria now."""
    criteria = {t.code: t.criteria for t in plan.tasks}
    query = (
        select(Evidence, Occurrence)
        .join(Occurrence, col(Occurrence.id) == col(Evidence.occurrence_id))
        .where(Occurrence.plan_id == plan_row.id)
        .order_by(col(Evidence.id))
    )
    if not rejected:
        query = query.where(Evidence.status != REJECTED)
    out = []
    for ev, occ in session.exec(query):
        items = tuple(sorted(set(ev.criteria or criteria.get(occ.task_code, ()))))
        out.append((ev, occ, items))
    return out


def evidence_files(session: Session, *, unit_id: int, year: int) -> list[EvidenceFile]:
    """Every evidence document of the year, once per item it proves, rejected ones included
    (marked: the pack lists them and does not file them)."""
    from models import Blob

    plan_row = plan_for_year(session, unit_id, year)
    plan = read_plan_record(plan_row, session=session)
    rows = year_evidence(session, plan_row, plan, rejected=True)
    sizes = dict(
        session.exec(
            select(Blob.sha256, Blob.size)
            .join(Evidence, col(Evidence.blob_sha256) == col(Blob.sha256))
            .join(Occurrence, col(Occurrence.id) == col(Evidence.occurrence_id))
            .where(Occurrence.plan_id == plan_row.id)
        ).all()
    )
    out = []
    for ev, occ, items in rows:
        for item in items:
            out.append(
                EvidenceFile(
                    item=item,
                    evidence_id=ev.id or 0,
                    task=occ.task_code,
                    period=occ.period,
                    file_name=ev.file_name,
                    sha256=ev.blob_sha256,
                    size=sizes.get(ev.blob_sha256, 0),
                    doc_number=ev.doc_number,
                    doc_date=ev.doc_date.isoformat() if ev.doc_date else "",
                    issuer=ev.issuer,
                    summary=ev.summary,
                    status=ev.status,
                    reason=ev.reason,
                )
            )
    return out


DONE = frozenset({ACCEPTED, WAIVED})
ENTRY_FIELDS = (
    "self_score",
    "self_reason",
    "level",
    "survey",
    "appraisal_1",
    "appraisal_2",
    "explanation",
)


def plan_for_year(session: Session, unit_id: int, year: int) -> PlanRecord:
    row = session.exec(
        select(PlanRecord)
        .where(PlanRecord.unit_id == unit_id, PlanRecord.year == year)
        .order_by(col(PlanRecord.id).desc())
    ).first()
    if row is None:
        raise LocalizedError("error.no_plan_for_year", year=year)
    return row


def get_assessment(
    session: Session, unit_id: int, year: int, framework: str, *, create: bool = True
) -> Assessment:
    row = session.exec(
        select(Assessment).where(
            Assessment.unit_id == unit_id,
            Assessment.year == year,
            Assessment.framework_code == framework,
        )
    ).first()
    if row is None:
        row = Assessment(unit_id=unit_id, year=year, framework_code=framework)
        if create:
            session.add(row)
            session.flush()
    return row


def linked_items(plan: Plan) -> dict[str, list[str]]:
    """Item code → the plan tasks that feed it."""
    out: dict[str, list[str]] = defaultdict(list)
    for task in plan.tasks:
        for code in task.criteria:
            out[code].append(task.code)
    return out


def _numbers(
    session: Session,
    unit_id: int,
    year: int,
    fw: Framework,
    plan: Plan,
    now: dt.datetime,
    also: Sequence[int] = (),
) -> dict[str, float | None]:
    """The value of every rule input the framework uses."""
    from storage.kpi_inputs import kpi_values

    numbers: dict[str, float | None] = {}
    measured = {
        m.code: m.value
        for m in session.exec(
            select(Measurement).where(Measurement.unit_id == unit_id, Measurement.year == year)
        )
    }
    wanted = [i.rule.input for i in fw.items() if i.rule.input]
    metric_keys = {k for k in (input_key(inp) for inp in wanted) if k and k.startswith("metric:")}
    targets = {t.code: t for t in plan.targets}
    for inp in wanted:
        if (
            inp.get("target")
            and inp["target"] in targets
            and targets[inp["target"]].metric != "manual"
        ):
            t = targets[inp["target"]]
            metric_keys.add(
                input_key(
                    {"metric": t.metric, "scope": {k: v for k, v in t.scope.items() if k != "each"}}
                )
                or ""
            )
    numbers.update(
        kpi_values(
            session=session,
            unit_id=unit_id,
            year=year,
            now=now,
            keys=sorted(metric_keys - {""}),
            also=also,
        )
    )
    for inp in wanted:
        key = input_key(inp)
        if key is None or key.startswith("metric:"):
            continue
        kind, _, code = key.partition(":")
        if kind == "target":
            target = targets.get(code)
            if target is not None and target.metric != "manual":
                metric = input_key(
                    {
                        "metric": target.metric,
                        "scope": {k: v for k, v in target.scope.items() if k != "each"},
                    }
                )
                numbers[key] = numbers.get(metric or "")
            else:
                numbers[key] = measured.get(code)
        else:
            numbers[key] = measured.get(code)
    return numbers


def gather(
    session: Session,
    *,
    unit_id: int,
    year: int,
    now: dt.datetime,
    create: bool = True,
    also: Sequence[int] = (),
) -> tuple[Framework, Inputs, Assessment]:
    """Everything the rules read for a unit's year, and its assessment row (added to the
    session when it did not exist, unless ``create`` is false: reading writes nothing).
    ``also``: units merged into it whose work of the year counts too — their plans'
    occurrences and evidence for the items their tasks feed, their dossiers in the KPIs (the
    entries, bonus and penalty stay the unit's own)."""
    plan_row = plan_for_year(session, unit_id, year)
    plan = read_plan_record(plan_row, session=session)
    if not plan.framework:
        raise LocalizedError("error.plan_without_framework", plan=plan.code)
    fw = read_framework_record(plan.framework, session=session)
    assessment = get_assessment(session, unit_id, year, fw.code, create=create)
    plans = [(plan_row, plan)]
    for other in also:
        other_row = session.exec(
            select(PlanRecord)
            .where(PlanRecord.unit_id == other, PlanRecord.year == year)
            .order_by(col(PlanRecord.id).desc())
        ).first()
        if other_row is not None:
            plans.append((other_row, read_plan_record(other_row, session=session)))
    by_item: dict[str, list[Occurrence]] = defaultdict(list)
    evidence_by_occ: dict[int, int] = defaultdict(int)
    evidence: dict[str, int] = defaultdict(int)
    for row, its_plan in plans:
        by_task: dict[str, list[Occurrence]] = defaultdict(list)
        for occ in session.exec(select(Occurrence).where(Occurrence.plan_id == row.id)):
            if occ.status != "cancelled":
                by_task[occ.task_code].append(occ)
        for item_code, tasks in linked_items(its_plan).items():
            by_item[item_code] += [o for t in tasks for o in by_task.get(t, [])]
        for ev, _, items in year_evidence(session, row, its_plan):
            evidence_by_occ[ev.occurrence_id] += 1
            for code in items:
                evidence[code] += 1  # each file once per item it proves
    completion: dict[str, float | None] = {}
    all_done: dict[str, bool | None] = {}
    for item_code, occs in by_item.items():  # every item a task of these plans feeds
        if not occs:
            completion[item_code] = all_done[item_code] = None
        else:
            on_time = [
                o
                for o in occs
                if o.status in DONE
                and (
                    o.status == WAIVED
                    or (
                        o.submitted_at is not None
                        and o.submitted_at <= o.due_at
                        and evidence_by_occ.get(o.id or 0)
                    )
                )
            ]
            completion[item_code] = round(100 * len(on_time) / len(occs), 2)
            all_done[item_code] = all(o.status in DONE for o in occs)
    entries = {
        row.item: Entry(**{f: getattr(row, f) for f in ENTRY_FIELDS})
        for row in session.exec(
            select(AssessmentItem).where(AssessmentItem.assessment_id == assessment.id)
        )
    }
    inputs = Inputs(
        numbers=_numbers(session, unit_id, year, fw, plan, now, also),
        completion=completion,
        all_done=all_done,
        evidence=dict(evidence),
        entries=entries,
        bonus=assessment.bonus,
        penalty=assessment.penalty,
    )
    return fw, inputs, assessment


def scorecard(
    session: Session,
    *,
    unit_id: int,
    year: int,
    now: dt.datetime,
    create: bool = True,
    also: Sequence[int] = (),
) -> tuple[Scorecard, Assessment]:
    fw, inputs, assessment = gather(
        session, unit_id=unit_id, year=year, now=now, create=create, also=also
    )
    return score(fw, inputs), assessment


def save_entry(
    session: Session,
    assessment: Assessment,
    *,
    item: str,
    values: dict[str, Any],
    actor: str,
    now: dt.datetime,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Store what a person entered for an item (the given ``values`` that are not None) and
    audit it; (before, after)."""
    row = session.exec(
        select(AssessmentItem).where(
            AssessmentItem.assessment_id == assessment.id, AssessmentItem.item == item
        )
    ).first()
    if row is None:
        row = AssessmentItem(assessment_id=assessment.id or 0, item=item)
    before = {f: getattr(row, f) for f in ENTRY_FIELDS}
    for name, value in values.items():
        if value is not None:
            setattr(row, name, value)
    session.add(row)
    after = {f: getattr(row, f) for f in ENTRY_FIELDS}
    record(
        session=session,
        actor=actor,
        now=now,
        action="par_set",
        entity="assessment_item",
        key=f"{assessment.year}/{item}",
        unit_id=assessment.unit_id,
        before=before,
        after=after,
    )
    return before, after


ADJUSTMENT_FIELDS = (
    "bonus",
    "bonus_reason",
    "penalty",
    "penalty_reason",
    "difficulties",
)


def save_adjustments(
    session: Session,
    assessment: Assessment,
    *,
    changes: dict[str, Any],
    actor: str,
    now: dt.datetime,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Store bonus, penalty (with reasons) and the report's difficulties; audit the change."""
    before = {"bonus": assessment.bonus, "penalty": assessment.penalty}
    for name, value in changes.items():
        if name not in ADJUSTMENT_FIELDS:
            raise ValueError(f"not an adjustment: {name}")
        setattr(assessment, name, value)
    session.add(assessment)
    after = {"bonus": assessment.bonus, "penalty": assessment.penalty}
    record(
        session=session,
        actor=actor,
        now=now,
        action="par_adjust",
        entity="assessment",
        key=str(assessment.year),
        unit_id=assessment.unit_id,
        before=before,
        after=after,
    )
    return before, after


def canonical(data: Any) -> str:
    """The JSON a snapshot is hashed as: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def freeze(
    session: Session,
    assessment: Assessment,
    *,
    snapshot: dict[str, Any],
    index: float,
    actor: str,
    now: dt.datetime,
) -> None:
    """Store the submitted snapshot with its SHA-256 and mark the assessment submitted."""
    assessment.snapshot = json.loads(canonical(snapshot))
    assessment.snapshot_sha256 = hashlib.sha256(canonical(assessment.snapshot).encode()).hexdigest()
    assessment.status, assessment.submitted_by, assessment.submitted_at = "submitted", actor, now
    session.add(assessment)
    record(
        session=session,
        actor=actor,
        now=now,
        action="par_submit",
        entity="assessment",
        key=str(assessment.year),
        unit_id=assessment.unit_id,
        after={"sha256": assessment.snapshot_sha256, "index": index},
    )


def mark_open(
    session: Session, assessment: Assessment, *, reason: str, actor: str, now: dt.datetime
) -> None:
    """Open a submitted assessment again; the snapshot it had stays in the audit log."""
    record(
        session=session,
        actor=actor,
        now=now,
        action="par_reopen",
        entity="assessment",
        key=str(assessment.year),
        unit_id=assessment.unit_id,
        before={
            "status": assessment.status,
            "sha256": assessment.snapshot_sha256,
            "snapshot": assessment.snapshot,
        },
        after={"status": "open", "reason": reason},
    )
    assessment.status = "open"
    session.add(assessment)


# --- what a submission froze -----------------------------------------------------------------


def entry_values(session: Session, assessment: Assessment) -> dict[str, dict[str, Any]]:
    """What people entered, item by item, as stored now (the snapshot keeps a copy)."""
    rows = session.exec(
        select(AssessmentItem)
        .where(AssessmentItem.assessment_id == assessment.id)
        .order_by(col(AssessmentItem.item))
    )
    return {row.item: {f: getattr(row, f) for f in ENTRY_FIELDS} for row in rows}


def submitted(session: Session, unit_ids: list[int] | None = None) -> list[Assessment]:
    """The submitted (not reopened) assessments, of ``unit_ids`` only when given."""
    query = select(Assessment).where(Assessment.status == "submitted")
    if unit_ids is not None:
        query = query.where(col(Assessment.unit_id).in_(unit_ids))
    return list(session.exec(query.order_by(col(Assessment.unit_id), col(Assessment.year))))


def assessments(session: Session) -> list[Assessment]:
    """Every assessment, by unit and year."""
    query = select(Assessment).order_by(col(Assessment.unit_id), col(Assessment.year))
    return list(session.exec(query))


def last_submissions(session: Session) -> dict[tuple[int, str], AuditEntry]:
    """(unit id, year) → the latest ``par_submit`` or ``par_reopen`` entry of the audit log."""
    rows = session.exec(
        select(AuditEntry)
        .where(
            col(AuditEntry.action).in_(("par_submit", "par_reopen")),
            AuditEntry.entity == "assessment",
        )
        .order_by(col(AuditEntry.id))
    )
    return {(row.unit_id or 0, row.key): row for row in rows}
