"""A loaded PAR framework and its nodes (areas, criteria, items in one table)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import json_field


class FrameworkRecord(SQLModel, table=True):
    """A framework, shared by the units that are assessed with it."""

    __tablename__ = "framework"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    title: str
    title_en: str = ""
    year: int = 0
    scale: float = 100
    grades: dict[str, Any] = json_field({})
    bonus_max: float = 0
    penalty_max: float = 0
    source: str = "inferred"
    model: bool = False  # a model framework, not the index the district or city issued
    source_sha256: str = ""


class FrameworkNode(SQLModel, table=True):
    """An area, criterion or item; ``parent_code`` links the tree."""

    __tablename__ = "framework_node"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    framework_id: int = Field(foreign_key="framework.id", index=True)
    code: str = Field(max_length=32)
    parent_code: str | None = None
    level: str = Field(max_length=16)  # area | criterion | item
    title: str
    title_en: str = ""
    max: float
    assessed_by: str | None = None
    rule: dict[str, Any] | None = json_field()
    evidence: list[Any] = json_field([])
    source: str = "inferred"
    note: str = ""
    position: int = 0
