"""Administrative units — UBND tỉnh / thành phố, quận / huyện (before 1 July 2025), xã /
phường / đặc khu — their levels, when each was in force, and who succeeded whom."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


class UnitBase(SQLModel):
    code: str = Field(index=True, unique=True, max_length=64)
    name: str = ""


class UnitRecord(UnitBase, table=True):
    """A unit; ``parent_id`` goes one level up (ward → district → city).

    ``level`` is one of ``domain.units.LEVELS`` (None: not known, as in a database made before
    units had levels); ``valid_from``/``valid_to`` are the first and last days the unit exists
    (None: open)."""

    __tablename__ = "unit"
    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="unit.id")
    level: str | None = Field(default=None, max_length=16)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class UnitSuccession(SQLModel, table=True):
    """One unit succeeding another — "sáp nhập" (``merge``) or "đổi tên" (``rename``): from
    ``on_date`` the work of ``predecessor_id`` belongs to ``successor_id``."""

    __tablename__ = "unit_succession"
    id: int | None = Field(default=None, primary_key=True)
    predecessor_id: int = Field(foreign_key="unit.id", index=True, unique=True)
    successor_id: int = Field(foreign_key="unit.id", index=True)
    on_date: dt.date
    kind: str = Field(default="merge", max_length=16)
