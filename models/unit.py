"""Administrative units — UBND phường / quận / thành phố."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class UnitBase(SQLModel):
    code: str = Field(index=True, unique=True, max_length=64)
    name: str = ""


class UnitRecord(UnitBase, table=True):
    """A unit; ``parent_id`` goes one level up (ward → district → city)."""

    __tablename__ = "unit"
    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="unit.id")
