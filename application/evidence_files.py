"""Opening an uploaded document — "mở tài liệu kiểm chứng": its stored file, checked against
the SHA-256 it was stored under, for whoever the occurrence concerns (``evidence.read``: its
lead and support positions, its approver, the chairman, the CCHC officer).

Whether a front end may show a file in the browser (``inline``) is decided here, from the type
detected from its content when it was stored *and* from its content now — never from its name:
only PDF and plain images (PNG, JPEG, GIF, WebP). Everything else, HTML and SVG above all, is a
download of a neutral type.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from application.access import Gate, Identity
from application.messages import t
from application.occurrences import subject_of
from application.units import unit_of
from application.uow import UnitOfWork
from domain.clock import local_today
from domain.errors import Conflict
from domain.evidence import MEDIA_TYPES
from domain.i18n import Lang
from models import Blob, Occurrence, PlanRecord
from storage.blobs import CHUNK, BlobStore
from storage.evidence import get_evidence
from storage.plans import read_plan_record

INLINE: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}
"""Types a browser may show in place, each with the first bytes its content must have."""

DOWNLOAD = frozenset(MEDIA_TYPES.values()) - {"application/zip"}
"""Office types served as themselves for download; anything else as ``application/octet-stream``."""
NEUTRAL = "application/octet-stream"


class EvidenceDamaged(Conflict):
    """The stored copy of a document no longer has the content it was stored with."""

    key = "evidence.damaged"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: Lang = "vi") -> str:
        return t(self.key, lang, **self.params)


@dataclass(frozen=True)
class EvidenceFile:
    """One document's content as stored, verified, with how a browser should receive it:
    ``media_type`` the type to send, ``inline`` whether it may be shown in place."""

    id: int
    name: str
    media_type: str
    content: bytes
    inline: bool


def inline_type(stored: str, content: bytes) -> bool:
    """Whether a file whose content was detected as ``stored`` may be shown in place: a type
    of ``INLINE`` whose first bytes ``content`` still has (WebP: ``RIFF….WEBP``)."""
    magics = INLINE.get(stored)
    if not magics or not any(content.startswith(m) for m in magics):
        return False
    return stored != "image/webp" or content[8:12] == b"WEBP"


def _verified(store: BlobStore, sha256: str, size: int, evidence_id: int) -> bytes:
    """The blob's content, re-hashed as it is read; a copy that differs is refused."""
    digest, parts, total = hashlib.sha256(), [], 0
    with store.open(sha256) as f:
        while block := f.read(CHUNK):
            total += len(block)
            if total > size:
                raise EvidenceDamaged(id=evidence_id)
            digest.update(block)
            parts.append(block)
    if digest.hexdigest() != sha256:
        raise EvidenceDamaged(id=evidence_id)
    return b"".join(parts)


def open_evidence(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    evidence_id: int,
    store: BlobStore,
    unit: str | None = None,
) -> EvidenceFile:
    """One uploaded document for ``identity``, when the policy lets them read the occurrence's
    documents; its content verified against its SHA-256 (``EvidenceDamaged`` otherwise)."""
    with uow as session:
        unit_row = unit_of(session, identity, unit, now)
        row = get_evidence(evidence_id, session=session, unit_id=unit_row.id)
        occ = session.get(Occurrence, row.occurrence_id)
        assert occ is not None
        plan_row = session.get(PlanRecord, occ.plan_id)
        assert plan_row is not None
        plan = read_plan_record(plan_row, session=session)
        task = next((x for x in plan.tasks if x.code == occ.task_code), None)
        Gate.load(session, row.unit_id, plan).check(
            identity,
            "evidence.read",
            subject_of(plan, task, occ),
            on=local_today(now, plan.timezone),
            entity="evidence",
            key=f"{occ.task_code}/{occ.period}#{row.id}",
        )
        blob = session.get(Blob, row.blob_sha256)
        stored = blob.media_type if blob else NEUTRAL
        size = blob.size if blob else 0
        name, sha256 = row.file_name, row.blob_sha256
    content = _verified(store, sha256, size, evidence_id)
    inline = inline_type(stored, content)
    # a type that would be shown in place but whose content is not that type: neutral
    served = stored if inline or (stored in DOWNLOAD and stored not in INLINE) else NEUTRAL
    return EvidenceFile(evidence_id, name, served, content, inline)
