"""Column helpers shared by the tables."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Dialect, TypeDecorator
from sqlmodel import Field


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def json_field(default: Any = None) -> Any:
    """A JSON column (TEXT on SQLite, JSON on PostgreSQL)."""
    if default is not None:
        return Field(
            default_factory=lambda: copy.deepcopy(default), sa_column=Column(JSON, nullable=False)
        )
    return Field(default=None, sa_column=Column(JSON, nullable=True))


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware date-time stored as UTC and always read back aware.

    SQLite has no time zones: without this, a local 17:00 would be stored as a bare 17:00 and
    read back as 17:00 UTC — seven hours late in Vietnam — and comparisons in SQL would mix
    local and UTC wall times. Every value is converted to UTC on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: cchc stores aware times only")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
