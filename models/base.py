"""Column helpers shared by the tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def json_field(default: Any = None) -> Any:
    """A JSON column (TEXT on SQLite, JSON on PostgreSQL)."""
    factory = (lambda: type(default)()) if default is not None else None
    if factory is not None:
        return Field(default_factory=factory, sa_column=Column(JSON, nullable=False))
    return Field(default=None, sa_column=Column(JSON, nullable=True))
