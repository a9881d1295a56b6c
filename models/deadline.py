"""The province's deadlines for the units below it — "hạn nộp" — and the reminders sent for
them.

``ProvinceDeadline`` is a date a province (or any unit above others) sets for a year: the day
by which every unit below it submits its PAR self-assessment (``self_assessment``). The other
deadline the units are reminded of, the end of a unit's explanation window, is its appraisal
cycle's ``explanation_due``. ``DeadlineReminderLog`` is what makes each step of a unit's
reminders go out exactly once, like ``ReminderLog`` does for occurrences.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime


class ProvinceDeadline(SQLModel, table=True):
    """The day by which the units below ``unit_id`` must do something for ``year``."""

    __tablename__ = "province_deadline"
    __table_args__ = (UniqueConstraint("unit_id", "year", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    year: int
    kind: str = Field(max_length=32)  # self_assessment
    due: dt.date = Field(index=True)
    set_by: str = Field(default="", max_length=254)
    set_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DeadlineReminderLog(SQLModel, table=True):
    """A reminder or escalation step handled for a unit's deadline (``deadline``:
    ``self_assessment`` or ``explanation``; ``due``: the date it was for, so a moved deadline
    starts its own steps): sent, or skipped by a catch-up."""

    __tablename__ = "deadline_reminder_log"
    __table_args__ = (UniqueConstraint("unit_id", "year", "deadline", "due", "kind", "step"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    year: int
    deadline: str = Field(max_length=32)
    due: dt.date
    kind: str = Field(max_length=16)
    step: int
    outcome: str = Field(max_length=16)  # sent | skipped
    at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
