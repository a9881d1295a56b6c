"""A loaded plan and its areas, targets, tasks, support roles, evidence and criteria links.

Nothing here is deleted when a revised plan drops it: rows are archived
(``archived_at``), because later work (occurrences, evidence) hangs on them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, ForeignKeyConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.clock import DEFAULT_TIMEZONE
from models.base import UTCDateTime, json_field


def _archived() -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class PlanRecord(SQLModel, table=True):
    """An annual plan of a unit; ``code`` is unique per unit."""

    __tablename__ = "plan"
    __table_args__ = (
        UniqueConstraint("unit_id", "code"),
        # what a task's foreign key to its plan and unit refers to (``TaskRecord``)
        UniqueConstraint("id", "unit_id", name="uq_plan_id_unit"),
    )
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    code: str = Field(max_length=64)
    title: str
    year: int
    issued: dt.date | None = None
    basis: list[str] = json_field([])
    framework_code: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    roll: str = "next"
    reminders: dict[str, Any] = json_field({})
    inferred: list[str] = json_field([])
    funding: dict[str, Any] | None = json_field()
    source_sha256: str = ""


class PlanOrigin(SQLModel, table=True):
    """Where a unit's plan derived from a province's template came from (``cchc plan
    derive``): the template's code, version and SHA-256, and the unit's overlay, kept whole
    so a revised template is derived again with it."""

    __tablename__ = "plan_origin"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", unique=True)
    template_code: str = Field(max_length=64, index=True)
    template_version: str = Field(default="", max_length=64)
    template_sha256: str = Field(max_length=64)
    overlay_file: str = ""
    overlay_sha256: str = Field(default="", max_length=64)
    overlay_text: str = ""
    derived_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    derived_by: str = ""


class AreaRecord(SQLModel, table=True):
    __tablename__ = "plan_area"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    code: str = Field(max_length=32)
    title: str
    title_en: str = ""
    position: int = 0
    archived_at: dt.datetime | None = _archived()


class TargetRecord(SQLModel, table=True):
    __tablename__ = "plan_target"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    code: str = Field(max_length=32)
    title: str
    title_en: str = ""
    metric: str
    scope: dict[str, Any] = json_field({})
    op: str | None = None
    value: float | None = None
    unit: str = "%"
    owner: str
    source: str = "plan"
    note: str = ""
    compare: str | None = None
    inferred: list[str] = json_field([])
    position: int = 0
    archived_at: dt.datetime | None = _archived()


class TaskRecord(SQLModel, table=True):
    """A plan task; schedule and reminders are kept as the plan file gives them.

    ``unit_id`` is its plan's unit, kept here so that one foreign key holds an occurrence to
    its task, plan and unit together (``Occurrence``): the database refuses an occurrence
    whose unit or plan is not its task's, with one check per row where three were needed."""

    __tablename__ = "plan_task"
    __table_args__ = (
        UniqueConstraint("plan_id", "code"),
        UniqueConstraint("id", "plan_id", "unit_id", name="uq_plan_task_id_plan_unit"),
        ForeignKeyConstraint(
            ["plan_id", "unit_id"], ["plan.id", "plan.unit_id"], name="fk_plan_task_plan_unit"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(index=True)
    unit_id: int
    code: str = Field(max_length=32)
    area: str = Field(max_length=32)
    title: str
    title_en: str = ""
    lead: str = Field(max_length=64)
    approver: str | None = None
    schedule: dict[str, Any] = json_field({})
    reminders: dict[str, Any] = json_field({})
    source: str = "plan"
    note: str = ""
    inferred: list[str] = json_field([])
    position: int = 0
    archived_at: dt.datetime | None = _archived()


class TaskSupport(SQLModel, table=True):
    """A role that cooperates on a task (phối hợp)."""

    __tablename__ = "task_support"
    task_id: int = Field(foreign_key="plan_task.id", primary_key=True)
    role: str = Field(primary_key=True, max_length=64)
    position: int = 0


class TaskCriterion(SQLModel, table=True):
    """A PAR sub-criterion a task feeds."""

    __tablename__ = "task_criterion"
    task_id: int = Field(foreign_key="plan_task.id", primary_key=True)
    criterion: str = Field(primary_key=True, max_length=32)


class TaskTarget(SQLModel, table=True):
    """A plan target a task works toward."""

    __tablename__ = "task_target"
    task_id: int = Field(foreign_key="plan_task.id", primary_key=True)
    target: str = Field(primary_key=True, max_length=32)


class EvidenceRequirementRecord(SQLModel, table=True):
    """A document each occurrence of a task must collect (tài liệu kiểm chứng)."""

    __tablename__ = "evidence_requirement"
    __table_args__ = (UniqueConstraint("task_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="plan_task.id", index=True)
    name: str
    kind: str
    required: bool = True
    position: int = 0
    archived_at: dt.datetime | None = _archived()
