"""The self-assessment of a unit for a year: gathering what the rules read, entries, submission."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from domain.errors import LocalizedError
from domain.framework import Framework
from domain.lifecycle import ACCEPTED, WAIVED
from domain.plan import Plan
from domain.scoring import Entry, Inputs, Scorecard, input_key, score
from models import Assessment, AssessmentItem, Evidence, Measurement, Occurrence, PlanRecord
from storage.audit import record
from storage.frameworks import read_framework_record
from storage.plans import read_plan_record


@dataclass(frozen=True)
class EvidenceFile:
    """One evidence document to file under an item's folder."""

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


def evidence_files(session: Session, *, unit_id: int, year: int) -> list[EvidenceFile]:
    """Every non-rejected evidence document of the year, once per item it supports."""
    from models import Blob

    plan_row = plan_for_year(session, unit_id, year)
    plan = read_plan_record(plan_row, session=session)
    criteria = {t.code: t.criteria for t in plan.tasks}
    occurrences = {
        o.id: o for o in session.exec(select(Occurrence).where(Occurrence.plan_id == plan_row.id))
    }
    rows = session.exec(
        select(Evidence)
        .where(Evidence.unit_id == unit_id, Evidence.status != "rejected")
        .order_by(col(Evidence.id))
    ).all()
    sizes = {b.sha256: b.size for b in session.exec(select(Blob))}
    out = []
    for ev in rows:
        occ = occurrences.get(ev.occurrence_id)
        if occ is None:
            continue
        for item in sorted(set(criteria.get(occ.task_code, ())) | set(ev.criteria)):
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
    session: Session, unit_id: int, year: int, fw: Framework, plan: Plan, now: dt.datetime
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
            session=session, unit_id=unit_id, year=year, now=now, keys=sorted(metric_keys - {""})
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
    session: Session, *, unit_id: int, year: int, now: dt.datetime
) -> tuple[Framework, Inputs, Assessment]:
    """Everything the rules read for a unit's year, and its assessment row."""
    plan_row = plan_for_year(session, unit_id, year)
    plan = read_plan_record(plan_row, session=session)
    if not plan.framework:
        raise LocalizedError("error.plan_without_framework", plan=plan.code)
    fw = read_framework_record(plan.framework, session=session)
    assessment = get_assessment(session, unit_id, year, fw.code)
    occurrences = session.exec(select(Occurrence).where(Occurrence.plan_id == plan_row.id)).all()
    by_task: dict[str, list[Occurrence]] = defaultdict(list)
    for occ in occurrences:
        if occ.status != "cancelled":
            by_task[occ.task_code].append(occ)
    evidence_rows = session.exec(
        select(Evidence).where(Evidence.unit_id == unit_id, Evidence.status != "rejected")
    ).all()
    evidence_by_occ: dict[int, int] = defaultdict(int)
    evidence_by_item: dict[str, int] = defaultdict(int)
    for ev in evidence_rows:
        evidence_by_occ[ev.occurrence_id] += 1
        for code in ev.criteria:
            evidence_by_item[code] += 1
    completion: dict[str, float | None] = {}
    all_done: dict[str, bool | None] = {}
    evidence: dict[str, int] = {}
    for item_code, tasks in linked_items(plan).items():
        occs = [o for t in tasks for o in by_task.get(t, [])]
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
        evidence[item_code] = sum(evidence_by_occ.get(o.id or 0, 0) for o in occs)
    for code, n in evidence_by_item.items():
        evidence[code] = evidence.get(code, 0) + n
    entries = {
        row.item: Entry(**{f: getattr(row, f) for f in ENTRY_FIELDS})
        for row in session.exec(
            select(AssessmentItem).where(AssessmentItem.assessment_id == assessment.id)
        )
    }
    inputs = Inputs(
        numbers=_numbers(session, unit_id, year, fw, plan, now),
        completion=completion,
        all_done=all_done,
        evidence=evidence,
        entries=entries,
        bonus=assessment.bonus,
        penalty=assessment.penalty,
    )
    return fw, inputs, assessment


def scorecard(
    session: Session, *, unit_id: int, year: int, now: dt.datetime
) -> tuple[Scorecard, Assessment]:
    fw, inputs, assessment = gather(session, unit_id=unit_id, year=year, now=now)
    return score(fw, inputs), assessment


def set_entry(
    session: Session,
    *,
    unit_id: int,
    year: int,
    item: str,
    actor: str,
    now: dt.datetime,
    **values: Any,
) -> None:
    """Record what a person entered for an item (self-score with reason, level, survey, appraisal, explanation)."""
    fw, _, assessment = gather(session, unit_id=unit_id, year=year, now=now)
    if assessment.status == "submitted":
        raise LocalizedError("error.assessment_frozen", year=year)
    node = next((i for i in fw.items() if i.code == item), None)
    if node is None:
        raise LocalizedError("error.item_not_found", item=item, framework=fw.code)
    for name in ("self_score", "survey", "appraisal_1", "appraisal_2"):
        value = values.get(name)
        if value is not None and not 0 <= value <= node.max:
            raise LocalizedError("error.score_out_of_range", item=item, value=value, max=node.max)
    if values.get("self_score") is not None and not (values.get("self_reason") or "").strip():
        raise LocalizedError("error.reason_required", action="par set --self")
    if values.get("self_score") is not None and node.assessed_by == "survey":
        raise LocalizedError("error.survey_not_self", item=item)
    if values.get("level") is not None and values["level"] not in node.rule.levels:
        raise LocalizedError(
            "error.bad_level", item=item, level=values["level"], allowed=", ".join(node.rule.levels)
        )
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
    record(
        session=session,
        actor=actor,
        now=now,
        action="par_set",
        entity="assessment_item",
        key=f"{year}/{item}",
        unit_id=unit_id,
        before=before,
        after={f: getattr(row, f) for f in ENTRY_FIELDS},
    )


def set_adjustments(
    session: Session,
    *,
    unit_id: int,
    year: int,
    actor: str,
    now: dt.datetime,
    bonus: float | None = None,
    bonus_reason: str = "",
    penalty: float | None = None,
    penalty_reason: str = "",
    difficulties: str | None = None,
) -> None:
    fw, _, assessment = gather(session, unit_id=unit_id, year=year, now=now)
    if assessment.status == "submitted":
        raise LocalizedError("error.assessment_frozen", year=year)
    before = {"bonus": assessment.bonus, "penalty": assessment.penalty}
    if bonus is not None:
        assessment.bonus, assessment.bonus_reason = min(bonus, fw.bonus_max), bonus_reason
    if penalty is not None:
        assessment.penalty, assessment.penalty_reason = min(penalty, fw.penalty_max), penalty_reason
    if difficulties is not None:
        assessment.difficulties = difficulties
    session.add(assessment)
    record(
        session=session,
        actor=actor,
        now=now,
        action="par_adjust",
        entity="assessment",
        key=str(year),
        unit_id=unit_id,
        before=before,
        after={"bonus": assessment.bonus, "penalty": assessment.penalty},
    )


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def submit(
    session: Session, *, unit_id: int, year: int, actor: str, now: dt.datetime
) -> Assessment:
    """Freeze the assessment into an immutable snapshot with a content hash."""
    card, assessment = scorecard(session, unit_id=unit_id, year=year, now=now)
    if assessment.status == "submitted":
        raise LocalizedError("error.assessment_frozen", year=year)
    snapshot = {
        "year": year,
        "scorecard": card.as_dict(),
        "difficulties": assessment.difficulties,
        "bonus_reason": assessment.bonus_reason,
        "penalty_reason": assessment.penalty_reason,
        "submitted_by": actor,
        "submitted_at": now.isoformat(),
    }
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
        key=str(year),
        unit_id=unit_id,
        after={"sha256": assessment.snapshot_sha256, "index": card.self_index},
    )
    return assessment


def reopen(
    session: Session, *, unit_id: int, year: int, actor: str, now: dt.datetime, reason: str
) -> None:
    """Only the chairman reopens a submitted assessment; the snapshot stays in the audit log."""
    from responsibilities.holding import holders
    from storage.officers import holdings

    plan_row = plan_for_year(session, unit_id, year)
    plan = read_plan_record(plan_row, session=session)
    assessment = get_assessment(session, unit_id, year, plan.framework or "")
    today = now.date()
    if actor.lower() not in {
        h.officer for h in holders(holdings(session=session, unit_id=unit_id), "chairman", today)
    }:
        raise LocalizedError("error.chairman_only", actor=actor, on=today.isoformat())
    if not reason.strip():
        raise LocalizedError("error.reason_required", action="par reopen")
    record(
        session=session,
        actor=actor,
        now=now,
        action="par_reopen",
        entity="assessment",
        key=str(year),
        unit_id=unit_id,
        before={
            "status": assessment.status,
            "sha256": assessment.snapshot_sha256,
            "snapshot": assessment.snapshot,
        },
        after={"status": "open", "reason": reason},
    )
    assessment.status = "open"
    session.add(assessment)
