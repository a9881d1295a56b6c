"""Quiet hours: when an officer may be sent a non-urgent message.

Officers who ask for it get nothing outside working days and hours, except escalations;
a message composed at night waits for the next working morning.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from domain.clock import require_aware
from domain.workdays import WorkCalendar

DAY_START = dt.time(7, 0)
DAY_END = dt.time(17, 30)


def next_allowed(now: dt.datetime, calendar: WorkCalendar, timezone: str) -> dt.datetime:
    """``now`` if it falls in working hours of a working day, else the next working morning."""
    local = require_aware(now).astimezone(zoneinfo.ZoneInfo(timezone))
    day = local.date()
    if calendar.is_working(day) and DAY_START <= local.time() < DAY_END:
        return now
    if not (calendar.is_working(day) and local.time() < DAY_START):
        day = calendar.add(day, 1)
    return dt.datetime.combine(day, DAY_START, tzinfo=zoneinfo.ZoneInfo(timezone))
