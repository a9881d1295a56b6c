"""Evidence files sent by a form or the API, handed to the upload use case with their
document metadata (số/ký hiệu, ngày ban hành, cơ quan ban hành, trích yếu)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request, UploadFile

from web.env import env_of
from web.errors import InputError

if TYPE_CHECKING:
    from application.evidence import EvidenceItem
    from application.identity import SignedIn


@dataclass(frozen=True)
class UploadFields:
    """The form fields beside the files, as typed."""

    requirement: str = ""
    doc_number: str = ""
    doc_date: str = ""
    issuer: str = ""
    summary: str = ""


def doc_date(value: str) -> dt.date | None:
    """A date of issue as a date box sends it (``2020-06-08``); empty: none."""
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError("web.bad_doc_date", value=value) from None


def store_uploads(
    request: Request,
    signed: SignedIn,
    *,
    task: str,
    period: str,
    files: list[UploadFile],
    fields: UploadFields,
) -> list[EvidenceItem]:
    """Store ``files`` for one occurrence as ``signed`` (all or none): the use case checks the
    policy, the size and the type by content."""
    from application.evidence import disk_store, upload
    from storage.evidence import Upload

    chosen = [f for f in files if f.filename]
    if not chosen:
        raise InputError("web.no_files")
    env = env_of(request)
    return upload(
        env.uow(),
        signed.identity,
        env.now(),
        task=task,
        period=period,
        files=[Upload(f.filename or "", f.file.read()) for f in chosen],
        store=disk_store(env.evidence_home),
        max_bytes=env.max_upload_bytes,
        requirement=fields.requirement.strip() or None,
        doc_number=fields.doc_number.strip(),
        doc_date=doc_date(fields.doc_date),
        issuer=fields.issuer.strip(),
        summary=fields.summary.strip(),
    )
