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
    # the time the use case was given when it was a simulated one (``--now``); ``at`` is always
    # the real clock
    simulated_at: dt.datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    scheme: str = Field(default="hmac", max_length=16)  # "hmac" (keyed) | "sha256" (legacy)

    @property
    def when(self) -> dt.datetime:
        """When the change happened in the database's world: the simulated time on a
        simulation, else the real one."""
        return self.simulated_at or self.at


class Installation(SQLModel, table=True):
    """The database itself — "cài đặt" (one row): live or a simulation, which audit key its
    log is chained with (a fingerprint, never the key), and how many entries predate the key."""

    __tablename__ = "installation"
    id: int | None = Field(default=None, primary_key=True)
    mode: str = Field(default="live", max_length=16)  # "live" | "simulation"
    audit_key_id: str | None = Field(default=None, max_length=64)
    legacy_entries: int = 0
    legacy_seal: str | None = Field(default=None, max_length=64)
