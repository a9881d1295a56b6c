"""Evidence documents (tài liệu kiểm chứng) in storage: adding revisions, recording reviews,
checking the stored files, and the queries the reports read. Who may upload or review is
the application layer's question (``application.evidence``), asked before these run.

Blobs are written before any row, and every row of one call is written in the caller's
transaction: a failure leaves no record, and no half-written file (the blob store is
atomic). A blob stored by a failed call stays as a complete, unreferenced file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func
from sqlmodel import Session, col, select

from domain.clock import require_aware
from domain.errors import LocalizedError, NotFoundError, Problem, terms
from domain.evidence import (
    ALLOWED,
    MEDIA_TYPES,
    ZIP_DOCUMENTS,
    EvidenceRefused,
    bomb_refused,
    find_requirement,
    inflates_too_much,
    missing,
    safe_name,
    too_large,
    type_refused,
)
from domain.plan import Task
from models import Blob, Evidence, Occurrence, PlanRecord
from storage.audit import record
from storage.blobs import BlobStore, rehash, sniff_data, sniff_file, zip_parts
from storage.db import get_row

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
STATUSES = (PENDING, ACCEPTED, REJECTED)


@dataclass(frozen=True)
class Upload:
    """A file to add: its name as the user gave it, and a path or its bytes; its own
    document metadata when it has some (else the upload's shared metadata applies)."""

    name: str
    source: Path | bytes
    doc_number: str = ""
    doc_date: dt.date | None = None
    issuer: str = ""
    summary: str = ""

    @classmethod
    def of(cls, item: Path | Upload) -> Upload:
        return item if isinstance(item, Upload) else cls(item.name, item)

    def size(self) -> int:
        return len(self.source) if isinstance(self.source, bytes) else self.source.stat().st_size

    def kind(self) -> str | None:
        if isinstance(self.source, bytes):
            return sniff_data(self.source)
        return sniff_file(self.source)


def task_of(occ: Occurrence, *, session: Session) -> Task | None:
    """The plan task an occurrence belongs to (None when the plan no longer has it)."""
    from storage.plans import read_plan_record

    plan_row = session.get(PlanRecord, occ.plan_id)
    assert plan_row is not None
    plan = read_plan_record(plan_row, session=session)
    return next((t for t in plan.tasks if t.code == occ.task_code), None)


def add_evidence(
    files: Sequence[Path | Upload],
    *,
    session: Session,
    store: BlobStore,
    unit_id: int,
    occurrence: Occurrence,
    requirement: str | None = None,
    doc_number: str = "",
    doc_date: dt.date | None = None,
    issuer: str = "",
    summary: str = "",
    criteria: Sequence[str] | None = None,
    actor: str,
    now: dt.datetime,
    max_bytes: int,
    task: Task | None = None,
    repaired: set[str] | None = None,
) -> list[Evidence]:
    """Store ``files`` as new revisions of ``requirement`` (its name, number or a part of
    exactly one name; None = an extra document) for ``occurrence``. All or nothing.

    A file whose stored copy was damaged replaces it (audit-logged as ``evidence_repair``);
    its hash is added to ``repaired`` when given."""
    require_aware(now)
    task = task or task_of(occurrence, session=session)
    requirements = task.evidence if task else ()
    name = ""
    if requirement is not None and requirement.strip():
        found = find_requirement(requirements, requirement.strip())
        if found is None:
            raise LocalizedError(
                "error.evidence_unknown_requirement",
                task=occurrence.task_code,
                given=requirement,
                known="; ".join(f"{i}. {r.name}" for i, r in enumerate(requirements, 1)) or "—",
            )
        name = found
    uploads = [Upload.of(f) for f in files]
    for upload in uploads:
        if isinstance(upload.source, Path) and not upload.source.is_file():
            raise NotFoundError("error.file_not_found", path=upload.source)
    problems: list[Problem] = []
    kinds: list[str] = []
    for upload in uploads:
        size = upload.size()
        if size > max_bytes:
            problems.append(too_large(upload.name, size, max_bytes))
            kinds.append("")
            continue
        kind = upload.kind()
        if kind not in ALLOWED:
            problems.append(type_refused(upload.name, kind))
        elif kind in ZIP_DOCUMENTS and inflates_too_much(zip_parts(upload.source)):
            problems.append(bomb_refused(upload.name))
        kinds.append(kind or "")
    if problems:
        raise EvidenceRefused(problems)

    saved = [store.save(u.source) for u in uploads]  # every blob before any row
    stored = [(s.sha256, s.size) for s in saved]

    for (sha, size), kind in zip(stored, kinds, strict=True):
        if session.get(Blob, sha) is None:
            _insert_blob(session, sha, size, MEDIA_TYPES.get(kind, "application/octet-stream"), now)
    for fixed in dict.fromkeys(s.sha256 for s in saved if s.repaired):
        record(
            session=session,
            actor=actor,
            now=now,
            action="evidence_repair",
            entity="blob",
            key=fixed,
            unit_id=unit_id,
            after={"sha256": fixed, "path": str(store.path(fixed))},
        )
        if repaired is not None:
            repaired.add(fixed)
    last = session.exec(
        select(func.max(Evidence.revision)).where(
            Evidence.occurrence_id == occurrence.id, Evidence.requirement == name
        )
    ).one()
    revision = last or 0
    tags = [c.strip() for c in criteria if c.strip()] if criteria is not None else None
    out: list[Evidence] = []
    for upload, (sha, _size) in zip(uploads, stored, strict=True):
        revision += 1
        row = Evidence(
            unit_id=unit_id,
            occurrence_id=occurrence.id or 0,
            requirement=name,
            revision=revision,
            blob_sha256=sha,
            file_name=safe_name(upload.name),
            doc_number=(upload.doc_number or doc_number).strip(),
            doc_date=upload.doc_date or doc_date,
            issuer=(upload.issuer or issuer).strip(),
            summary=(upload.summary or summary).strip(),
            criteria=tags if tags is not None else list(task.criteria if task else ()),
            uploaded_by=actor,
            uploaded_at=now,
        )
        session.add(row)
        session.flush()
        record(
            session=session,
            actor=actor,
            now=now,
            action="evidence_add",
            entity="evidence",
            key=f"{occurrence.task_code}/{occurrence.period}#{row.id}",
            unit_id=unit_id,
            after={
                "requirement": name,
                "revision": revision,
                "file": row.file_name,
                "sha256": sha,
            },
        )
        out.append(row)
    return out


def _insert_blob(session: Session, sha: str, size: int, media_type: str, now: dt.datetime) -> None:
    """Add the blob's row unless a concurrent upload of the same content just did."""
    dialect = session.get_bind().dialect.name
    values: dict[str, Any] = {
        "sha256": sha,
        "size": size,
        "media_type": media_type,
        "stored_at": now,
    }
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(Blob).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(Blob).values(**values).on_conflict_do_nothing())
    else:
        session.add(Blob(**values))
    session.flush()


def get_evidence(evidence_id: int, *, session: Session, unit_id: int | None = None) -> Evidence:
    row = get_row(session, Evidence, evidence_id)
    if row is None or (unit_id is not None and row.unit_id != unit_id):
        raise NotFoundError("error.evidence_not_found", id=evidence_id)
    return row


def review(
    evidence_id: int,
    action: Literal["accept", "reject"],
    *,
    session: Session,
    actor: str,
    now: dt.datetime,
    reason: str | None = None,
    unit_id: int | None = None,
) -> Evidence:
    """Accept or reject (with a reason) an uploaded document; audit-logged.

    Rejecting only records the decision: the lead sees it in ``evidence list`` and in the
    completeness report (a rejected document no longer counts as provided)."""
    require_aware(now)
    row = get_evidence(evidence_id, session=session, unit_id=unit_id)
    target = ACCEPTED if action == "accept" else REJECTED
    if target == REJECTED and not (reason and reason.strip()):
        raise LocalizedError("error.evidence_reason_required")
    if row.status == target:
        raise LocalizedError(
            "error.evidence_already", id=evidence_id, status=terms(f"evidence_status.{target}")
        )
    before = {"status": row.status, "reason": row.reason or None}
    row.status, row.reviewed_by, row.reviewed_at = target, actor, now
    row.reason = reason.strip() if target == REJECTED and reason else ""
    session.add(row)
    occ = session.get(Occurrence, row.occurrence_id)
    record(
        session=session,
        actor=actor,
        now=now,
        action=f"evidence_{action}",
        entity="evidence",
        key=f"{occ.task_code}/{occ.period}#{row.id}" if occ else f"#{row.id}",
        unit_id=row.unit_id,
        before=before,
        after={"status": target, "reason": row.reason or None},
    )
    session.flush()
    return row


def accept(evidence_id: int, **kwargs: Any) -> Evidence:
    return review(evidence_id, "accept", **kwargs)


def reject(evidence_id: int, **kwargs: Any) -> Evidence:
    return review(evidence_id, "reject", **kwargs)


def provided_names(occurrence_id: int, *, session: Session) -> set[str]:
    """Requirement names with at least one upload that was not rejected."""
    rows = session.exec(
        select(Evidence.requirement).where(
            Evidence.occurrence_id == occurrence_id, Evidence.status != REJECTED
        )
    ).all()
    return set(rows)


def missing_for(occ: Occurrence, task: Task | None, *, session: Session) -> list[str]:
    """Required documents of ``occ`` without a non-rejected upload (the submit rule)."""
    if task is None or not task.evidence:
        return []
    return missing(task.evidence, provided_names(occ.id or 0, session=session))


def missing_for_many(
    pairs: Sequence[tuple[Occurrence, Task | None]], *, session: Session
) -> dict[int, list[str]]:
    """``missing_for`` of many occurrences in one query: occurrence id → required documents
    without a non-rejected upload."""
    asked = [occ.id or 0 for occ, task in pairs if task is not None and task.evidence]
    provided: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(asked), 1000):
        for occurrence_id, requirement in session.exec(
            select(Evidence.occurrence_id, Evidence.requirement).where(
                col(Evidence.occurrence_id).in_(asked[start : start + 1000]),
                Evidence.status != REJECTED,
            )
        ):
            provided[occurrence_id].add(requirement)
    return {
        occ.id or 0: missing(task.evidence, provided.get(occ.id or 0, set()))
        if task is not None and task.evidence
        else []
        for occ, task in pairs
    }


def list_evidence(
    *,
    session: Session,
    unit_id: int,
    task: str | None = None,
    period: str | None = None,
    status: str | None = None,
) -> list[tuple[Evidence, Occurrence]]:
    query = (
        select(Evidence, Occurrence)
        .join(Occurrence, col(Occurrence.id) == col(Evidence.occurrence_id))
        .where(Evidence.unit_id == unit_id)
    )
    if task:
        query = query.where(Occurrence.task_code == task)
    if period:
        query = query.where(Occurrence.period == period)
    if status:
        query = query.where(Evidence.status == status)
    query = query.order_by(
        col(Occurrence.due_date),
        col(Occurrence.task_code),
        col(Evidence.requirement),
        col(Evidence.revision),
    )
    return [(e, o) for e, o in session.exec(query).all()]


Damage = Literal["missing", "corrupted"]


def verify(
    session: Session, store: BlobStore, *, unit_id: int | None = None
) -> list[tuple[int, Damage]]:
    """Re-hash every stored blob; (evidence id, "missing" | "corrupted") for each record
    whose file is gone or no longer has the content it was stored with."""
    query = select(Evidence.id, Evidence.blob_sha256).order_by(col(Evidence.id))
    if unit_id is not None:
        query = query.where(Evidence.unit_id == unit_id)
    by_blob: dict[str, list[int]] = defaultdict(list)
    for evidence_id, sha in session.exec(query).all():
        by_blob[sha].append(evidence_id or 0)
    sizes = {
        b.sha256: b.size
        for b in session.exec(select(Blob).where(col(Blob.sha256).in_(list(by_blob))))
    }
    out: list[tuple[int, Damage]] = []
    for sha, ids in by_blob.items():
        now = rehash(store, sha)
        problem: Damage | None = None
        if now is None:
            problem = "missing"
        elif now != (sha, sizes.get(sha, now[1])):
            problem = "corrupted"
        if problem:
            out.extend((i, problem) for i in ids)
    return sorted(out)


def blob_count(session: Session, *, unit_id: int | None = None) -> int:
    query = select(func.count(func.distinct(Evidence.blob_sha256)))
    if unit_id is not None:
        query = query.where(Evidence.unit_id == unit_id)
    return session.exec(query).one()


def uploads_of(occurrence_ids: Sequence[int], *, session: Session) -> list[tuple[int, str, str]]:
    """(occurrence id, requirement, status) of every upload of the given occurrences (the
    completeness report's reading)."""
    if not occurrence_ids:
        return []
    rows = session.exec(
        select(Evidence.occurrence_id, Evidence.requirement, Evidence.status).where(
            col(Evidence.occurrence_id).in_(list(occurrence_ids))
        )
    ).all()
    return [(occ_id, name, status) for occ_id, name, status in rows]
