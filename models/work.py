"""Scheduled work: occurrences of plan tasks, who they were routed to, reminders sent,
the outbox of messages, and the editable working-day overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, ForeignKeyConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, json_field


def _aware(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class CalendarOverride(SQLModel, table=True):
    """A day that is off, or a working day (ngày làm bù), against the ordinary rule."""

    __tablename__ = "calendar_override"
    id: int | None = Field(default=None, primary_key=True)
    day: dt.date = Field(unique=True, index=True)
    working: bool
    reason: str


class Occurrence(SQLModel, table=True):
    """One period of a task — "lần thực hiện" — with its deadline, status and officer."""

    __tablename__ = "occurrence"
    __table_args__ = (
        UniqueConstraint("task_id", "period"),
        Index("ix_occurrence_unit_status_due", "unit_id", "status", "due_date"),
        # its task, that task's plan and that plan's unit, in one check per row written
        ForeignKeyConstraint(
            ["task_id", "plan_id", "unit_id"],
            ["plan_task.id", "plan_task.plan_id", "plan_task.unit_id"],
            name="fk_occurrence_task_plan_unit",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int
    plan_id: int = Field(index=True)
    task_id: int
    task_code: str = Field(max_length=32)
    period: str = Field(max_length=32)
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    due_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    status: str = Field(default="open", max_length=16)
    lead_role: str = Field(max_length=64)
    officer_id: int | None = Field(default=None, foreign_key="officer.id", index=True)
    acting_for_id: int | None = Field(default=None, foreign_key="officer.id")
    next_reminder_at: dt.datetime | None = _aware(index=True)
    reason: str = ""
    submitted_at: dt.datetime | None = _aware()
    submitted_by: str = Field(default="", max_length=320)
    reviewed_by: str = Field(default="", max_length=320)
    accepted_at: dt.datetime | None = _aware()
    updated_at: dt.datetime | None = _aware()


class OccurrenceRoute(SQLModel, table=True):
    """Who an occurrence was routed to, from when: the history of holder changes."""

    __tablename__ = "occurrence_route"
    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    since: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    reason: str = ""


class ReminderLog(SQLModel, table=True):
    """A reminder or escalation step handled for an occurrence: sent, or skipped by a catch-up.

    The unique key is what makes each step go out exactly once, whatever the sweeps do.
    """

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("occurrence_id", "kind", "step"),)
    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    kind: str = Field(max_length=16)
    step: int
    outcome: str = Field(max_length=16)  # sent | skipped
    at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class OutboxMessage(SQLModel, table=True):
    """A message waiting to be delivered, or delivered: the only way anything is sent."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id", index=True)
    kind: str = Field(max_length=32)
    channel: str = Field(default="email", max_length=32)
    recipient: str
    recipient_name: str = ""
    cc: list[str] = json_field([])
    subject: str
    body: str
    html: str = ""
    reply_to: str = ""
    # pending → sending → sent; or back to pending (a retry), dead, dropped, superseded
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    claim_token: str | None = Field(default=None, max_length=40, index=True)
    claimed_at: dt.datetime | None = _aware()
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    next_attempt_at: dt.datetime | None = _aware()
    sent_at: dt.datetime | None = _aware()
    last_error: str = ""
    # what the message is about, so it is re-checked and re-rendered when it is sent: the
    # recipient's email and the items (occurrence, kind, step …); see ``application.composer``
    facts: dict[str, Any] = json_field({})
