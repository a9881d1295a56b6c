"""Local time — "giờ địa phương": the one place a moment becomes a unit's calendar day.

A plan carries its time zone (``plan.timezone``; ``DEFAULT_TIMEZONE`` when it names none);
every "today" in the engine is ``local_today(now, plan.timezone)``. Moments are always aware.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
# the years any date or moment cchc takes may fall in (a dossier's dates, ``--now``, a calendar
# year): wide enough for any record, narrow enough that moving a date never overflows
MIN_YEAR, MAX_YEAR = 1900, 2100


def require_aware(now: dt.datetime) -> dt.datetime:
    """``now`` itself; a naive datetime is a programming error."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"a time-zone-aware datetime is required, got {now!r}")
    return now


def local_today(now: dt.datetime, timezone: str) -> dt.date:
    """The calendar day ``now`` falls on in ``timezone``."""
    return require_aware(now).astimezone(zoneinfo.ZoneInfo(timezone)).date()


def local_moment(now: dt.datetime, timezone: str) -> dt.datetime:
    """``now`` on the wall clock of ``timezone``."""
    return require_aware(now).astimezone(zoneinfo.ZoneInfo(timezone))


def parse_moment(value: str, timezone: str) -> dt.datetime | None:
    """``2020-03-02T07:30`` (wall time in ``timezone``), ``2020-03-02`` (local midnight) or a
    moment with an offset, as an aware datetime; None when ``value`` is no ISO date-time."""
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zoneinfo.ZoneInfo(timezone))
    return parsed
