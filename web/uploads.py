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
    """The form fields beside the files, as typed. Each metadata field is given once (for
    every file) or once per file, in the files' order (the i-th value for the i-th file)."""

    requirement: str = ""
    doc_number: tuple[str, ...] = ()
    doc_date: tuple[str, ...] = ()
    issuer: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()

    @classmethod
    def of(cls, requirement: str, *fields: list[str] | None) -> UploadFields:
        number, date, issuer, summary = (tuple(f or ()) for f in fields)
        return cls(requirement, number, date, issuer, summary)

    def each(self, n: int) -> list[dict[str, str]]:
        """The metadata of each of ``n`` files (a field given once applies to every file)."""
        out: list[dict[str, str]] = [{} for _ in range(n)]
        for name in ("doc_number", "doc_date", "issuer", "summary"):
            values: tuple[str, ...] = getattr(self, name)
            if len(values) > 1 and len(values) != n:
                raise InputError("web.metadata_count", field=name, given=len(values), files=n)
            for i, item in enumerate(out):
                item[name] = (
                    values[i] if len(values) == n else values[0] if values else ""
                ).strip()
        return out


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
    each = fields.each(len(chosen))
    env = env_of(request)
    return upload(
        env.uow(),
        signed.identity,
        env.now(),
        task=task,
        period=period,
        files=[
            Upload(
                f.filename or "",
                f.file.read(),
                doc_number=meta["doc_number"],
                doc_date=doc_date(meta["doc_date"]),
                issuer=meta["issuer"],
                summary=meta["summary"],
            )
            for f, meta in zip(chosen, each, strict=True)
        ],
        store=disk_store(env.evidence_home),
        max_bytes=env.max_upload_bytes,
        requirement=fields.requirement.strip() or None,
    )
