"""Positions, officers and who holds which position when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import json_field


class Position(SQLModel, table=True):
    """A position (chức danh) of a unit, from its plan's roles."""

    __tablename__ = "position"
    __table_args__ = (UniqueConstraint("unit_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    code: str = Field(max_length=64)
    title: str = ""
    title_en: str = ""
    reports_to: str | None = Field(default=None, max_length=64)
    source: str = "plan"
    note: str = ""
    wording: str = ""
    inferred: list[str] = json_field([])
    duties: list[dict[str, Any]] = json_field([])


class OfficerBase(SQLModel):
    name: str
    email: str = Field(max_length=254)
    phone: str = ""


class Officer(OfficerBase, table=True):
    """A person (cán bộ, công chức) of a unit, identified by email within it.

    Contact points and preferences: ``apprise_urls`` (chat targets: Telegram, Slack, Teams,
    ntfy, JSON webhooks …), ``channels`` (which of ``email``/``apprise`` to use), ``digest``
    (one daily message instead of individual reminders), ``quiet`` (nothing outside working
    days and hours except escalations) and ``lang``.
    """

    __tablename__ = "officer"
    __table_args__ = (UniqueConstraint("unit_id", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    apprise_urls: list[str] = json_field([])
    channels: list[str] = json_field(["email"])
    digest: bool = False
    quiet: bool = True
    lang: str = Field(default="vi", max_length=8)


class Assignment(SQLModel, table=True):
    """An officer holding a position for a date range (inclusive; ``end`` None = open)."""

    __tablename__ = "assignment"
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    position_id: int = Field(foreign_key="position.id", index=True)
    kind: str = Field(default="holder", max_length=16)
    start: dt.date
    end: dt.date | None = None
    scope: list[str] = json_field([])
    acting_for_id: int | None = Field(default=None, foreign_key="officer.id")
    note: str = ""
