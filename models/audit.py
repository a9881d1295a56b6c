"""The append-only audit log: who changed what, when, with before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, json_field


class AuditEntry(SQLModel, table=True):
    """One change. Database triggers refuse UPDATE and DELETE on this table."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    actor: str
    action: str = Field(max_length=64)
    entity: str = Field(max_length=64)
    key: str
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    before: dict[str, Any] | None = json_field()
    after: dict[str, Any] | None = json_field()
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(default="", max_length=64)
