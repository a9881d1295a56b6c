"""The year-end PAR Index self-assessment (tự đánh giá Chỉ số CCHC) of a unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, json_field


class Assessment(SQLModel, table=True):
    """A unit's assessment for a year against a framework; frozen when submitted."""

    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("unit_id", "year", "framework_code"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    year: int
    framework_code: str = Field(max_length=64)
    status: str = Field(default="open", max_length=16)  # open | submitted
    bonus: float = 0
    bonus_reason: str = ""
    penalty: float = 0
    penalty_reason: str = ""
    difficulties: str = ""
    snapshot: dict[str, Any] | None = json_field()
    snapshot_sha256: str = ""
    submitted_by: str = ""
    submitted_at: dt.datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class AssessmentItem(SQLModel, table=True):
    """What people entered for one item: self-score override, survey result, appraisal, explanation."""

    __tablename__ = "assessment_item"
    __table_args__ = (UniqueConstraint("assessment_id", "item"),)
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    item: str = Field(max_length=32)
    self_score: float | None = None
    self_reason: str = ""
    level: str | None = None  # the chosen level of a `levels` rule
    survey: float | None = None  # points entered from survey results (survey items)
    appraisal_1: float | None = None
    appraisal_2: float | None = None
    explanation: str = ""
