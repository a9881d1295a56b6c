"""Evidence — "tài liệu kiểm chứng": uploading, reviewing, listing and checking the documents
that prove an occurrence's work (the completeness report is ``application.completeness``).

Use cases take a unit of work, the acting ``Identity``, ``now`` and typed inputs, and return
typed results. Uploading asks the policy (``evidence.upload``: the task's lead or a support
position); accepting or rejecting asks it too (``evidence.accept`` / ``evidence.reject``: the
task's approver or the chairman, never the officer who uploaded the file or submitted the
occurrence). The blob store comes from the front end (on disk under the installation's home
for the command line, in memory for the demo and tests).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from application.access import Gate, Identity, check_installation
from application.frozen import FrozenInputs
from application.occurrences import subject_of
from application.units import unit_of
from application.uow import UnitOfWork
from domain.clock import DEFAULT_TIMEZONE, local_moment, local_today, require_aware
from domain.errors import LocalizedError
from domain.plan import Plan, Task
from models import Blob, Evidence, Occurrence, PlanRecord
from storage.blobs import BlobStore, DiskBlobStore, Leftover
from storage.db import get_row
from storage.evidence import STATUSES, add_evidence, get_evidence
from storage.evidence import Upload as Upload  # what a front end hands over: a name and bytes
from storage.evidence import blob_count as count_blobs
from storage.evidence import list_evidence as query_evidence
from storage.evidence import review as record_review
from storage.evidence import verify as rehash_all
from storage.occurrences import find_occurrence
from storage.plans import read_plan_record, unit_timezone
from storage.units import resolve_unit

if TYPE_CHECKING:
    from sqlmodel import Session

REVIEWS = ("accept", "reject")
Review = Literal["accept", "reject"]


def disk_store(home: Path) -> DiskBlobStore:
    """The installation's blob store: content-addressed files under ``home / "evidence"``."""
    return DiskBlobStore(home / "evidence")


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    """One uploaded document (a revision of one requirement) as readers see it. Moments are
    stored in UTC; ``timezone`` is the plan's, for showing them on the unit's wall clock."""

    id: int
    task: str | None
    period: str | None
    requirement: str
    revision: int
    file: str
    sha256: str
    doc_number: str
    doc_date: dt.date | None
    issuer: str
    summary: str
    criteria: tuple[str, ...]
    status: str
    reason: str
    uploaded_by: str
    uploaded_at: dt.datetime
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    path: str | None = None
    size: int | None = None
    media_type: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    repaired: bool = False  # this upload replaced a damaged stored copy of the same file

    @property
    def uploaded_local(self) -> dt.datetime:
        return _local(self.uploaded_at, self.timezone)

    @property
    def reviewed_local(self) -> dt.datetime | None:
        return _local(self.reviewed_at, self.timezone) if self.reviewed_at else None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "task": self.task,
            "period": self.period,
            "requirement": self.requirement,
            "revision": self.revision,
            "file": self.file,
            "sha256": self.sha256,
            "doc_number": self.doc_number,
            "doc_date": self.doc_date,
            "issuer": self.issuer,
            "summary": self.summary,
            "criteria": list(self.criteria),
            "status": self.status,
            "reason": self.reason,
            "uploaded_by": self.uploaded_by,
            "uploaded_at": self.uploaded_at,
            "reviewed_by": self.reviewed_by,
            "reviewed_at": self.reviewed_at,
        }
        if self.path is not None:
            out["path"] = self.path
        if self.repaired:
            out["repaired"] = True
        return out


@dataclass(frozen=True)
class EvidenceDetail(EvidenceItem):
    """``evidence show``: the record with its stored file's type and size."""

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "media_type": self.media_type, "size": self.size}


@dataclass(frozen=True)
class ReviewResult:
    """What a review did to one document."""

    id: int
    status: str
    reason: str
    task: str | None
    period: str | None
    actor: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "reason": self.reason or None}


@dataclass(frozen=True)
class Damage:
    """A stored file that is gone (``missing``) or no longer has its content (``corrupted``)."""

    id: int
    problem: str
    task: str | None
    period: str | None
    file: str | None
    sha256: str | None
    path: str | None

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class LeftoverFile:
    """A temporary file an interrupted upload left in the store, and how old it is."""

    path: str
    size: int
    modified: dt.datetime
    age: dt.timedelta
    stale: bool  # older than the safe age: no upload can still be writing it

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "size": self.size,
            "modified": self.modified,
            "age_seconds": int(self.age.total_seconds()),
            "stale": self.stale,
        }


@dataclass(frozen=True)
class VerifyResult:
    """``evidence verify``: how many stored files were re-hashed, what was wrong, and the
    temporary files interrupted uploads left behind (not damage: ``evidence gc`` removes them)."""

    checked: int
    problems: tuple[Damage, ...]
    leftovers: tuple[LeftoverFile, ...] = ()

    @property
    def leftover_bytes(self) -> int:
        return sum(x.size for x in self.leftovers)

    @property
    def oldest_leftover(self) -> dt.timedelta | None:
        return max((x.age for x in self.leftovers), default=None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "problems": [p.as_dict() for p in self.problems],
            "leftovers": [x.as_dict() for x in self.leftovers],
        }


@dataclass(frozen=True)
class CleanUp:
    """``evidence gc``: the leftovers removed (or, for a dry run, that would be) and those
    kept because an upload may still be writing them."""

    removed: tuple[LeftoverFile, ...]
    kept: tuple[LeftoverFile, ...]
    dry_run: bool
    older_than: dt.timedelta

    @property
    def removed_bytes(self) -> int:
        return sum(x.size for x in self.removed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "older_than_seconds": int(self.older_than.total_seconds()),
            "removed": [x.as_dict() for x in self.removed],
            "removed_bytes": self.removed_bytes,
            "kept": [x.as_dict() for x in self.kept],
        }


def _local(moment: dt.datetime, timezone: str) -> dt.datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return local_moment(aware, timezone)


def _item(
    row: Evidence,
    occ: Occurrence | None,
    *,
    timezone: str,
    store: BlobStore | None = None,
    blob: Blob | None = None,
    kind: type[EvidenceItem] = EvidenceItem,
    repaired: bool = False,
) -> EvidenceItem:
    return kind(
        id=row.id or 0,
        task=occ.task_code if occ else None,
        period=occ.period if occ else None,
        requirement=row.requirement,
        revision=row.revision,
        file=row.file_name,
        sha256=row.blob_sha256,
        doc_number=row.doc_number,
        doc_date=row.doc_date,
        issuer=row.issuer,
        summary=row.summary,
        criteria=tuple(row.criteria or ()),
        status=row.status,
        reason=row.reason,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
        reviewed_by=row.reviewed_by or None,
        reviewed_at=row.reviewed_at,
        path=str(store.path(row.blob_sha256)) if store is not None else None,
        size=blob.size if blob else None,
        media_type=blob.media_type if blob else None,
        timezone=timezone,
        repaired=repaired,
    )


# --- changes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Work:
    """An occurrence with its plan and task, as the policy needs them."""

    occ: Occurrence
    plan: Plan
    task: Task | None

    @property
    def key(self) -> str:
        return f"{self.occ.task_code}/{self.occ.period}"

    def today(self, now: dt.datetime) -> dt.date:
        return local_today(now, self.plan.timezone)


def _work(session: Session, occ: Occurrence) -> _Work:
    plan_row = session.get(PlanRecord, occ.plan_id)
    assert plan_row is not None
    plan = read_plan_record(plan_row, session=session)
    task = next((x for x in plan.tasks if x.code == occ.task_code), None)
    return _Work(occ, plan, task)


def upload(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    task: str,
    period: str,
    files: Sequence[Path | Upload],
    store: BlobStore,
    max_bytes: int,
    requirement: str | None = None,
    unit: str | None = None,
    plan: str | None = None,
    doc_number: str = "",
    doc_date: dt.date | None = None,
    issuer: str = "",
    summary: str = "",
    criteria: Sequence[str] | None = None,
) -> list[EvidenceItem]:
    """``evidence add``: store ``files`` as new revisions of ``requirement`` (its name, number
    or part of one name; None = an extra document) for one occurrence, as ``identity`` — the
    task's lead or a support position. All files or none."""
    with uow as session:
        unit_row = unit_of(session, identity, unit, now)
        uid = unit_row.id or 0
        occ = find_occurrence(uid, task, period, session=session, plan=plan)
        work = _work(session, occ)
        actor = Gate.load(session, uid, work.plan).check(
            identity,
            "evidence.upload",
            subject_of(work.plan, work.task, occ),
            on=work.today(now),
            entity="evidence",
            key=work.key,
        )
        repaired: set[str] = set()
        frozen = FrozenInputs.take(session, [uid], now)
        rows = add_evidence(
            files,
            session=session,
            store=store,
            unit_id=uid,
            occurrence=occ,
            requirement=requirement,
            doc_number=doc_number,
            doc_date=doc_date,
            issuer=issuer,
            summary=summary,
            criteria=criteria,
            actor=actor.identity,
            now=now,
            max_bytes=max_bytes,
            task=work.task,
            repaired=repaired,
        )
        frozen.check(session, change=f"evidence add {work.key}")
        return [
            _item(
                r,
                occ,
                timezone=work.plan.timezone,
                store=store,
                blob=session.get(Blob, r.blob_sha256),
                repaired=r.blob_sha256 in repaired,
            )
            for r in rows
        ]


def review(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    evidence_id: int,
    action: Review,
    reason: str | None = None,
    unit: str | None = None,
) -> ReviewResult:
    """``evidence accept|reject``: the task's approver (or the chairman) decides on one
    uploaded document — never its uploader nor the officer who submitted the occurrence. A
    rejection needs a reason; the lead sees it in ``evidence list`` and the completeness
    report (a rejected document no longer counts as provided)."""
    if action not in REVIEWS:
        raise LocalizedError("error.bad_action", action=action, allowed=", ".join(REVIEWS))
    with uow as session:
        unit_row = unit_of(session, identity, unit, now)
        row = get_evidence(evidence_id, session=session, unit_id=unit_row.id)
        occ = session.get(Occurrence, row.occurrence_id)
        assert occ is not None
        work = _work(session, occ)
        subject = dataclasses.replace(
            subject_of(work.plan, work.task, occ), uploaded_by=row.uploaded_by or None
        )
        actor = Gate.load(session, row.unit_id, work.plan).check(
            identity,
            f"evidence.{action}",
            subject,
            on=work.today(now),
            entity="evidence",
            key=f"{work.key}#{row.id}",
        )
        frozen = FrozenInputs.take(session, [row.unit_id], now)
        record_review(
            evidence_id,
            action,
            session=session,
            actor=actor.identity,
            now=now,
            reason=reason,
            unit_id=row.unit_id,
        )
        frozen.check(session, change=f"evidence {action} {evidence_id}")
        return ReviewResult(
            id=row.id or 0,
            status=row.status,
            reason=row.reason,
            task=occ.task_code,
            period=occ.period,
            actor=actor.identity,
        )


# --- reading -------------------------------------------------------------------------------


def list_evidence(
    uow: UnitOfWork,
    *,
    unit: str | None = None,
    task: str | None = None,
    period: str | None = None,
    status: str | None = None,
) -> list[EvidenceItem]:
    """``evidence list``: every revision, in deadline order, optionally filtered."""
    if status and status not in STATUSES:
        raise LocalizedError("error.bad_status", status=status, allowed=", ".join(STATUSES))
    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        uid = unit_row.id or 0
        timezone = unit_timezone(session=session, unit_id=uid)
        rows = query_evidence(session=session, unit_id=uid, task=task, period=period, status=status)
        return [_item(e, o, timezone=timezone) for e, o in rows]


def show_evidence(
    uow: UnitOfWork, *, evidence_id: int, store: BlobStore, unit: str | None = None
) -> EvidenceDetail:
    """``evidence show``: one record, its stored file, type and size."""
    with uow as session:
        unit_row = resolve_unit(unit, session=session)
        row = get_evidence(evidence_id, session=session, unit_id=unit_row.id)
        occ = session.get(Occurrence, row.occurrence_id)
        plan_row = session.get(PlanRecord, occ.plan_id) if occ else None
        item = _item(
            row,
            occ,
            timezone=plan_row.timezone if plan_row and plan_row.timezone else DEFAULT_TIMEZONE,
            store=store,
            blob=session.get(Blob, row.blob_sha256),
            kind=EvidenceDetail,
        )
        assert isinstance(item, EvidenceDetail)
        return item


def verify(
    uow: UnitOfWork,
    *,
    store: BlobStore,
    unit: str | None = None,
    now: dt.datetime | None = None,
) -> VerifyResult:
    """``evidence verify``: re-hash every stored file (of ``unit``, or of every unit); the
    records whose file is missing or corrupted, and the store's leftover temporary files
    (their ages as of ``now``, the real clock by default). Read-only."""
    leftovers = _leftovers(store, now or dt.datetime.now(dt.UTC), STALE_AFTER)
    with uow as session:
        uid = resolve_unit(unit, session=session).id if unit else None
        found = []
        for evidence_id, problem in rehash_all(session, store, unit_id=uid):
            row = get_row(session, Evidence, evidence_id)
            occ = session.get(Occurrence, row.occurrence_id) if row else None
            found.append(
                Damage(
                    id=evidence_id,
                    problem=problem,
                    task=occ.task_code if occ else None,
                    period=occ.period if occ else None,
                    file=row.file_name if row else None,
                    sha256=row.blob_sha256 if row else None,
                    path=str(store.path(row.blob_sha256)) if row else None,
                )
            )
        return VerifyResult(count_blobs(session, unit_id=uid), tuple(found), leftovers)


# --- leftovers of interrupted uploads --------------------------------------------------------

STALE_AFTER = dt.timedelta(hours=1)
"""How old a temporary file must be before ``evidence gc`` removes it: far longer than any
upload takes, so a file still being written is never removed."""


def _leftovers(
    store: BlobStore, now: dt.datetime, older_than: dt.timedelta
) -> tuple[LeftoverFile, ...]:
    return tuple(_leftovers_of(store.leftovers(), now, older_than))


def remove_leftovers(
    store: BlobStore,
    now: dt.datetime,
    *,
    older_than: dt.timedelta = STALE_AFTER,
    dry_run: bool = False,
) -> CleanUp:
    """Remove the store's temporary files older than ``older_than`` at ``now`` (the daily
    job's step, and ``evidence gc``'s once the policy agreed)."""
    found = store.leftovers()
    removed, kept = [], []
    for x, item in zip(found, _leftovers_of(found, now, older_than), strict=True):
        if not item.stale:
            kept.append(item)
        elif dry_run or store.discard(x):
            removed.append(item)
    return CleanUp(tuple(removed), tuple(kept), dry_run, older_than)


def _leftovers_of(
    found: Sequence[Leftover], now: dt.datetime, older_than: dt.timedelta
) -> list[LeftoverFile]:
    require_aware(now)
    return [
        LeftoverFile(str(x.path), x.size, x.modified, x.age(now), x.age(now) >= older_than)
        for x in found
    ]


def collect_garbage(
    identity: Identity,
    now: dt.datetime,
    *,
    store: BlobStore,
    older_than: dt.timedelta = STALE_AFTER,
    dry_run: bool = False,
) -> CleanUp:
    """``evidence gc``: the installation's operator removes the temporary files interrupted
    uploads left in the store (only those older than ``older_than``: an upload under way
    keeps its file). ``dry_run``: say what would go, remove nothing."""
    check_installation(identity, "evidence.gc", now)
    return remove_leftovers(store, now, older_than=older_than, dry_run=dry_run)
