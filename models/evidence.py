"""Evidence documents (tài liệu kiểm chứng): content-addressed blobs and their revisions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, json_field


class Blob(SQLModel, table=True):
    """A stored file, named by the SHA-256 of its content; written once, never overwritten."""

    __tablename__ = "blob"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    media_type: str = Field(max_length=100)
    stored_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Evidence(SQLModel, table=True):
    """One uploaded document for an occurrence (a revision of one requirement)."""

    __tablename__ = "evidence"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "requirement", "revision"),
        Index("ix_evidence_unit_status", "unit_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    requirement: str = ""  # the evidence requirement's name; "" = an extra document
    revision: int = 1
    blob_sha256: str = Field(foreign_key="blob.sha256", max_length=64, index=True)
    file_name: str  # sanitised, Vietnamese kept, for display and export
    doc_number: str = ""
    doc_date: dt.date | None = None
    issuer: str = ""
    summary: str = ""
    criteria: list[str] = json_field([])
    status: str = Field(default="pending", max_length=16)  # pending | accepted | rejected
    reason: str = ""
    uploaded_by: str = ""
    uploaded_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    reviewed_by: str = ""
    reviewed_at: dt.datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
