"""The province's appraisal of its units' self-assessments — "thẩm định" — and who does it.

A province officer is an officer of the province's own unit (``officer.unit_id`` = the
province) given a ``ProvinceRole``: ``province_staff`` (the province's CCHC staff: open and
close rounds, publish, assign appraisers) for a date range, or ``appraiser`` (a member of the
appraisal council) for one year and one area or criterion (``scope``; empty = every item).
A role over a unit covers every unit below it (through ``unit.parent_id``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, json_field


class ProvinceRole(SQLModel, table=True):
    """An officer of a province (or any unit above others) in an appraisal role."""

    __tablename__ = "province_role"
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    role: str = Field(max_length=32)  # province_staff | appraiser
    year: int | None = None  # an appraiser's year
    scope: str = Field(default="", max_length=32)  # area "3" or criterion "3.2"; "" = all
    start: dt.date
    end: dt.date | None = None


class AppraisalCycle(SQLModel, table=True):
    """Where a unit's assessment of a year is in the appraisal: ``round1`` → ``explanation``
    (until ``explanation_due``) → ``round2`` → ``closed`` → ``published``; each step dated and
    by whom. The published figures are kept so the ranking reads them in one query."""

    __tablename__ = "appraisal_cycle"
    __table_args__ = (UniqueConstraint("assessment_id"),)
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    year: int = Field(index=True)
    stage: str = Field(default="round1", max_length=16)
    round1_opened_at: dt.datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    round1_closed_at: dt.datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    explanation_due: dt.date | None = None
    round2_opened_at: dt.datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    round2_closed_at: dt.datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    published_at: dt.datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    published_by: str = ""
    self_index: float | None = None
    survey_total: float | None = None
    appraised_total: float | None = None
    appraised_index: float | None = None
    grade: str | None = Field(default=None, max_length=32)
    steps: list[dict[str, Any]] = json_field([])  # [{"step", "at", "by"}], the dated history


class AppraisalNote(SQLModel, table=True):
    """An appraiser's score and comment on one item in one round (the score is also written
    to ``assessment_item.appraisal_1``/``appraisal_2``, which the scorecard reads)."""

    __tablename__ = "appraisal_note"
    __table_args__ = (UniqueConstraint("assessment_id", "item", "round"),)
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    item: str = Field(max_length=32)
    round: int
    points: float
    comment: str = ""
    appraiser: str = Field(max_length=254)
    at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class AppraisalReply(SQLModel, table=True):
    """The unit's explanation ("giải trình") of one item during its window, with the ids of
    the evidence documents it points to."""

    __tablename__ = "appraisal_reply"
    __table_args__ = (UniqueConstraint("assessment_id", "item"),)
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    item: str = Field(max_length=32)
    text: str = ""
    evidence_ids: list[int] = json_field([])
    by: str = Field(max_length=254)
    at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
